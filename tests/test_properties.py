"""Properties of the matcher, tables, readers and renderers, proved on generated plans and
corpora (planlib.strategies), with deliberately broken matchers to show the properties bite."""

from __future__ import annotations

import json
import random
import tempfile
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

import planlib
from planlib import strategies as S
from planlib.matching import vocabulary as vocabulary_module
from planlib.model import Evidence
from planlib.render.csv import read_csv
from planlib.results import ProvisionTable
from planlib.text import Folded, fold_word, lexicon, normalize

from .conftest import heavy
from .reference_matcher import ReferenceMatcher

PLAN = planlib.load_plan()
MATCHER = planlib.Matcher(PLAN)

# Each property is a plain function that raises AssertionError when it does not hold, so the
# mutant tests at the end can run the same checks against broken matchers.


def evidence_ids(table: ProvisionTable) -> dict[str, set[str]]:
    return {r.provision.id: {e.statement.id for e in r.evidence} for r in table.rows}


def check_planted_found(plan: planlib.Plan, corpus: S.Corpus, matcher: planlib.Matcher) -> None:
    table = planlib.match(plan, corpus.sources, top=None, matcher=matcher)
    got = {r.provision.id: {e.statement.id: e for e in r.evidence} for r in table.rows}
    for pid, expected in corpus.expected.items():
        missing = expected - set(got[pid])
        assert not missing, f"{pid}: planted statements not found: {sorted(missing)}"
        for sid in expected:
            assert got[pid][sid].score >= 65.0, (pid, sid, got[pid][sid].score)


def check_distractors_never(plan: planlib.Plan, corpus: S.Corpus, matcher: planlib.Matcher) -> None:
    table = planlib.match(plan, corpus.sources, min_score=0, top=None, matcher=matcher)
    wrong = {(r.provision.id, e.statement.id) for r in table.rows for e in r.evidence if e.statement.id in corpus.distractors}
    assert not wrong, f"distractors matched: {sorted(wrong)}"


def check_split_merge(
    plan: planlib.Plan, corpus: S.Corpus, parts: Sequence[int], matcher: planlib.Matcher, *, top: int | None,
    table_type: type[ProvisionTable] = ProvisionTable,
) -> None:
    whole = planlib.match(plan, corpus.sources, top=top, matcher=matcher)
    groups: dict[int, list[planlib.Source]] = {}
    for source, part in zip(corpus.sources, parts, strict=False):
        groups.setdefault(part, []).append(source)
    tables = [planlib.match(plan, srcs, top=top, matcher=matcher) for _k, srcs in sorted(groups.items())]
    merged = _as(table_type, tables[0])
    for t in tables[1:]:
        merged = merged.merge(_as(table_type, t))
    assert merged.to_json() == whole.to_json()
    assert merged.rows == whole.rows


def _as(table_type: type[ProvisionTable], t: ProvisionTable) -> ProvisionTable:
    return table_type(t.plan, t.settings, t.sources, t.rows, t.statements)


def corpus_and_parts(plan: planlib.Plan, **kw: Any) -> st.SearchStrategy[tuple[S.Corpus, list[int]]]:
    return S.planted_corpus(plan, **kw).flatmap(
        lambda c: st.tuples(st.just(c), st.lists(st.integers(0, 2), min_size=len(c.sources), max_size=len(c.sources)))
    )


# ---------------------------------------------------------------------------------------------
# The matcher on planted corpora


@heavy()
@given(S.planted_corpus(PLAN))
def test_planted_evidence_is_found_above_min_score(corpus: S.Corpus) -> None:
    """Every statement planted for a provision of the bundled plan is listed for it, scoring 65 or more."""
    check_planted_found(PLAN, corpus, MATCHER)


@heavy(suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(S.plans().flatmap(lambda p: st.tuples(st.just(p), S.planted_corpus(p))))
def test_planted_evidence_is_found_on_generated_plans(plan_corpus: tuple[planlib.Plan, S.Corpus]) -> None:
    """On generated plans too, every planted statement is listed for its provision above 65."""
    plan, corpus = plan_corpus
    check_planted_found(plan, corpus, planlib.Matcher(plan))


@heavy()
@given(S.planted_corpus(PLAN))
def test_distractors_are_never_evidence(corpus: S.Corpus) -> None:
    """No distractor statement is evidence for any provision, even at min_score 0."""
    check_distractors_never(PLAN, corpus, MATCHER)


@heavy()
@given(S.planted_corpus(PLAN), st.randoms(use_true_random=False))
def test_shuffling_statements_or_sources_changes_nothing(corpus: S.Corpus, rnd: random.Random) -> None:
    """The table does not depend on the order of sources, nor of statements within a source."""
    before = planlib.match(PLAN, corpus.sources, matcher=MATCHER).to_json()
    shuffled = []
    for src in corpus.sources:
        stmts = list(src.statements)
        rnd.shuffle(stmts)
        shuffled.append(attrs.evolve(src, statements=stmts))
    rnd.shuffle(shuffled)
    assert planlib.match(PLAN, shuffled, matcher=MATCHER).to_json() == before


@heavy()
@given(corpus_and_parts(PLAN), st.sampled_from([None, 1, 2, 10]))
def test_splitting_and_merging_changes_nothing(cp: tuple[S.Corpus, list[int]], top: int | None) -> None:
    """Tables of any split of the sources merge into exactly the table of the whole (any top)."""
    corpus, parts = cp
    check_split_merge(PLAN, corpus, parts, MATCHER, top=top)


@heavy()
@given(S.planted_corpus(PLAN), st.floats(0, 100), st.floats(0, 100))
def test_raising_min_score_never_adds_evidence(corpus: S.Corpus, a: float, b: float) -> None:
    """Evidence at a higher min_score is a subset of the evidence at a lower one, scores unchanged."""
    low, high = sorted((a, b))
    at_low = planlib.match(PLAN, corpus.sources, min_score=low, top=None, matcher=MATCHER)
    at_high = planlib.match(PLAN, corpus.sources, min_score=high, top=None, matcher=MATCHER)
    for lo, hi in zip(at_low.rows, at_high.rows, strict=True):
        assert set(hi.evidence) <= set(lo.evidence)
        assert all(e.score >= high for e in hi.evidence)
        assert hi.support <= lo.support


@heavy()
@given(S.planted_corpus(PLAN))
def test_output_is_deterministic(corpus: S.Corpus) -> None:
    """Matching the same corpus again, with a fresh matcher, gives byte-identical JSON and CSV."""
    first = planlib.match(PLAN, corpus.sources, matcher=MATCHER)
    again = planlib.match(PLAN, list(corpus.sources))
    assert first.to_json() == again.to_json()
    assert first.to_csv() == again.to_csv()


@heavy()
@given(S.planted_corpus(PLAN))
def test_evidence_spans_index_the_text_exactly(corpus: S.Corpus) -> None:
    """Every evidence statement and every term hit quotes its source's text exactly at its span."""
    texts = {s.id: s.text for s in corpus.sources}
    table = planlib.match(PLAN, corpus.sources, min_score=0, top=None, matcher=MATCHER)
    for row in table.rows:
        for e in row.evidence:
            s = e.statement
            assert texts[s.source][s.start : s.end] == s.text
            for c in e.concepts:
                for h in c.hits:
                    assert texts[s.source][h.start : h.end] == h.surface
                    assert s.start <= h.start <= h.end <= s.end


# ---------------------------------------------------------------------------------------------
# The reference matcher


@heavy(suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(S.plans(max_provisions=3).flatmap(
    lambda p: st.tuples(st.just(p), st.lists(S.statements(p), min_size=1, max_size=3))
))
def test_fast_matcher_agrees_with_the_reference(plan_stmts: tuple[planlib.Plan, list[planlib.Statement]]) -> None:
    """The fast matcher passes the gate exactly where the brute-force reference does, with the same
    concepts, except where one word serves two concepts or a richer provision explains it away."""
    plan, stmts = plan_stmts
    fast = planlib.Matcher(plan)
    ref = ReferenceMatcher(plan)
    for s in stmts:
        want = ref.outcomes(s)
        got = {e.provision: e for e in fast.evidence(s)}
        passing = {pid for pid, o in want.items() if o.passes}
        assert set(got) <= passing, (s.text, set(got) - passing)
        for pid in passing - set(got):
            richer = [q for q in passing if len(want[q].found) > len(want[pid].found)]
            assert richer or ref.shared_words(s, pid), (s.text, pid, "passes the reference gate but not the matcher's")
        for pid, e in got.items():
            names = {c.concept for c in e.concepts}
            assert names <= want[pid].found, (s.text, pid)
            if not ref.shared_words(s, pid):
                assert names == want[pid].found, (s.text, pid, names, want[pid].found)


# ---------------------------------------------------------------------------------------------
# Text, readers and renderers


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    """normalize(normalize(s)) == normalize(s) for any text."""
    once = normalize(text)
    assert normalize(once) == once


@given(S.sources())
def test_read_text_spans_index_the_text_exactly(source: planlib.Source) -> None:
    """Every statement read from arbitrary text quotes it exactly, in order, without overlap."""
    end = 0
    for s in source.statements:
        assert source.text[s.start : s.end] == s.text
        assert s.start >= end
        end = s.end


@given(st.text())
def test_read_text_raises_only_planlib_errors(text: str) -> None:
    """Reading arbitrary text either gives a source or raises a PlanlibError, nothing else."""
    try:
        planlib.read_text(text, source="any")
    except planlib.PlanlibError:
        pass


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400), st.sampled_from([".txt", ".md", ".jsonl"]))
def test_reading_arbitrary_bytes_raises_only_planlib_errors(raw: bytes, suffix: str) -> None:
    """Reading a file of arbitrary bytes, as text or JSONL, gives sources or a PlanlibError."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"f{suffix}"
        path.write_bytes(raw)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", planlib.PlanlibWarning)
            try:
                planlib.read_sources([path])
            except planlib.PlanlibError:
                pass


def _evidence_fields(e: Evidence) -> dict[str, Any]:
    s = e.statement
    return {"statement": s.id, "source": s.source, "path": s.path, "start": s.start, "end": s.end,
            "text": s.text, "kind": s.kind, "speaker": s.speaker, "outlet": s.outlet, "cited": s.cited}


@heavy()
@given(S.planted_corpus(PLAN), st.sampled_from([None, 2]))
def test_json_reads_back_equal_to_the_table(corpus: S.Corpus, top: int | None) -> None:
    """The JSON of a table, read back, holds every row and evidence field of the table."""
    table = planlib.match(PLAN, corpus.sources, top=top, matcher=MATCHER)
    data = json.loads(table.to_json())
    assert data["statements_read"] == table.statements
    assert data["sources"] == [dict(s) for s in table.sources]
    assert [p["id"] for p in data["provisions"]] == [r.provision.id for r in table.rows]
    for row, back in zip(table.rows, data["provisions"], strict=True):
        assert (back["support"], back["conflicts"]) == (row.support, row.conflicts)
        assert back["supporting_sources"] == len(row.supporting_sources)
        assert len(back["evidence"]) == len(row.evidence)
        for e, b in zip(row.evidence, back["evidence"], strict=True):
            assert {k: b[k] for k in _evidence_fields(e)} == _evidence_fields(e)
            assert b["score"] == e.score and b["flags"] == list(e.flags)
            hits = [(h.surface, h.start, h.end, h.fold) for c in e.concepts for h in c.hits]
            assert [(h["surface"], h["start"], h["end"], h["fold"]) for c in b["concepts"] for h in c["hits"]] == hits


@heavy()
@given(S.planted_corpus(PLAN))
def test_csv_reads_back_equal_to_the_table(corpus: S.Corpus) -> None:
    """The CSV of a table, read back with read_csv, holds one row per (provision, evidence) with the
    table's values, and one coverage row per provision with its counts."""
    table = planlib.match(PLAN, corpus.sources, matcher=MATCHER)
    back = read_csv(table.to_csv())
    want = [(r.provision, e) for r in table.rows for e in r.evidence]
    assert len(back) == len(want)
    for b, (p, e) in zip(back, want, strict=True):
        s = e.statement
        assert (b["provision"], b["ref"], b["title"]) == (p.id, p.ref, p.title)
        assert float(b["score"]) == pytest.approx(e.score, abs=0.05) and b["flags"] == ";".join(e.flags)
        assert (b["source"], b["path"], b["statement"], b["start"], b["end"]) == (s.source, s.path, s.id, str(s.start), str(s.end))
        assert (b["kind"], b["text"], b["speaker"]) == (s.kind, s.text, s.speaker or "")
    coverage = read_csv(table.to_csv(layout="coverage"))
    assert [(c["provision"], int(c["support"]), int(c["sources"]), int(c["conflicts"])) for c in coverage] == [
        (r.provision.id, r.support, len(r.supporting_sources), r.conflicts) for r in table.rows
    ]


# ---------------------------------------------------------------------------------------------
# Mutants: deliberately broken matchers, which the properties must catch


def _fold_without(step: str) -> Callable[[str], Folded]:
    """fold_word with one step broken: ``case`` keeps capitals (words with any are neither
    lower-cased nor stemmed), ``transliteration`` skips the fold to ASCII."""
    import unicodedata

    from anyascii import anyascii

    from planlib.text import _STEMMER

    def fold(surface: str) -> Folded:
        if step == "case":
            case = unicodedata.normalize("NFKC", surface).replace("’", "'")
            ascii_form = anyascii(case).replace("'", "")
        else:
            case = fold_word(surface).case
            ascii_form = case.replace("'", "")
        spelled = lexicon().respell(ascii_form)
        key = _STEMMER.stemWord(spelled) if spelled.isalpha() and spelled.islower() else spelled
        return Folded(surface, case, ascii_form, spelled, key)

    return fold


def _survives(check: Callable[[Any], None], strategy: st.SearchStrategy[Any], examples: int = 300) -> bool:
    """Whether ``check`` holds on every example Hypothesis tries (False: a counter-example exists)."""

    def broken(x: Any) -> bool:
        try:
            check(x)
        except AssertionError:
            return True
        return False

    try:
        find(strategy, broken, settings=settings(max_examples=examples, database=None, derandomize=True,
                                                 phases=[Phase.generate], deadline=None))
    except NoSuchExample:
        return True
    return False


@pytest.mark.parametrize("step", ["case", "transliteration"])
def test_a_matcher_with_a_broken_fold_is_caught(step: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A matcher whose folding is case-sensitive, or skips transliteration, misses planted evidence."""
    monkeypatch.setattr(vocabulary_module, "fold_word", _fold_without(step))
    broken = planlib.Matcher(PLAN, planlib.Vocabulary(PLAN))
    assert not _survives(lambda c: check_planted_found(PLAN, c, broken), S.planted_corpus(PLAN))
    monkeypatch.undo()  # and the correct matcher passes the very same search
    assert _survives(lambda c: check_planted_found(PLAN, c, MATCHER), S.planted_corpus(PLAN), examples=30)


def test_a_matcher_with_a_loose_typo_budget_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """A matcher that lets words three edits away count as typos matches distractors."""
    monkeypatch.setattr(vocabulary_module, "typo_budget", lambda n: 3 if n >= 3 else 0)
    broken = planlib.Matcher(PLAN, planlib.Vocabulary(PLAN))
    assert not _survives(lambda c: check_distractors_never(PLAN, c, broken), S.planted_corpus(PLAN))


class _TieDroppingTable(ProvisionTable):
    """A merge that keeps one piece of evidence per score: ties between parts are lost."""

    def merge(self, other: ProvisionTable) -> ProvisionTable:
        merged = super().merge(other)
        rows = []
        for row in merged.rows:
            by_score: dict[float, Evidence] = {}
            for e in row.evidence:
                by_score.setdefault(e.score, e)
            rows.append(attrs.evolve(row, evidence=sorted(by_score.values(), key=lambda e: e.sort_key)))
        return _TieDroppingTable(merged.plan, merged.settings, merged.sources, rows, merged.statements)


def test_a_merge_that_drops_ties_is_caught() -> None:
    """Splitting and merging with a tie-dropping merge loses evidence that the whole table keeps."""
    pid = S.guaranteed(PLAN)[0]
    same = find(S.planted_statements(PLAN, pid), lambda p: True, settings=settings(database=None, derandomize=True))
    corpus = S.Corpus(
        [S.source_of([same.text], source="a"), S.source_of([same.text], source="b")],
        {p.id: frozenset() for p in PLAN.provisions} | {pid: frozenset({"a#1", "b#1"})}, {"a#1": pid, "b#1": pid},
        frozenset(), {},
    )
    with pytest.raises(AssertionError):
        check_split_merge(PLAN, corpus, [0, 1], MATCHER, top=None, table_type=_TieDroppingTable)
    check_split_merge(PLAN, corpus, [0, 1], MATCHER, top=None)
    # and a search over planted corpora finds such a split by itself
    assert not _survives(
        lambda cp: check_split_merge(PLAN, cp[0], cp[1], MATCHER, top=None, table_type=_TieDroppingTable),
        corpus_and_parts(PLAN, provisions=[pid]),
    )



# ---------------------------------------------------------------------------------------------
# Bugs the properties found, kept as regression tests


def test_a_provision_of_figures_alone_is_supported_by_its_number() -> None:
    """A statement giving the number of a provision whose one concept is that figure supports it
    (a bug test_planted_evidence_is_found_on_generated_plans found, fixed in the matcher)."""
    plan = planlib.Plan(id="f", title="F", provisions=[planlib.Provision(
        id="cap", ref="1", title="Cap", summary="A cap.",
        concepts=[planlib.Concept(name="cap", kind="figure", value=224.0, required=True)],
    )])
    table = planlib.match(plan, [S.source_of(["The figure was 224 in the end."], source="s")])
    assert [e.statement.id for e in table.row("cap").evidence] == ["s#1"]


def test_a_later_unnegated_act_counts_after_a_negated_one() -> None:
    """An act negated once but then stated plainly in the same statement still counts (a bug the
    reference-agreement property found under the thorough profile, fixed on main in 8f3a8fc)."""
    plan = planlib.Plan(id="n", title="N", provisions=[planlib.Provision(
        id="cede", ref="1", title="Cede land", summary="Land is ceded.",
        concepts=[planlib.Concept(name="cede", kind="act", terms=["cede"], required=True),
                  planlib.Concept(name="land", kind="object", terms=["territory"])],
    )])
    text = "They said they would not cede anything, then agreed to cede the territory."
    assert ReferenceMatcher(plan).outcomes(S.source_of([text], source="s").statements[0])["cede"].passes
    table = planlib.match(plan, [S.source_of([text], source="s")])
    assert [e.statement.id for e in table.row("cede").evidence] == ["s#1"]


def test_a_word_inside_a_longer_terms_window_stays_free_for_another_concept() -> None:
    """A word standing between the words of a longer term (its window allows one gap) still
    serves another concept: one stretch serves one concept, but the gap is not the term's (a
    divergence from the reference the agreement property found under the ci profile)."""
    plan = planlib.Plan(id="w", title="W", provisions=[planlib.Provision(
        id="zone", ref="1", title="Zone", summary="A zone.",
        concepts=[planlib.Concept(name="zone", kind="object", terms=["buffer zone"], required=True),
                  planlib.Concept(name="river", kind="place", terms=["river"], required=True)],
    )])
    text = "They drew a buffer river zone."
    statement = S.source_of([text], source="s").statements[0]
    assert ReferenceMatcher(plan).outcomes(statement)["zone"].passes
    table = planlib.match(plan, [S.source_of([text], source="s")])
    [evidence] = table.row("zone").evidence
    assert {c.concept for c in evidence.concepts} == {"zone", "river"}
