"""Vocabulary look-ups: the length-filtered typo look-up finds exactly the choice a full rapidfuzz scan finds."""

from __future__ import annotations

import types

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

import planlib
from planlib.matching.vocabulary import Vocabulary, typo_budget
from planlib.text import fold_word


@pytest.fixture(scope="module")
def vocab(plan) -> Vocabulary:  # type: ignore[no-untyped-def]
    return Vocabulary(plan)


def _scan(vocab: Vocabulary, word: str) -> str | None:
    """The reference: extractOne over every typo choice, as the look-up was first written."""
    spelled = fold_word(word).spelled
    budget = typo_budget(len(spelled))
    if not budget or not spelled.isalpha():
        return None
    best = process.extractOne(spelled, vocab._typo_choices, scorer=Levenshtein.distance, score_cutoff=budget)
    return None if best is None else best[0]


def _nearest(vocab: Vocabulary, word: str) -> str | None:
    found = vocab._typo(fold_word(word))
    return None if found is None else found.matched


_EDITS = st.lists(st.tuples(st.sampled_from("dis"), st.integers(0, 20), st.sampled_from("aeirstnoxz")), max_size=3)


@given(data=st.data(), edits=_EDITS)
def test_nearest_choice_equals_a_full_scan(vocab: Vocabulary, data: st.DataObject, edits: list[tuple[str, int, str]]) -> None:
    """A plan word with up to three random edits meets the same typo choice as a scan of all choices."""
    word = _edited(data.draw(st.sampled_from(vocab._typo_choices)), edits)
    assert _nearest(vocab, word) == _scan(vocab, word)


@settings(max_examples=400)
@given(choices=st.lists(st.text("abcdefghijklmnopqrstuvw", min_size=6, max_size=14), min_size=1, max_size=4),
       data=st.data(), edits=st.lists(st.tuples(st.sampled_from("dis"), st.integers(0, 20), st.sampled_from("axyz")),
                                      max_size=2))
def test_the_letter_test_passes_every_word_within_reach(
    choices: list[str], data: st.DataObject, edits: list[tuple[str, int, str]],
) -> None:
    """The few-letter test that spares words the typo scan lets through every word that has a
    choice within its budget of edits (so the scan's answer never changes), and stops some
    that have none."""
    word = _edited(data.draw(st.sampled_from(choices)), edits)
    budget = typo_budget(len(word))
    test = types.SimpleNamespace(_heads={c[:3] for c in choices}, _ends={c[-3:] for c in choices},
                                 _grams={c[i : i + 4] for c in choices for i in range(len(c) - 3)})
    if budget and any(Levenshtein.distance(word, c) <= budget for c in choices):
        assert Vocabulary._may_be_near(test, word, budget)  # type: ignore[arg-type]


def test_the_letter_test_stops_words_out_of_reach(vocab: Vocabulary) -> None:
    """Long words that share no first, last or middle letters with any choice skip the scan."""
    assert not vocab._may_be_near("qqqqqqq", 1) and not vocab._may_be_near("qqqqqqqqqqqq", 2)
    choice = vocab._typo_choices[0]
    assert vocab._may_be_near(choice[:3] + "qqqq", 1) and vocab._may_be_near("qqqq" + choice[-3:], 1)


def test_nearest_choice_on_corpus_words(vocab: Vocabulary) -> None:
    """Every long word of the reporting set meets the same typo choice as a scan of all choices."""
    import re

    from .conftest import REPORTING

    words = {w.casefold() for f in REPORTING.glob("*.txt") for w in re.findall(r"[^\W\d_]+", f.read_text(encoding="utf-8"))}
    words = {w for w in words if typo_budget(len(w))}
    assert len(words) > 500
    found = 0
    for w in sorted(words):
        got = _nearest(vocab, w)
        assert got == _scan(vocab, w), w
        found += got is not None
    assert found > 20
    assert planlib.Vocabulary is Vocabulary


def _edited(word: str, edits: list[tuple[str, int, str]]) -> str:
    for op, at, letter in edits:
        at %= len(word) + 1
        if op == "d" and at < len(word) and len(word) > 1:
            word = word[:at] + word[at + 1 :]
        elif op == "i":
            word = word[:at] + letter + word[at:]
        elif at < len(word):
            word = word[:at] + letter + word[at + 1 :]
    return word


@given(data=st.data(), n=st.integers(0, 80))
def test_priming_a_batch_gives_the_one_at_a_time_answers(plan: planlib.Plan, data: st.DataObject, n: int) -> None:
    """Vocabulary.prime, which looks many new words up together (one cdist per typo budget),
    leaves every word with the match lookup() finds for it alone: plan words, their typos, case
    and stop words, words of other scripts, repeats."""
    fresh, primed = Vocabulary(plan), Vocabulary(plan)
    plan_words = st.sampled_from(fresh._typo_choices)
    word = st.one_of(
        st.builds(_edited, plan_words, _EDITS),
        plan_words.map(str.upper),
        st.sampled_from(["the", "and", "Росія", "Kyiv", "ceasefire", "ceasfire", "1991", "x"]),
        st.text(st.characters(categories=["L"]), min_size=1, max_size=14),
    )
    words = data.draw(st.lists(word, min_size=n, max_size=n))
    primed.prime(words)
    assert [primed.lookup(w) for w in words] == [fresh.lookup(w) for w in words]
    assert [primed.postings(w) for w in words] == [fresh.postings(w) for w in words]


def test_priming_breaks_ties_as_one_at_a_time(plan: planlib.Plan) -> None:
    """A word equally near two plan words (one letter from each) meets the same one of them,
    primed in a batch or looked up alone."""
    from rapidfuzz.distance import Levenshtein as L

    fresh, primed = Vocabulary(plan), Vocabulary(plan)
    choices = [c for c in fresh._typo_choices if 6 <= len(c) < 10]
    between = []
    for a in choices:
        for b in choices:
            if a < b and len(a) == len(b) and L.distance(a, b) == 2:
                diff = [i for i in range(len(a)) if a[i] != b[i]]
                if len(diff) == 2:
                    i = diff[0]
                    between.append(a[:i] + b[i] + a[i + 1 :])  # one substitution from each
    assert len(between) >= 32  # enough to be primed together
    primed.prime(between)
    assert [primed.lookup(w) for w in between] == [fresh.lookup(w) for w in between]


def _whole_by_scan(vocab: Vocabulary, words: list[str]) -> int:
    """The reference: every term whose keys all stand among the words' looked-up keys."""
    keys = {m.key for m in map(vocab.lookup, words) if m is not None}
    mask = 0
    for term in vocab.terms:
        if {w.key for w in term.words} <= keys:
            mask |= vocab.concept_bit(term.provision, term.concept)
    return mask


@given(data=st.data(), filler=st.lists(st.sampled_from(["the", "talks", "of", "Kyiv", "said", "xqz", "2025"]), max_size=6))
def test_whole_concepts_are_the_concepts_of_terms_whose_every_word_stands(
    vocab: Vocabulary, data: st.DataObject, filler: list[str]
) -> None:
    """Words of a few random terms, shuffled with filler and cut short at random: the concepts
    the vocabulary finds whole are those of a plain scan of every term."""
    terms = data.draw(st.lists(st.sampled_from(vocab.terms), min_size=1, max_size=4))
    words = [w.surface for t in terms for w in t.words] + filler
    words = data.draw(st.permutations(words))
    words = words[: data.draw(st.integers(0, len(words)))]
    assert vocab.whole_concepts(words) == _whole_by_scan(vocab, words)


def test_whole_concepts_on_corpus_statements(vocab: Vocabulary) -> None:
    """On every statement of the reporting set the whole concepts are those of the plain scan,
    and some statements have some."""
    from planlib.text import _WORD

    from .conftest import REPORTING

    statements = [s for src in planlib.read_sources(sorted(REPORTING.glob("*.txt"))) for s in src.statements]
    some = 0
    for s in statements:
        words = _WORD.findall(s.text)
        got = vocab.whole_concepts(words)
        assert got == _whole_by_scan(vocab, words), s.text
        some += got != 0
    assert some > 20
