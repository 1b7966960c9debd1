"""A slow, obviously correct matcher, written from the documented rules, that the fast one must
agree with on small generated inputs (tests/test_properties.py).

Brute force throughout: every statement word against every word of every term of every
concept of every provision, the typo rule by a plain dynamic-programming Levenshtein distance
against every term word, the window by trying every assignment of statement words to term
words. It decides which provisions a statement passes the gate for and with which concepts
(before the "explained away" step, which it reports separately); it does not score.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import attrs

from planlib.matching import typo_budget
from planlib.model import Plan, Provision, Statement
from planlib.places import Gazetteer, load_gazetteer
from planlib.text import Folded, figures, fold_word, lexicon, tokens


def levenshtein(a: str, b: str) -> int:
    """Edits (insert, delete, substitute one character) turning ``a`` into ``b``."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


@attrs.frozen
class RefTerm:
    provision: int
    concept: int
    words: tuple[Folded, ...]


def hyphen_forms(term: str) -> list[str]:
    """The documented hyphen rule, by brute force: every way of writing ``term`` with one
    hyphen after a lexicon prefix taken out (``non-aggression`` → ``nonaggression``) or put in
    after a word's longest prefix followed by at least 4 letters, the first one the prefix
    allows (``cooperation`` → ``co-operation``), unless the word is the second half of a
    hyphened pair."""
    prefixes = lexicon().hyphen_prefixes
    out = []
    for i in range(len(term)):
        if term[i] in "-\u2010\u2011" and i:
            word_start = i
            while word_start and (term[word_start - 1].isalnum() or (
                    term[word_start - 1] in "'’" and word_start > 1 and term[word_start - 2].isalnum())):
                word_start -= 1
            if term[word_start:i].casefold() in prefixes and i + 1 < len(term) and term[i + 1].isalpha():
                out.append(term[:i] + term[i + 1 :])
    for start in range(len(term)):
        if start and (term[start - 1].isalnum() or (term[start - 1] in "'’" and start > 1 and term[start - 2].isalnum())):
            continue  # not where a word begins
        if start and term[start - 1] in "-\u2010\u2011" and start > 1 and term[start - 2].isalnum():
            continue  # the second half of a hyphened pair
        end = start
        while end < len(term) and term[end].isalpha():
            end += 1
        word = term[start:end]
        if end < len(term) and term[end] in "-\u2010\u2011" and word.casefold() in prefixes:
            continue  # a prefix already hyphened
        longest = max((p for p in prefixes if word.casefold().startswith(p)), key=len, default="")
        letters = prefixes.get(longest, "")
        cuttable = bool(longest) and len(word) - len(longest) >= 4 and (
            not letters or word[len(longest)].casefold() in letters)
        inner = end + 1 < len(term) and term[end] in "'’" and term[end + 1].isalnum()  # "nation's" is one word
        if cuttable and (end == len(term) or not (term[end].isalnum() or inner)):
            cut = start + len(longest)
            out.append(term[:cut] + "-" + term[cut:])
    return [f for f in out if f != term]


def _terms(plan: Plan, gaz: Gazetteer) -> list[RefTerm]:
    stop = lexicon().stopwords
    out = []
    for pi, p in enumerate(plan.provisions):
        for ci, c in enumerate(p.concepts):
            forms = list(c.terms) + [h for t in c.terms for h in hyphen_forms(t)]
            forms += [form for form, _place in gaz.surface_forms(c.places)]
            for form in forms:
                folded = tuple(fold_word(t.surface) for t in tokens(form))
                content = tuple(w for w in folded if w.key not in stop)
                content = content if len(content) >= 2 else folded  # "in exchange" keeps its "in"
                if content:
                    out.append(RefTerm(pi, ci, content))
    return out


@attrs.frozen
class Outcome:
    """Which concepts the reference finds for one provision, and whether the gate passes."""

    found: frozenset[str]
    passes: bool


class ReferenceMatcher:
    """The documented matching rules, by brute force."""

    def __init__(self, plan: Plan, gazetteer: Gazetteer | None = None) -> None:
        self.plan = plan
        self.terms = _terms(plan, gazetteer if gazetteer is not None else load_gazetteer())
        self.keys = {w.key for t in self.terms for w in t.words}
        self.choices = sorted({w.spelled for t in self.terms for w in t.words if w.spelled.isalpha() and len(w.spelled) >= 6})

    def key_of(self, surface: str) -> str | None:
        """The vocabulary key a corpus word meets: its own folded key if some term word has it,
        else the key of the nearest term word (alphabetically first among equals) within the
        word's typo budget; None if neither."""
        f = fold_word(surface)
        if f.key in self.keys:
            return f.key
        budget = typo_budget(len(f.spelled))
        if not budget or not f.spelled.isalpha():
            return None
        best = min(((levenshtein(f.spelled, c), c) for c in self.choices), default=None)
        if best is None or best[0] > budget:
            return None
        return fold_word(best[1]).key

    def outcomes(self, statement: Statement) -> dict[str, Outcome]:
        """For each provision with any term found in the statement: the concepts found, and
        whether every required concept and at least ``needed`` concepts are among them."""
        lex = lexicon()
        toks = list(tokens(statement.text))
        keys = [self.key_of(t.surface) for t in toks]
        # positions in the matcher's word count: stop words that meet no term are not counted
        position: list[int | None] = []
        n = 0
        for t, k in zip(toks, keys, strict=True):
            if k is None and t.surface.casefold() in lex.stopwords:
                position.append(None)
            else:
                position.append(n)
                n += 1
        negated = set()
        last = None
        for i, t in enumerate(toks):
            if lex.negates(t.surface):
                last = i
            elif last is not None and i - last <= lex.negation_window:
                negated.add(i)
        found: dict[int, set[int]] = {}
        for term in self.terms:
            provision = self.plan.provisions[term.provision]
            cands = [[i for i, k in enumerate(keys) if k == w.key] for w in term.words]
            for combo in itertools.product(*cands):
                if len(set(combo)) != len(combo):
                    continue
                pos = [position[i] for i in combo]
                assert all(p is not None for p in pos)
                if max(pos) - min(pos) > len(term.words) + 1:  # type: ignore[operator]
                    continue
                first = min(combo)
                if provision.concepts[term.concept].kind == "act" and first in negated and not self._negative(provision):
                    continue
                found.setdefault(term.provision, set()).add(term.concept)
                break
        nums = figures(statement.text)
        out = {}
        for pi, p in enumerate(self.plan.provisions):  # a number alone may meet a provision's figures
            concepts = found.get(pi, set())
            for ci, c in enumerate(p.concepts):
                if c.kind == "figure" and c.value is not None:
                    exact = any(abs(f.value - c.value) < 1e-6 * max(1.0, abs(c.value)) for f in nums)
                    other = any(not f.bare_year and c.value / 10 <= f.value <= c.value * 10 for f in nums)
                    if exact or other:
                        concepts.add(ci)
            if not concepts:
                continue
            names = frozenset(p.concepts[ci].name for ci in concepts)
            passes = all(c.name in names for c in p.concepts if c.required) and len(names) >= p.needed
            out[p.id] = Outcome(names, passes)
        return out

    @staticmethod
    def _negative(provision: Provision) -> bool:
        lex = lexicon()
        return any(lex.negates(t.surface) for t in tokens(f"{provision.title} {provision.summary}"))

    def shared_words(self, statement: Statement, provision: str) -> bool:
        """Whether one statement word meets terms of two concepts of the provision (then the
        fast matcher's rule that a span counts for one concept only may find fewer)."""
        pi = next(i for i, p in enumerate(self.plan.provisions) if p.id == provision)
        by_word: dict[str, set[int]] = {}
        for term in self.terms:
            if term.provision == pi:
                for w in term.words:
                    by_word.setdefault(w.key, set()).add(term.concept)
        keys: Iterable[str | None] = (self.key_of(t.surface) for t in tokens(statement.text))
        has_fig = any(c.kind == "figure" for c in self.plan.provisions[pi].concepts)
        return has_fig or any(k is not None and len(by_word.get(k, ())) > 1 for k in keys)
