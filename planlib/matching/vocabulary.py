"""A plan's concepts compiled into one look-up table of folded words, built once per plan.

Each distinct corpus word is folded and looked up once (cached); words not found exactly are
compared once against the vocabulary words that share an unedited piece with them (see
:class:`TypoIndex`), within a typo budget that grows with the word's length. Nothing here
scores statements against provisions.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Iterable, Sequence
from typing import cast

import attrs
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from ..model import Concept, Plan, Provision
from ..places import Gazetteer, load_gazetteer
from ..text import FOLDS, Folded, Lexicon, fold_label, fold_word, lexicon, tokens

__all__ = ["CACHE_WORDS", "Term", "TypoIndex", "Vocabulary", "WordMatch", "typo_budget", "whole_concepts"]

CACHE_WORDS = 1 << 18
"""Distinct corpus words a vocabulary remembers; past this the cache starts afresh, so memory
stays bounded on corpora whose vocabulary keeps growing (results never depend on it). A word
that meets no term costs the cache one entry and no object of its own."""


def typo_budget(length: int) -> int:
    """Edits a word of ``length`` letters may differ by and still count as a typo of a term:
    none below 6 letters, one for 6–9, two from 10."""
    if length < 6:
        return 0
    return 1 if length < 10 else 2


class TypoIndex:
    """Typo choices (sorted words) indexed by pieces of them: :meth:`nearest` finds the choice
    a word is fewest edits from, within a budget, as a scan of every choice would, but measures
    the distance only to the few choices that share an unedited piece with the word.

    The pieces: a word's first and last ``len // (budget + 1)`` letters, and ``budget - 1``
    parts of what lies between them. An edit (a letter changed, dropped or put in) falls within
    one part at most (a letter put in before the first letter counts for the first part, after
    the last for the last), so a choice within ``budget`` edits keeps one part as it was: it
    starts with the first, ends with the last, or holds a middle part where the word has it,
    give or take ``budget`` letters (the edits before a part move it by one letter each at
    most). The index keeps up to :data:`PIECE` letters of each choice's start and end, and the
    four letters at each place of it; a word whose parts are too short for that is compared with
    every choice.
    """

    PIECE = 5
    """Most letters of a choice's start and end the index keeps (of a word's, a look-up uses)."""

    def __init__(self, choices: Sequence[str]) -> None:
        self._choices = tuple(choices)
        self._starts: dict[str, list[str]] = {}
        self._ends: dict[str, list[str]] = {}
        self._middles: dict[tuple[str, int], list[str]] = {}
        for choice in self._choices:
            for k in range(1, min(self.PIECE, len(choice)) + 1):
                self._starts.setdefault(choice[:k], []).append(choice)
                self._ends.setdefault(choice[-k:], []).append(choice)
            for at in range(len(choice) - 3):
                self._middles.setdefault((choice[at : at + 4], at), []).append(choice)

    def nearest(self, word: str, budget: int) -> str | None:
        """The choice fewest edits from ``word`` if one is within ``budget`` (none for a budget
        of 0), the first in sorted order on a tie."""
        if budget < 1:
            return None
        best: tuple[int, str] | None = None
        for choice in self._sharing(word, budget):
            distance = _distance(word, choice, score_cutoff=budget)
            if distance <= budget and (best is None or (distance, choice) < best):
                best = (distance, choice)
        return None if best is None else best[1]

    def _sharing(self, word: str, budget: int) -> Iterable[str]:
        """The choices that share a part with ``word`` (see the class), or all of them."""
        end = len(word) // (budget + 1)
        between = len(word) - 2 * end
        if end < 1 or between < 4 * (budget - 1):
            return self._choices
        piece = min(end, self.PIECE)
        starts, ends = self._starts.get(word[:piece]), self._ends.get(word[-piece:])
        if budget == 1:  # most words: no middle part, and most often neither end found
            if starts is None or ends is None:
                return starts or ends or ()  # a list holds a choice once
            return {*starts, *ends}
        found = {*(starts or ()), *(ends or ())}
        for part in range(budget - 1):
            start = end + part * between // (budget - 1)
            four = word[start : start + 4]
            for at in range(max(0, start - budget), start + budget + 1):
                found.update(self._middles.get((four, at), ()))
        return found


@attrs.frozen
class Term:
    """One surface form of a concept, as folded words; ``place`` is set when it came from the
    gazetteer, ``via`` names the concept's own place when this form belongs to a place within it,
    ``hyphen`` is set when the words are those of ``text`` with a hyphen after a prefix taken
    out or put in (:meth:`planlib.text.Lexicon.hyphen_forms`)."""

    provision: int
    concept: int
    text: str
    words: tuple[Folded, ...]
    place: str | None = None
    via: str | None = None
    hyphen: bool = False


@attrs.frozen
class WordMatch:
    """How one corpus word met the vocabulary: the folded key it matched and by which fold."""

    key: str
    typo: bool
    similarity: float
    matched: str


class Vocabulary:
    """The folded terms of every concept of a plan, with the index the matcher looks words up in."""

    def __init__(self, plan: Plan, gazetteer: Gazetteer | None = None) -> None:
        gaz = gazetteer if gazetteer is not None else load_gazetteer()
        lex = lexicon()
        self.plan = plan
        self.terms: list[Term] = []
        self.by_key: dict[str, list[tuple[int, int]]] = {}
        for pi, provision in enumerate(plan.provisions):
            for ci, concept in enumerate(provision.concepts):
                seen: set[tuple[str, ...]] = set()  # a hyphen form the concept lists itself is not added again
                for text, place, via, form in _surface_forms(concept, gaz, lex):
                    words = tuple(fold_word(t.surface) for t in tokens(form))
                    content = tuple(w for w in words if w.key not in lex.stopwords)
                    if len(content) < 2:  # "in exchange" must not shrink to a bare "exchange"
                        content = words
                    content_keys = tuple(w.key for w in content)
                    if not content or (form != text and content_keys in seen):
                        continue
                    seen.add(content_keys)
                    self.terms.append(Term(pi, ci, text, content, place, via, hyphen=form != text))
        for ti, term in enumerate(self.terms):
            for wi, word in enumerate(term.words):
                self.by_key.setdefault(word.key, []).append((ti, wi))
        self.concept_base = list(itertools.accumulate((len(p.concepts) for p in plan.provisions), initial=0))
        """Where each provision's concepts start among the bits of a concept mask."""
        self._reach: dict[str, int] = {}  # key -> concepts with a term that holds it
        self._solid: dict[str, int] = {}  # key -> concepts a term made of that key alone gives
        tails: dict[str, dict[tuple[int, frozenset[str]], None]] = {}
        for term in self.terms:
            bit = self.concept_bit(term.provision, term.concept)
            keys = {w.key for w in term.words}
            for key in keys:
                self._reach[key] = self._reach.get(key, 0) | bit
            if len(keys) == 1:
                (key,) = keys
                self._solid[key] = self._solid.get(key, 0) | bit
            else:  # a longer term is tested at its rarest key: are its other keys there too?
                anchor = min(keys, key=lambda k: (len(self.by_key[k]), k))
                tails.setdefault(anchor, {})[(bit, frozenset(keys - {anchor}))] = None
        self._tails = {key: tuple(found) for key, found in tails.items()}
        self._spelled: dict[str, str] = {}
        for term in self.terms:
            for word in term.words:
                if word.spelled.isalpha() and typo_budget(len(word.spelled)):
                    self._spelled.setdefault(word.spelled, word.key)
        self._typo_choices = sorted(self._spelled)
        self._typos = TypoIndex(self._typo_choices)
        self._words: dict[str, _Seen] = {}  # corpus word -> what it is to this vocabulary
        self._stop = lex.stopwords
        self._negates = lex.negates
        self.weights = self._weights(plan.provisions)

    def _weights(self, provisions: Sequence[Provision]) -> dict[tuple[int, int], float]:
        """Rarity weight of each concept: 1 + ln(N / df), df the provisions sharing its words."""
        keys_of: dict[tuple[int, int], set[str]] = {}
        for term in self.terms:
            if term.hyphen:  # a prefix cut off ("co", "re") would make every concept seem common
                continue
            keys_of.setdefault((term.provision, term.concept), set()).update(w.key for w in term.words)
        prov_keys: dict[int, set[str]] = {}
        for (pi, _ci), keys in keys_of.items():
            prov_keys.setdefault(pi, set()).update(keys)
        n = max(1, len(provisions))
        weights = {}
        for (pi, ci), keys in keys_of.items():
            df = sum(1 for other in prov_keys.values() if keys & other)
            weights[(pi, ci)] = 1.0 + math.log(n / max(1, df))
        return weights

    def lookup(self, surface: str) -> WordMatch | None:
        """The vocabulary key a corpus word matches, exactly (after folding) or as a typo."""
        return self._seen(surface).match

    def postings(self, surface: str) -> tuple[tuple[int, int], ...] | None:
        """(term, word of term) pairs a corpus word stands for; ``()`` for a word that matches
        nothing but counts, ``None`` for a stop word that matches nothing (not counted)."""
        return self._seen(surface).postings

    def _seen(self, surface: str) -> _Seen:
        seen = self._words.get(surface)
        if seen is not None:
            return seen
        folded = _fold(surface)  # this cache is the one that counts; don't churn fold_word's
        found = self._exact(folded)
        return self._remember(surface, found if found is not None else self._typo(folded))

    def _exact(self, folded: Folded) -> WordMatch | None:
        return WordMatch(folded.key, False, 100.0, folded.key) if folded.key in self.by_key else None

    def _typo_budget(self, folded: Folded) -> int:
        """Edits a word not found exactly may be away from a typo choice (0: it is no typo)."""
        word = folded.spelled
        return typo_budget(len(word)) if word.isalpha() and self._typo_choices else 0

    def _typo_match(self, word: str, choice: str) -> WordMatch:
        return WordMatch(self._spelled[choice], True, fuzz.ratio(word, choice), choice)

    def _remember(self, surface: str, found: WordMatch | None) -> _Seen:
        if found is not None:
            key = found.key
            seen = _Seen(found, tuple(self.by_key[key]), self._reach[key], self._solid.get(key, 0),
                         self._tails.get(key, ()), self._negates(surface))
        else:
            stop = surface.casefold() in self._stop
            if self._negates(surface):
                seen = _STOP_NEGATOR if stop else _NEGATOR
            else:
                seen = _STOP if stop else _NOTHING
        if len(self._words) >= CACHE_WORDS:
            self._words.clear()
        self._words[surface] = seen
        return seen

    def _typo(self, folded: Folded) -> WordMatch | None:
        word = folded.spelled
        choice = self._typos.nearest(word, self._typo_budget(folded))
        return None if choice is None else self._typo_match(word, choice)

    def fold_of(self, term: Term, word_index: int, surface: str, match: WordMatch) -> str:
        """Which fold made ``surface`` meet word ``word_index`` of ``term``."""
        if term.via is not None:
            return "gazetteer"
        if match.typo:
            return "typo"
        label = fold_label(term.words[word_index], fold_word(surface))
        return max(label, "hyphen", key=FOLDS.index) if term.hyphen else label

    def concept_bit(self, provision: int, concept: int) -> int:
        """The bit standing for one concept in the masks :meth:`concepts_of` and
        :meth:`whole_concepts` give."""
        return 1 << (self.concept_base[provision] + concept)

    def concepts_of(self, surface: str) -> int:
        """The concepts with a term that holds this corpus word, as a mask of
        :meth:`concept_bit` bits (0 for a word of no term)."""
        return self._seen(surface).concepts

    def prime(self, surfaces: Iterable[str]) -> None:
        """Look up every word of ``surfaces`` not seen yet (:meth:`entries` then finds each
        with one dict look-up)."""
        fresh = set(surfaces).difference(self._words)  # not difference_update: that walks the whole cache
        for surface in fresh:
            self._seen(surface)

    def entries(self, surfaces: list[str]) -> list[_Seen]:
        """What each of a statement's words is to this vocabulary (its postings and concept
        masks), in order: one dict look-up per word already seen. The matcher's hot path."""
        got = list(map(self._words.get, surfaces))
        if None in got:
            got = [self._seen(s) if e is None else e for s, e in zip(surfaces, got, strict=True)]
        return cast("list[_Seen]", got)

    def whole_concepts(self, surfaces: list[str]) -> int:
        """The concepts with a term every word of which stands among ``surfaces`` (anywhere,
        in any order), as a mask of :meth:`concept_bit` bits: what a statement of these words
        could show at most. Lets the matcher drop a statement before finding spans."""
        return whole_concepts(self.entries(surfaces))


class _Seen:
    """What one corpus word is to a vocabulary, worked out once: its match, its postings, the
    concepts they belong to, and what :func:`whole_concepts` and the negation window need
    (see :meth:`Vocabulary.entries`)."""

    __slots__ = ("concepts", "key", "match", "negates", "postings", "solid", "tails")

    def __init__(self, match: WordMatch | None, postings: tuple[tuple[int, int], ...] | None,
                 concepts: int, solid: int = 0, tails: tuple[tuple[int, frozenset[str]], ...] = (),
                 negates: bool = False) -> None:
        self.match = match
        self.key = None if match is None else match.key
        self.postings = postings
        self.concepts = concepts  # every concept with a term that holds this word
        self.solid = solid  # the concepts of terms this word makes up alone
        self.tails = tails  # (concept bit, the other keys) of the longer terms tested at this word
        self.negates = negates  # whether the word negates what follows it (the lexicon's negators)


_NOTHING = _Seen(None, (), 0)  # a word that counts but meets no term
_STOP = _Seen(None, None, 0)  # a stop word that meets no term: not counted
_NEGATOR = _Seen(None, (), 0, negates=True)  # the same two, for words that negate
_STOP_NEGATOR = _Seen(None, None, 0, negates=True)


def whole_concepts(entries: list[_Seen]) -> int:
    """:meth:`Vocabulary.whole_concepts` of the words whose entries these are."""
    words = list(filter(_MEETS_A_TERM, entries))  # most words meet no term: skip them without a loop
    if not words:
        return 0
    mask = 0
    for entry in words:
        mask |= entry.solid
    keys: set[str] | None = None
    for entry in words:
        if entry.tails:
            if keys is None:
                keys = set(map(_KEY, words))
            for bit, others in entry.tails:
                if not mask & bit and others <= keys:
                    mask |= bit
    return mask


_MEETS_A_TERM = operator.attrgetter("concepts")
NEGATES = operator.attrgetter("negates")
"""Whether a word's entry (:meth:`Vocabulary.entries`) negates what follows it."""
_KEY = operator.attrgetter("key")
_fold = fold_word.__wrapped__
_distance = Levenshtein.distance


def _surface_forms(concept: Concept, gaz: Gazetteer, lex: Lexicon) -> list[tuple[str, str | None, str | None, str]]:
    """(term as written, place, via, the text whose words the term is made of): the concept's
    terms, then their hyphen forms, then the spellings of its places."""
    forms: list[tuple[str, str | None, str | None, str]] = [(t, None, None, t) for t in concept.terms]
    forms += [(t, None, None, other) for t in concept.terms for other in lex.hyphen_forms(t)]
    for own in concept.places:
        for form, place in gaz.surface_forms([own]):
            forms.append((form, place, None if place == own else own, form))
    return list(dict.fromkeys(forms))
