"""Vocabulary look-ups: the indexed typo look-up finds exactly the choice a full scan finds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

import planlib
from planlib.matching.vocabulary import TypoIndex, Vocabulary, typo_budget
from planlib.text import fold_word

from .reference_matcher import levenshtein


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


@settings(max_examples=500)
@given(choices=st.lists(st.text("abcde", min_size=1, max_size=14), min_size=1, max_size=12, unique=True),
       data=st.data(), budget=st.integers(0, 3),
       edits=st.lists(st.tuples(st.sampled_from("dis"), st.integers(0, 20), st.sampled_from("abcxy")), max_size=4))
def test_the_index_finds_what_a_scan_of_every_choice_finds(
    choices: list[str], data: st.DataObject, budget: int, edits: list[tuple[str, int, str]],
) -> None:
    """On made-up choices of a few letters (so that many lie near each other), a choice edited
    up to four times, or any short word, meets in the index the choice a plain scan finds: the
    fewest edits within the budget, the first in sorted order on a tie, none beyond it."""
    choices.sort()
    word = data.draw(st.one_of(st.just(_edited(data.draw(st.sampled_from(choices)), edits)),
                               st.text("abcde", max_size=12)))
    nearest = min(((levenshtein(word, c), c) for c in choices), default=None)
    expected = nearest[1] if budget and nearest is not None and nearest[0] <= budget else None
    assert TypoIndex(choices).nearest(word, budget) == expected


def test_the_index_compares_few_choices(vocab: Vocabulary) -> None:
    """The point of the index: a word far from every plan word is compared with none of them,
    and a typo of one with a handful, not the whole vocabulary."""
    index = vocab._typos
    assert list(index._sharing("qqqqqqq", 1)) == [] and list(index._sharing("qqqqqqqqqqqq", 2)) == []
    assert "withdrawal" in vocab._typo_choices
    near = list(index._sharing("withdrawl", 1))
    assert "withdrawal" in near and len(near) < len(vocab._typo_choices) / 20


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


@given(data=st.data(), n=st.integers(0, 60))
def test_priming_a_batch_gives_the_one_at_a_time_answers(plan: planlib.Plan, data: st.DataObject, n: int) -> None:
    """Vocabulary.prime, which looks a batch's new words up before its statements are matched,
    leaves every word with the match lookup() finds for it alone (plan words, their typos,
    case and stop words, words of other scripts, repeats), and each of them remembered."""
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
    assert set(words) <= set(primed._words)
    assert [primed.lookup(w) for w in words] == [fresh.lookup(w) for w in words]
    assert [primed.postings(w) for w in words] == [fresh.postings(w) for w in words]


def test_a_tie_goes_to_the_first_choice_in_sorted_order(plan: planlib.Plan) -> None:
    """A word equally near two plan words (one letter from each) meets the first of them in
    sorted order, as a scan does."""
    from rapidfuzz.distance import Levenshtein as L

    vocab = Vocabulary(plan)
    choices = [c for c in vocab._typo_choices if 6 <= len(c) < 10]
    between = set()
    for a in choices:
        for b in choices:
            if a < b and len(a) == len(b) and L.distance(a, b) == 2:
                diff = [i for i in range(len(a)) if a[i] != b[i]]
                if len(diff) == 2:
                    i = diff[0]
                    between.add(a[:i] + b[i] + a[i + 1 :])  # one substitution from each
    between = {w for w in between if w not in vocab._spelled and fold_word(w).key not in vocab.by_key}
    assert len(between) >= 10
    for word in sorted(between):
        first = min(c for c in vocab._typo_choices if L.distance(word, c) == 1)
        assert _nearest(vocab, word) == _scan(vocab, word) == first, word


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


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(list("aconreiptswumld- '’‐2NC")), max_size=30))
def test_hyphen_forms_follow_the_documented_rule(term: str) -> None:
    """Lexicon.hyphen_forms gives what the rule in data/lexicon.toml says, read by brute force."""
    from planlib.text import lexicon

    from .reference_matcher import hyphen_forms

    assert lexicon().hyphen_forms(term) == list(dict.fromkeys(hyphen_forms(term)))
    assert lexicon().hyphen_prefixes  # the rule is not idle on the bundled lexicon


def test_a_lexicon_without_hyphen_prefixes_adds_no_forms() -> None:
    """The prefixes, and the letters after which a hyphen is put in, come from the data."""
    from planlib.text import Lexicon

    bare = Lexicon.from_toml({"stopwords": []}, "test")
    some = Lexicon.from_toml({"stopwords": [], "hyphen_prefixes": {"Co": "o", "re": ""}}, "test")
    assert bare.hyphen_forms("co-operation") == [] and bare.hyphen_forms("cooperation") == []
    assert some.hyphen_forms("co-operation") == ["cooperation"]
    assert some.hyphen_forms("Cooperation") == ["Co-operation"]
    assert some.hyphen_forms("country") == []  # "u" is not among co's letters
    assert some.hyphen_forms("remain") == ["re-main"]  # re takes any letter here
    assert some.hyphen_forms("non-aggression") == []


@pytest.mark.parametrize("bad", [["co"], {"co": 2}, {"co-": "o"}, {"co": "o-"}, "co"])
def test_bad_hyphen_prefixes_are_refused(bad: object) -> None:
    """[hyphen_prefixes] must map prefixes to letters; anything else is a clear format error."""
    from planlib.errors import RegistryFormatError
    from planlib.text import Lexicon

    with pytest.raises(RegistryFormatError, match="hyphen_prefixes"):
        Lexicon.from_toml({"hyphen_prefixes": bad}, "lexicon.toml")
