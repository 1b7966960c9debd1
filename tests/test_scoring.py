"""The fast look-up and candidate path of Matcher.evidence gives exactly what the plain path gave."""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import planlib
from planlib.matching.scoring import Matcher, _Cover, _explained_away, _multi_fold, _term_spans, _Word
from planlib.matching.vocabulary import Term
from planlib.model import Evidence, Statement, TermHit
from planlib.text import Token, figures, tokens

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
        ev = m._score(pi, found[pi], statement, nums, negated, cover, background=_reference_background(m, raw))
        if ev is not None:
            out.append(ev)
    return _explained_away(out)


def _reference_background(m: Matcher, raw: list[Token]) -> frozenset[str]:
    """The documented history rule, word by word: the years before the plan's date, if no plan word."""
    if not m.plan.date or not m._lexicon.plan_words:
        return frozenset()
    plan_year = int(m.plan.date[:4])
    earlier = frozenset(t.surface for t in raw if re.fullmatch(r"\d{4}", t.surface) and 1500 <= int(t.surface) < plan_year)
    plan_words = {w.casefold() for w in m._lexicon.plan_words}
    if any(t.surface.casefold().replace("’", "'") in plan_words for t in raw):
        return frozenset()
    return earlier


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


_HISTORY = "In 1994 Kyiv gave up its nuclear arsenal in exchange for security guarantees from the United States."


def _only(m: Matcher, text: str, provision: str) -> Evidence:
    (s,) = planlib.read_text(text, source="t").statements
    (ev,) = [e for e in m.evidence(s) if e.provision == provision]
    return ev


def test_a_statement_naming_an_earlier_year_and_no_plan_word_is_cut_as_history(matcher: Matcher) -> None:
    """A year before the plan's date and none of the lexicon's plan words: the score keeps
    BACKGROUND_FACTOR of itself, the cut is its own component and the evidence is flagged;
    the same plan without a date makes no such cut."""
    from planlib.matching.scoring import BACKGROUND_FACTOR

    ev = _only(matcher, _HISTORY, "us-guarantee")
    assert "background" in ev.flags
    (cut,) = [c for c in ev.components if c.name == "background"]
    before = sum(c.points for c in ev.components if c.name != "background")
    assert cut.value == BACKGROUND_FACTOR and cut.points < 0
    assert ev.score == pytest.approx(before * BACKGROUND_FACTOR, abs=0.2)
    assert "background" in ev.explain()
    undated = _only(Matcher(attrs.evolve(matcher.plan, date=None)), _HISTORY, "us-guarantee")
    assert undated.flags == () and undated.score == pytest.approx(before, abs=0.2)


@pytest.mark.parametrize(
    "text",
    [
        _HISTORY.replace("1994", "2026"),  # not before the plan
        _HISTORY.replace("gave up", "would give up"),  # what is to come
        _HISTORY[:-1] + ", and the plan repeats that bargain.",  # speaks of the plan
        _HISTORY.replace("In 1994 ", "After 600,000 troops, "),  # no year at all
    ],
)
def test_no_cut_without_an_earlier_year_or_with_a_plan_word(matcher: Matcher, text: str) -> None:
    """A later year, a modal, a plan word or no year: the statement is not history."""
    ev = _only(matcher, text, "us-guarantee")
    assert "background" not in ev.flags and all(c.name != "background" for c in ev.components)


def test_an_earlier_year_in_the_provisions_own_words_is_no_history(matcher: Matcher) -> None:
    """A year the provision's matched term itself holds ("since 1991", of the disputes to be
    settled) does not make the statement history for that provision; another earlier year does."""
    own = _only(matcher, "A non-aggression pact with Europe, with every dispute since 1991 settled.", "non-aggression-pact")
    assert "background" not in own.flags
    assert any("1991" in h.surface for c in own.concepts for h in c.hits)
    other = _only(matcher, "In 1994, a non-aggression pact with Europe, with every dispute since 1991 settled.",
                  "non-aggression-pact")
    assert "background" in other.flags


def test_plan_words_are_read_from_the_lexicon_and_checked() -> None:
    """`plan_words` in the lexicon: a list of strings, folded to lower case; anything else names the file."""
    from planlib.errors import RegistryFormatError
    from planlib.text import Lexicon

    assert Lexicon.from_toml({"plan_words": ["Would", "Plan’s"]}, "lex.toml").plan_words == {"would", "plan's"}
    assert Lexicon.from_toml({}, "lex.toml").plan_words == frozenset()
    with pytest.raises(RegistryFormatError, match=r"lex\.toml.*plan_words must be a list of strings"):
        Lexicon.from_toml({"plan_words": "would"}, "lex.toml")
