"""Vocabulary look-ups: the length-filtered typo look-up finds exactly the choice a full rapidfuzz scan finds."""

from __future__ import annotations

import pytest
from hypothesis import given
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
    word = data.draw(st.sampled_from(vocab._typo_choices))
    for op, at, letter in edits:
        at %= len(word) + 1
        if op == "d" and at < len(word) and len(word) > 1:
            word = word[:at] + word[at + 1 :]
        elif op == "i":
            word = word[:at] + letter + word[at:]
        elif at < len(word):
            word = word[:at] + letter + word[at + 1 :]
    assert _nearest(vocab, word) == _scan(vocab, word)


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
