"""Scores one statement against the provisions its words point to, with every reason kept."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from typing import NamedTuple, Protocol

import attrs
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from ..model import Component, ConceptHit, Evidence, Plan, Statement, TermHit
from ..text import FOLDS, Figure, figures, lexicon, tokens
from ..text import words as _surfaces_of
from .vocabulary import NEGATES, Term, Vocabulary, _Seen, whole_concepts

__all__ = ["BACKGROUND_FACTOR", "COMPONENTS", "KIND_FACTORS", "Matcher", "Weights"]

COMPONENTS = {
    "coverage": "share of the provision's concepts found, each weighted by how rare it is in the plan",
    "proximity": "how close together the concepts stand in the statement",
    "phrase": "rapidfuzz token_set_ratio between the statement and the provision's title and summary",
    "kind": "deduction for statement kinds that say less (headlines, headings)",
    "background": "deduction for a statement that names a year before the plan's and no word of a plan or of what is to come",
}
"""Each score component and what it measures, in words (shown in explanations and docs)."""

_DIGIT = re.compile(r"\d")
_NONE: tuple[frozenset[int], int] = (frozenset(), 0)

KIND_FACTORS = {"headline": 0.9, "heading": 0.9}
"""Share of the score a statement of this kind keeps (1.0 for kinds not listed)."""

BACKGROUND_FACTOR = 0.6
"""Share of the score a statement reading as history keeps: one of its words is a year (four
digits, 1500–2099) before the plan's date and none is one of the lexicon's ``plan_words``
("In 1994 Kyiv gave up ..."). A year within the words that matched the provision's own
terms ("since 1991") does not count against that provision."""


@attrs.frozen
class Weights:
    """Points each component can add; they sum to 100."""

    coverage: float = 65.0
    proximity: float = 15.0
    phrase: float = 20.0

    def __attrs_post_init__(self) -> None:
        total = self.coverage + self.proximity + self.phrase
        if abs(total - 100.0) > 1e-9:
            raise ValueError(f"weights must sum to 100, got {total}")


@attrs.frozen
class _Cover:
    """The statement words a longer term's hit is made of (absolute spans, in order) and how
    many other words stand between them in its window."""

    words: tuple[tuple[int, int], ...]
    gaps: int

    @classmethod
    def of(cls, statement: Statement, words: _WordAt, chosen: tuple[int, ...]) -> _Cover:
        """The cover of the statement words ``chosen`` (indices into ``words``, in order)."""
        base = statement.start
        spans = tuple((base + words[w].start, base + words[w].end) for w in chosen)
        return cls(spans, chosen[-1] - chosen[0] + 1 - len(chosen))


class _Word(NamedTuple):
    """One counted word of a statement: its place among the counted words, its text and span."""

    place: int
    surface: str
    start: int
    end: int


class _WordAt(Protocol):
    """The counted words of a statement, by place (a list, or :class:`_Words`)."""

    def __getitem__(self, place: int, /) -> _Word: ...


class _Words:
    """The counted words of a statement, each made when first asked for: most are never asked."""

    __slots__ = ("_counted", "_spans", "_surfaces")

    def __init__(self, text: str, surfaces: list[str], counted: list[int]) -> None:
        self._spans = _spans(text, surfaces)
        self._surfaces = surfaces
        self._counted = counted

    def __getitem__(self, place: int, /) -> _Word:
        position = self._counted[place]
        start, end = self._spans[position]
        return _Word(place, self._surfaces[position], start, end)


def _spans(text: str, surfaces: list[str]) -> list[tuple[int, int]]:
    """The span of each word of ``text`` (:func:`~planlib.text.words`, in order): each starts at the
    first place its surface stands after the word before, since what lies between two words
    holds no letter or digit a word could start with."""
    out = []
    at = 0
    find = text.find
    for surface in surfaces:
        at = find(surface, at)
        end = at + len(surface)
        out.append((at, end))
        at = end
    return out


_PRIME_AT_ONCE = 256  # statements whose new words Matcher.evidence_batch looks up together


class Matcher:
    """Finds and scores the provisions of one plan in statements."""

    def __init__(self, plan: Plan, vocabulary: Vocabulary | None = None, weights: Weights | None = None) -> None:
        self.plan = plan
        self.vocabulary = vocabulary if vocabulary is not None else Vocabulary(plan)
        self.weights = weights if weights is not None else Weights()
        self._stop = lexicon().stopwords
        self._targets = [  # as token_set_ratio(text, title + summary, processor=default_process) sees them
            default_process(default_process(f"{p.title} {p.summary}")) for p in plan.provisions
        ]
        lex = lexicon()
        self._lexicon = lex
        self._required = [
            frozenset(ci for ci, c in enumerate(p.concepts) if c.required) for p in plan.provisions
        ]
        self._negative = [
            any(lex.negates(t.surface) for t in tokens(f"{p.title} {p.summary}")) for p in plan.provisions
        ]
        self._figures = [
            {ci for ci, c in enumerate(p.concepts) if c.kind == "figure" and c.value is not None} for p in plan.provisions
        ]
        self._term_provision = [t.provision for t in self.vocabulary.terms]
        self._by_number = tuple(
            pi for pi, p in enumerate(plan.provisions)
            if self._required[pi] <= self._figures[pi] and len(self._figures[pi]) >= p.needed
        )
        self._has_figure = [any(c.kind == "figure" for c in p.concepts) for p in plan.provisions]
        year = (plan.date or "")[:4]
        self._plan_year = int(year) if year.isdigit() and lex.plan_words else None  # no date: no history test
        bit = self.vocabulary.concept_bit
        self._bit_provision = [pi for pi, p in enumerate(plan.provisions) for _c in p.concepts]
        self._masks = [  # per provision, as concept masks: all, required, figures; and how many it needs
            (sum(bit(pi, ci) for ci in range(len(p.concepts))), sum(bit(pi, ci) for ci in self._required[pi]),
             sum(bit(pi, ci) for ci in self._figures[pi]), p.needed)
            for pi, p in enumerate(plan.provisions)
        ]

    def evidence(self, statement: Statement) -> list[Evidence]:
        """Every provision this statement supports, scored and explained (no threshold applied)."""
        return self._evidence(statement, _surfaces_of(statement.text))

    def evidence_batch(self, statements: Sequence[Statement]) -> list[list[Evidence]]:
        """:meth:`evidence` of each statement, in order: the same answers, faster for many, since
        the batch's words new to the vocabulary are looked up first, all together
        (:meth:`Vocabulary.prime`), and each statement's words then take one dict look-up each."""
        out: list[list[Evidence]] = []
        for start in range(0, len(statements), _PRIME_AT_ONCE):  # a batch's words at once would cost memory
            some = statements[start : start + _PRIME_AT_ONCE]
            surfaces = [_surfaces_of(s.text) for s in some]
            self.vocabulary.prime(itertools.chain.from_iterable(surfaces))
            out.extend(map(self._evidence, some, surfaces))
        return out

    def _evidence(self, statement: Statement, surfaces: list[str]) -> list[Evidence]:
        text = statement.text
        entries = self.vocabulary.entries(surfaces)
        whole = whole_concepts(entries)
        if not whole and not self._by_number:
            return []  # the common case, kept cheap: no provision can reach a score
        digits = _DIGIT.search(text) is not None
        candidates, candidate_mask = self._candidates(whole, digits) if whole else _NONE
        by_number = self._by_number if digits else ()
        if not candidates and not by_number:
            return []
        counted, hits = self._hits(entries, candidates, candidate_mask) if candidates else ([], {})
        found, cover = self._found(statement, surfaces, counted, hits, digits) if candidates else ({}, {})
        for pi in by_number:  # provisions a number alone can support: its figures decide
            found.setdefault(pi, {})
        if not found:
            return []
        nums = figures(text) if any(self._has_figure[pi] for pi in found) else []
        negated: frozenset[int] = frozenset()
        if any(flags := list(map(NEGATES, entries))):
            negated = self._negated_starts(flags, [start for start, _end in _spans(text, surfaces)])
        out = []
        processed = default_process(text)  # once for every provision scored
        background = self._background(surfaces)
        for pi in sorted(found):
            ev = self._score(pi, found[pi], statement, nums, negated, cover, processed, background)
            if ev is not None:
                out.append(ev)
        return _explained_away(out)

    def _candidates(self, whole: int, digits: bool) -> tuple[frozenset[int], int]:
        """Provisions that could reach a score, given the concepts with a term all of whose words
        a statement holds (``whole``, a concept mask; a figure concept may still be met by a
        number in the text), and the mask of their concepts. A necessary condition only, decided
        on words alone: spans and windows are checked later."""
        out = []
        union = 0
        bits = whole
        provisions = set()
        while bits:
            low = bits & -bits
            provisions.add(self._bit_provision[low.bit_length() - 1])
            bits ^= low
        for pi in sorted(provisions):
            concepts = self._masks[pi][0]
            if self._may_support(pi, whole & concepts, digits):
                out.append(pi)
                union |= concepts
        return frozenset(out), union

    def _hits(
        self, entries: list[_Seen], candidates: frozenset[int], candidate_mask: int
    ) -> tuple[list[int], dict[int, dict[int, list[int]]]]:
        """Which tokens count as words (their positions among the tokens) and, per term of a
        candidate provision, where each of its words stands among the counted words."""
        term_provision = self._term_provision
        counted: list[int] = []
        hits: dict[int, dict[int, list[int]]] = {}  # term -> word index in term -> statement words
        for position, entry in enumerate(entries):
            pairs = entry.postings
            if pairs is None:
                continue
            index = len(counted)
            counted.append(position)
            if not entry.concepts & candidate_mask:
                continue
            for ti, wi in pairs:
                if term_provision[ti] not in candidates:
                    continue
                by_word = hits.get(ti)
                if by_word is None:
                    hits[ti] = {wi: [index]}
                else:
                    by_word.setdefault(wi, []).append(index)
        return counted, hits

    def _found(
        self, statement: Statement, surfaces: list[str], counted: list[int],
        hits: dict[int, dict[int, list[int]]], digits: bool,
    ) -> tuple[dict[int, dict[int, list[TermHit]]], dict[TermHit, _Cover]]:
        """Term hits per provision and concept, for the provisions that could still reach a score,
        and for each hit of a longer term the spans of the words it is made of (the words between
        them, in its window, stay free for other concepts)."""
        terms = self.vocabulary.terms
        words: _Words | None = None
        cover: dict[TermHit, _Cover] = {}
        found: dict[int, dict[int, list[TermHit]]] = {}  # provision -> concept -> hits
        for ti, by_word in hits.items():
            term = terms[ti]
            for chosen in _term_spans(term, by_word):
                if words is None:  # spans of the counted words, only once some term is found
                    words = _Words(statement.text, surfaces, counted)
                hit = self._hit(statement, term, words, (chosen[0], chosen[-1]))
                if len(chosen) > 1:
                    cover[hit] = _Cover.of(statement, words, chosen)
                found.setdefault(term.provision, {}).setdefault(term.concept, []).append(hit)
        bit = self.vocabulary.concept_bit
        kept = {pi: by for pi, by in found.items() if self._may_support(pi, sum(bit(pi, ci) for ci in by), digits)}
        return kept, cover

    def _hit(self, statement: Statement, term: Term, words: _WordAt, span: tuple[int, int]) -> TermHit:
        """The hit of ``term`` on the statement words ``span`` (first, last), with its fold."""
        vocab = self.vocabulary
        text = statement.text
        first, last = span
        head = words[first]
        start, end = head.start, (head if last == first else words[last]).end
        surface = text[start:end]
        if len(term.words) == 1:
            m = vocab.lookup(head.surface)
            assert m is not None
            fold = vocab.fold_of(term, 0, head.surface, m)
            sim = m.similarity
        else:
            fold = "gazetteer" if term.via else _multi_fold(vocab, term, words, first, last)
            sim = 100.0
        provision = self.plan.provisions[term.provision]
        concept = provision.concepts[term.concept]
        label = term.text if term.via is None else f"{term.text} (in {term.via})"
        return TermHit(concept.name, label, surface, statement.start + start, statement.start + end, fold, sim)

    def _may_support(self, pi: int, have: int, digits: bool) -> bool:
        """Whether a provision whose concepts ``have`` (a concept mask) have hits could pass its
        required and minimum-concept checks (a figure concept may still be met by a number in
        the text). Only ever says no when scoring would say no too."""
        if not have:
            return False
        _all, required, figures_, needed = self._masks[pi]
        if digits:
            have |= figures_
        return have & required == required and have.bit_count() >= needed

    def _background(self, surfaces: list[str]) -> frozenset[str]:
        """The earlier years that make a statement read as history (see :data:`BACKGROUND_FACTOR`):
        none when it names no year before the plan's or holds a plan word."""
        year = self._plan_year
        if year is None:
            return frozenset()
        years = frozenset(w for w in surfaces if len(w) == 4 and w.isdigit() and 1500 <= int(w) < year)
        if not years or any(map(self._lexicon.is_plan_word, surfaces)):
            return frozenset()
        return years

    def _negated_starts(self, negates: Sequence[bool], starts: Sequence[int]) -> frozenset[int]:
        """Local start offsets of words standing within the negation window after a negator,
        given for each word of the statement whether it negates and where it starts."""
        window = self._lexicon.negation_window
        out: set[int] = set()
        last_neg = -(10**9)
        for i, (negator, start) in enumerate(zip(negates, starts, strict=True)):
            if negator:
                last_neg = i
            elif i - last_neg <= window:
                out.add(start)
        return frozenset(out)

    def _score(
        self, pi: int, by_concept: dict[int, list[TermHit]], statement: Statement, nums: list[Figure],
        negated: frozenset[int], cover: Mapping[TermHit, _Cover] | None = None, processed: str | None = None,
        background: frozenset[str] = frozenset(),
    ) -> Evidence | None:
        provision = self.plan.provisions[pi]
        flags: list[str] = []
        by_concept = {ci: sorted(set(h), key=_hit_order) if len(h) > 1 else h for ci, h in by_concept.items()}
        if negated and not self._negative[pi]:  # "not recognised": a negated act is no support
            base = statement.start
            for ci in list(by_concept):
                if provision.concepts[ci].kind == "act":
                    kept = [h for h in by_concept[ci] if h.start - base not in negated]
                    if kept:
                        by_concept[ci] = kept
                    else:
                        del by_concept[ci]
        for ci, concept in enumerate(provision.concepts):
            if concept.kind != "figure" or concept.value is None:
                continue
            exact = [f for f in nums if abs(f.value - concept.value) < 1e-6 * max(1.0, abs(concept.value))]
            if exact:
                f = exact[0]
                by_concept[ci] = [
                    TermHit(concept.name, f"{concept.value:,.0f}", statement.text[f.start : f.end],
                            statement.start + f.start, statement.start + f.end, "figure")
                ]
            else:
                other = [f for f in nums if not f.bare_year and concept.value / 10 <= f.value <= concept.value * 10]
                if other:  # another figure where this one belongs: shown, flagged, never counted as support
                    f = other[0]
                    flags.append("conflicting_figure")
                    by_concept[ci] = [
                        TermHit(concept.name, f"{concept.value:,.0f}", statement.text[f.start : f.end],
                                statement.start + f.start, statement.start + f.end, "figure", 0.0)
                    ]
        matched = _claim(by_concept, self._required[pi], cover)
        if any(c.required and ci not in matched for ci, c in enumerate(provision.concepts)):
            return None
        if len(matched) < provision.needed:
            return None
        weights = self.vocabulary.weights
        total_w = sum(weights.get((pi, ci), 1.0) for ci in range(len(provision.concepts)))
        got_w = sum(weights.get((pi, ci), 1.0) for ci in matched)
        coverage = got_w / total_w if total_w else 0.0
        starts = [h.start for ci in matched for h in matched[ci]]
        ends = [h.end for ci in matched for h in matched[ci]]
        spread = max(ends) - min(starts)
        proximity = 1.0 if len(matched) < 2 or spread <= 90 else max(0.0, 90 / spread)
        if processed is None:
            processed = default_process(statement.text)
        phrase = fuzz.token_set_ratio(processed, self._targets[pi]) / 100
        w = self.weights
        parts = [
            ("coverage", coverage, w.coverage * coverage),
            ("proximity", proximity, w.proximity * proximity),
            ("phrase", phrase, w.phrase * phrase),
        ]
        subtotal = sum(p for _n, _v, p in parts)
        factor = KIND_FACTORS.get(statement.kind, 1.0)
        if factor != 1.0:
            parts.append(("kind", factor, subtotal * (factor - 1.0)))
        if background and not all(any(y in h.surface for hs in by_concept.values() for h in hs) for y in background):
            flags.append("background")  # unless each earlier year is in the provision's own words ("since 1991")
            parts.append(("background", BACKGROUND_FACTOR, sum(p for _n, _v, p in parts) * (BACKGROUND_FACTOR - 1.0)))
        score = round(sum(p for _n, _v, p in parts), 1)
        components = [Component(n, COMPONENTS[n], round(v, 3), round(p, 1)) for n, v, p in parts]
        concepts = [
            ConceptHit(provision.concepts[ci].name, provision.concepts[ci].kind,
                       round(weights.get((pi, ci), 1.0), 3), matched[ci])
            for ci in sorted(matched)
        ]
        return Evidence(provision.id, statement, score, concepts, components, flags)


def _term_spans(term: Term, by_word: dict[int, list[int]]) -> list[tuple[int, ...]]:
    """Where the term stands, as the statement words it is made of: every occurrence of a
    one-word term (a negated one must not hide a plain one later on); for a longer term, its
    tightest place."""
    if len(term.words) == 1 and 0 in by_word:
        return [(p,) for p in by_word[0]]
    chosen = _term_span(term, by_word)
    return [] if chosen is None else [chosen]


def _term_span(term: Term, by_word: dict[int, list[int]]) -> tuple[int, ...] | None:
    """The statement words (in order) of the tightest place where every word of the term stands
    within a window of (words + 1), in any order; ``None`` if there is no such place."""
    if len(by_word) < len(term.words):
        return None
    if len(term.words) == 1:
        return (by_word[0][0],)
    window = len(term.words) + 1
    best: tuple[int, ...] | None = None
    for anchor in by_word[0]:
        chosen = [anchor]
        for wi in range(1, len(term.words)):
            near = [p for p in by_word[wi] if abs(p - anchor) <= window and p not in chosen]
            if not near:
                break
            chosen.append(min(near, key=lambda p: (abs(p - anchor), p)))
        else:
            width = max(chosen) - min(chosen)
            if width <= window and (best is None or width < best[-1] - best[0]):
                best = tuple(sorted(chosen))
    return best


def _multi_fold(vocab: Vocabulary, term: Term, words: _WordAt, first: int, last: int) -> str:
    loosest = "exact"
    for place in range(first, last + 1):
        w = words[place]
        m = vocab.lookup(w.surface)
        if m is None:
            continue
        for wi, tw in enumerate(term.words):
            if tw.key == m.key:
                fold = vocab.fold_of(term, wi, w.surface, m)
                if FOLDS.index(fold) > FOLDS.index(loosest):
                    loosest = fold
                break
    return loosest


def _hit_order(h: TermHit) -> tuple[int, int, int, str]:
    return (h.start, h.end, FOLDS.index(h.fold), h.term)


def _contested(by_concept: dict[int, list[TermHit]]) -> bool:
    """Whether hits of two concepts may share words. When not (the common case: overlaps are
    a concept's own terms on the same words), no concept's choice bears on another's."""
    every = sorted((h.start, h.end, ci) for ci, hits in by_concept.items() for h in hits)
    reach, owner = -1, -1  # the end of the run of overlapping spans so far, and its concept
    for start, end, ci in every:
        if start < reach:
            if ci != owner:
                return True
            reach = max(reach, end)
        else:
            reach, owner = end, ci
    return False


def _place_of(h: TermHit) -> tuple[int, int, str]:
    return (h.start, h.end, h.term)


def _claim(
    by_concept: dict[int, list[TermHit]], required: frozenset[int] = frozenset(),
    cover: Mapping[TermHit, _Cover] | None = None,
) -> dict[int, tuple[TermHit, ...]]:
    """Concepts that have a hit of their own: one stretch of text serves one concept only.

    Required concepts claim first, then those with fewer hits. Each concept keeps the hits
    whose words (``cover``: the word spans of a longer term's hit; otherwise its whole span)
    overlap no words claimed before it, choosing first the hit that blocks the fewest
    hits of the concepts still to come (then the one with the fewest words standing between
    its own, then the longest), so that a phrase a plan lists under two concepts
    counts for one and the other concept keeps its own words.
    """
    order = sorted(by_concept, key=lambda c: (c not in required, len(by_concept[c]), c))
    contested = _contested(by_concept)
    pieces = cover or {}
    used: list[tuple[int, int]] = []
    out: dict[int, tuple[TermHit, ...]] = {}

    def words(h: TermHit) -> tuple[tuple[int, int], ...]:
        c = pieces.get(h)
        return ((h.start, h.end),) if c is None else c.words

    def gaps(h: TermHit) -> int:
        c = pieces.get(h)
        return 0 if c is None else c.gaps

    def meet(a: TermHit, b: TermHit) -> bool:
        if a.end <= b.start or b.end <= a.start:
            return False  # a hit's words lie within its span
        return any(s < e2 and s2 < e for s, e in words(a) for s2, e2 in words(b))

    def free(h: TermHit) -> bool:
        return all(e <= s2 or s >= e2 for s, e in words(h) for s2, e2 in used)

    if not contested:  # each concept chooses among its own hits alone
        for ci in order:
            hits = by_concept[ci]
            if len(hits) < 2:
                if hits:
                    out[ci] = (hits[0],)
                continue
            if all(a.end <= b.start for a, b in itertools.pairwise(hits)):
                out[ci] = tuple(hits)  # in place order and apart: no two meet, every one is kept
                continue
            own: list[TermHit] = []
            for h in sorted(hits, key=lambda h: (gaps(h), -(h.end - h.start), h.start, FOLDS.index(h.fold), h.term)):
                if not any(meet(h, o) for o in own):
                    own.append(h)
            out[ci] = tuple(sorted(own, key=_place_of))
        return out
    for n, ci in enumerate(order):
        later = [h for cj in order[n + 1 :] for h in by_concept[cj]]
        candidates = sorted(
            (h for h in by_concept[ci] if free(h)),
            key=lambda h: (sum(1 for o in later if meet(o, h)), gaps(h), -(h.end - h.start),
                           h.start, FOLDS.index(h.fold), h.term),
        )
        own = []
        for h in candidates:
            if not any(meet(h, o) for o in own) and (not own or not any(meet(o, h) for o in later)):
                own.append(h)
        if own:
            out[ci] = tuple(sorted(own, key=_place_of))
            used.extend(w for h in own for w in words(h))
    return out


def _explained_away(found: list[Evidence]) -> list[Evidence]:
    """Drop evidence whose every hit overlaps a hit of a provision that matched more
    concepts in the same statement: the statement is about the more specific provision."""
    if len(found) < 2:
        return found
    spans = [[(h.start, h.end) for c in e.concepts for h in c.hits] for e in found]
    keep = []
    for i, ev in enumerate(found):
        covered = any(
            j != i and len(other.concepts) > len(ev.concepts)
            and all(any(s < oe and os_ < e for os_, oe in spans[j]) for s, e in spans[i])
            for j, other in enumerate(found)
        )
        if not covered:
            keep.append(ev)
    return keep
