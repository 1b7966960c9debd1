"""The fast look-up and candidate path of Matcher.evidence gives exactly what the plain path gave."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import planlib
from planlib.matching.scoring import Matcher, _Cover, _explained_away, _multi_fold, _term_spans, _Word
from planlib.matching.vocabulary import Term
from planlib.model import Evidence, Statement, TermHit
from planlib.text import figures, tokens

from .conftest import REPORTING


def reference_evidence(m: Matcher, statement: Statement) -> list[Evidence]:
    """Matcher.evidence without the fast path: every token looked up, every term tried (every
    occurrence of a one-word term),
    every provision with a hit scored (the scoring itself, ``_score`` and what follows it, is shared)."""
    vocab = m.vocabulary
    words: list[_Word] = []
    hits: dict[int, dict[int, list[int]]] = {}
    raw = list(tokens(statement.text))
    for tok in raw:
        w = vocab.lookup(tok.surface)
        if w is None:
            if tok.surface.casefold() not in m._stop:
                words.append(_Word(len(words), tok.surface, tok.start, tok.end))
            continue
        word = _Word(len(words), tok.surface, tok.start, tok.end)
        words.append(word)
        for ti, wi in vocab.by_key[w.key]:
            hits.setdefault(ti, {}).setdefault(wi, []).append(word.place)
    if not hits:
        return []
    found: dict[int, dict[int, list[TermHit]]] = {}
    cover: dict[TermHit, _Cover] = {}
    for ti, by_word in hits.items():
        term = vocab.terms[ti]
        for chosen in _term_spans(term, by_word):
            hit = _reference_hit(m, statement, term, words, min(chosen), max(chosen), found)
            if len(chosen) > 1:
                cover[hit] = _Cover.of(statement, words, chosen)
    nums = figures(statement.text) if any(
        c.kind == "figure" for pi in found for c in m.plan.provisions[pi].concepts
    ) else []
    negated = m._negated_starts([m._lexicon.negates(t.surface) for t in raw], [t.start for t in raw])
    out = []
    for pi in sorted(found):
        ev = m._score(pi, found[pi], statement, nums, negated, cover)
        if ev is not None:
            out.append(ev)
    return _explained_away(out)


def _reference_hit(m: Matcher, statement: Statement, term: Term, words: list[_Word], first: int, last: int,
                   found: dict[int, dict[int, list[TermHit]]]) -> TermHit:
    vocab = m.vocabulary
    start, end = words[first].start, words[last].end
    if len(term.words) == 1:
        w = vocab.lookup(words[first].surface)
        assert w is not None
        fold = vocab.fold_of(term, 0, words[first].surface, w)
        sim = w.similarity
    else:
        fold = "gazetteer" if term.via else _multi_fold(vocab, term, words, first, last)
        sim = 100.0
    provision = m.plan.provisions[term.provision]
    concept = provision.concepts[term.concept]
    label = term.text if term.via is None else f"{term.text} (in {term.via})"
    hit = TermHit(concept.name, label, statement.text[start:end], statement.start + start, statement.start + end, fold, sim)
    found.setdefault(term.provision, {}).setdefault(term.concept, []).append(hit)
    return hit


def _corpus() -> list[Statement]:
    sources = [*planlib.read_sources(), *planlib.read_sources(sorted(Path(REPORTING).glob("*.txt")))]
    return [s for src in sources for s in src.statements]


@pytest.fixture(scope="module")
def matcher(plan) -> Matcher:  # type: ignore[no-untyped-def]
    return Matcher(plan)


def test_fast_path_equals_reference_on_seed_and_reporting(matcher: Matcher) -> None:
    """On every statement of the seed and the reporting set, evidence, scores and explanations are unchanged."""
    statements = _corpus()
    assert len(statements) > 300
    reference = Matcher(matcher.plan)
    found = 0
    for s in statements:
        new, old = matcher.evidence(s), reference_evidence(reference, s)
        assert new == old, s.id
        assert [e.explain() for e in new] == [e.explain() for e in old]
        found += len(new)
    assert found > 50


_WORDS = st.sampled_from(
    "the Donbas withdrawl recognise recognised Crimea Lugansk Donetsk de facto annexation NATO "
    "sanctions 600,000 800,000 troops army armed forces capped frozen contact line Zaporizhzhia "
    "elections 100 days amnesty Europe non-aggression guarantees Kyiv RECOGNIZE recogníze of and not never "
    "no will would".split()
)


@given(st.lists(_WORDS, min_size=1, max_size=25))
def test_fast_path_equals_reference_on_generated_text(matcher: Matcher, words: list[str]) -> None:
    """On sentences made of plan vocabulary, typos and figures, the fast path gives the reference's evidence."""
    text = " ".join(words) + "."
    s = Statement(id="t#1", source="t", path="t", start=5, end=5 + len(text), text=text, kind="sentence")
    assert matcher.evidence(s) == reference_evidence(Matcher(matcher.plan, matcher.vocabulary), s)


@given(st.text(st.sampled_from(list("ab9_'’ .-é\u0301\u00a0ßΣ")) | st.characters(), max_size=60))
def test_word_spans_from_surfaces_are_the_pattern_spans(text: str) -> None:
    """Spans found by looking each word up after the last (the matcher's cheap way) are the spans
    of the word pattern's matches, whatever the text."""
    from planlib.matching.scoring import _spans
    from planlib.text import _WORD

    assert _spans(text, _WORD.findall(text)) == [m.span() for m in _WORD.finditer(text)]


def test_phrase_component_is_token_set_ratio_of_statement_and_provision(matcher: Matcher) -> None:
    """The phrase component is rapidfuzz's token_set_ratio of the statement and the provision's
    title and summary, both through default_process, as docs/matching.md says."""
    from rapidfuzz import fuzz
    from rapidfuzz.utils import default_process

    provisions = {p.id: p for p in matcher.plan.provisions}
    checked = 0
    for s in _corpus():
        for ev in matcher.evidence(s):
            p = provisions[ev.provision]
            want = fuzz.token_set_ratio(s.text, f"{p.title} {p.summary}", processor=default_process) / 100
            (phrase,) = [c for c in ev.components if c.name == "phrase"]
            assert phrase.value == round(want, 3), s.id
            checked += 1
    assert checked > 50


@given(st.text(st.sampled_from(list("ab9Z_' .,-\t\n’é")) | st.characters(), max_size=60))
def test_words_are_the_word_patterns_matches(text: str) -> None:
    """planlib.text.words (an ASCII text split without the pattern) gives what the word pattern
    finds, whatever the text: apostrophes at edges, in twos, underscores, other scripts."""
    from planlib.text import _WORD, words

    assert words(text) == _WORD.findall(text)


@given(st.text(st.sampled_from(list("aZqx9_'’-éßİ")) | st.characters(codec="ascii"), min_size=1, max_size=20))
def test_an_ascii_word_folds_as_the_full_fold_would(surface: str) -> None:
    """fold_word's short way for ASCII (lower-case, drop apostrophes) gives every stage the
    full way gives: NFKC, casefold and transliteration, each a no-op on ASCII but for case."""
    import unicodedata

    from planlib.text import _STEMMER, _ascii, fold_word, lexicon

    case = unicodedata.normalize("NFKC", surface).casefold().replace("’", "'")
    ascii_form = _ascii(case)
    spelled = lexicon().respell(ascii_form)
    key = _STEMMER.stemWord(spelled) if spelled.isalpha() else spelled
    got = fold_word.__wrapped__(surface)
    assert (got.case, got.ascii, got.spelled, got.key) == (case, ascii_form, spelled, key)
