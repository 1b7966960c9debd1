"""Evidence spilled to disk: a run that lists every piece holds at most ``SPILL_AT`` of them in
memory, and its table is exactly the table of a run that held them all."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

import planlib
from planlib import _spool, results
from planlib import strategies as S
from planlib.model import Evidence, TermHit
from planlib.render import FORMATS, LAYOUTS, render, render_pieces
from planlib.results import SpooledEvidence, Tally

from .conftest import REPORTING, heavy

PLAN = planlib.load_plan()
MATCHER = planlib.Matcher(PLAN)
SETTINGS = {"min_score": 60.0, "top": None, "include_all": False}


@pytest.fixture(scope="module")
def reporting() -> list[planlib.Source]:
    return planlib.read_sources(sorted(Path(REPORTING).glob("*.txt")))


@pytest.fixture(scope="module")
def held(reporting: list[planlib.Source]) -> planlib.ProvisionTable:
    """The reporting set's table, every piece of evidence held in memory."""
    return _match(reporting, spill_at=10**9)


def _counting(calls: list[object], fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``fn``, noting each argument it is called with in ``calls``."""
    def counted(arg: Any) -> Any:
        calls.append(arg)
        return fn(arg)
    return counted


def _match(sources: list[planlib.Source], spill_at: int, block: int = _spool.BLOCK) -> planlib.ProvisionTable:
    with mock.patch.object(results, "SPILL_AT", spill_at), mock.patch.object(_spool, "BLOCK", block):
        return planlib.match(PLAN, sources, matcher=MATCHER)


def _spilled(table: planlib.ProvisionTable) -> int:
    return sum(isinstance(r.evidence, SpooledEvidence) for r in table.rows)


def test_a_spilled_table_is_the_table_held_in_memory(reporting: list[planlib.Source], held: planlib.ProvisionTable) -> None:
    """Spilled every few pieces, in blocks of two, the table is equal to the one held whole, and
    every format and layout writes the same bytes."""
    whole = held
    spilled = _match(reporting, spill_at=5, block=2)
    assert _spilled(whole) == 0 and _spilled(spilled) > 10
    assert spilled == whole
    for fmt in FORMATS:
        for layout in LAYOUTS:
            text = render(whole, fmt, layout)
            assert render(spilled, fmt, layout) == text, (fmt, layout)
            assert "".join(render_pieces(spilled, fmt, layout)) == text, (fmt, layout)


@heavy()
@given(S.planted_corpus(PLAN, max_sources=4), st.integers(1, 12), st.integers(1, 4), st.integers(1, 3))
def test_any_spill_and_any_split_give_the_whole_table(corpus: S.Corpus, spill_at: int, block: int, parts: int) -> None:
    """However often a tally spills, in blocks of any size, and however the corpus is split into
    tallies that each spill and then merge, the table is the one held in memory."""
    whole = planlib.match(PLAN, corpus.sources, matcher=MATCHER)
    tallies = []
    with mock.patch.object(_spool, "BLOCK", block):
        for part in planlib.partition(corpus.sources, parts):
            t = Tally(PLAN, SETTINGS, spill_at=spill_at)
            for src in part:
                t.add_source(src.info)
                for s in src.statements:
                    t.statements += 1
                    for ev in MATCHER.evidence(s):
                        if ev.score >= 60.0:
                            t.add(ev)
                            assert sum(map(len, t.evidence)) <= spill_at  # never more held in memory
            tallies.append(t)
        merged = tallies[0]
        for t in tallies[1:]:
            merged.merge(t)
    table = merged.table(PLAN)
    assert table == whole
    assert table.to_json() == whole.to_json()


def test_spooled_evidence_is_a_sequence_equal_to_its_tuple(reporting: list[planlib.Source]) -> None:
    table = _match(reporting, spill_at=3, block=2)
    row = max(table.rows, key=lambda r: len(r.evidence))
    ev = row.evidence
    assert isinstance(ev, SpooledEvidence) and len(ev) >= 6
    items = tuple(ev)
    assert [e.sort_key for e in items] == sorted(e.sort_key for e in items)  # best first
    assert ev == items and items == ev and ev != items[:-1] and ev != list(items)
    assert hash(ev) == hash(items)
    assert ev[0] == items[0] and ev[-1] == items[-1] and ev[3] == items[3]
    assert ev[1:5] == items[1:5] and ev[::2] == items[::2] and ev[::-1] == items[::-1] and ev[:0] == ()
    with pytest.raises(IndexError):
        ev[len(items)]
    with pytest.raises(IndexError):
        ev[-len(items) - 1]
    assert ev.index(items[2]) == 2 and items[4] in ev
    back = pickle.loads(pickle.dumps(row))
    assert type(back.evidence) is tuple and back == row
    assert "on disk" in repr(ev)


def test_a_tally_that_has_spilled_says_it_does_not_pickle(reporting: list[planlib.Source]) -> None:
    t = Tally(PLAN, SETTINGS, spill_at=2)
    for s in reporting[0].statements:
        for ev in MATCHER.evidence(s):
            if ev.score >= 60.0:
                t.add(ev)
    assert t._spool is not None
    with pytest.raises(TypeError, match="spilled"):
        pickle.dumps(t)


def test_only_a_run_listing_everything_spills() -> None:
    """With a ``top`` the tally's own cut keeps memory flat, so it never writes out."""
    assert Tally(PLAN, {**SETTINGS, "top": 3}, spill_at=1)._spill_at is None
    with pytest.raises(ValueError, match="spill_at"):
        Tally(PLAN, SETTINGS, spill_at=0)


def test_json_makes_each_evidence_text_only_as_it_writes_it(held: planlib.ProvisionTable, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command's JSON never holds the text of all evidence at once: when the first piece of
    evidence has been written, only it has been made into text."""
    from planlib.render import json as render_json

    table = held
    total = sum(len(r.evidence) for r in table.rows)
    assert total > 50
    made: list[object] = []
    text = render_json.evidence_text

    def counted(ev: Evidence, level: int) -> str:
        made.append(ev)
        return text(ev, level)

    monkeypatch.setattr(render_json, "evidence_text", counted)
    pieces = render_json.iter_json(table)
    written = ""
    while '"explanation"' not in written:
        written += next(pieces)
    assert len(made) == 1
    rest = "".join(pieces)
    assert len(made) == total and written + rest == table.to_json()


def test_a_temporary_folder_that_cannot_be_written_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No room for the evidence is a PlanlibError naming the folder and what to do, not a traceback."""
    import tempfile

    missing = tmp_path / "gone"
    monkeypatch.setattr(tempfile, "tempdir", str(missing))
    with pytest.raises(planlib.PlanlibError) as caught:
        _spool.Spool()
    assert str(missing) in str(caught.value) and "--top" in str(caught.value)


def test_spooled_evidence_reads_the_same_from_many_threads(reporting: list[planlib.Source]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    table = _match(reporting, spill_at=3, block=1)
    rows = [r for r in table.rows if isinstance(r.evidence, SpooledEvidence)]
    expected = [tuple(r.evidence) for r in rows]
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda i: tuple(rows[i % len(rows)].evidence), range(8 * len(rows))))
    assert got == [expected[i % len(rows)] for i in range(8 * len(rows))]


def test_evidence_pickles_as_plain_values_to_equal_valid_evidence(held: planlib.ProvisionTable) -> None:
    """What goes to disk and back from workers: equal evidence, each part of its own class, that
    its validators and converters still accept when it is rebuilt the slow way."""
    import attrs

    evidence = [e for r in held.rows for e in r.evidence]
    assert any(h.fold == "typo" for e in evidence for c in e.concepts for h in c.hits)  # a similarity below 100
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(evidence, protocol=protocol))
        assert back == evidence
    for old, new in zip(evidence, back, strict=True):
        assert hash(new) == hash(old) and new.sort_key == old.sort_key and new.explain() == old.explain()
        assert type(new.concepts) is tuple and type(new.components) is tuple and type(new.flags) is tuple
        assert all(type(h) is TermHit for c in new.concepts for h in c.hits)
        assert attrs.evolve(new) == new  # every field passes the class's own checks
        assert attrs.evolve(new.statement) == new.statement


def test_a_process_pool_spilling_its_merged_evidence_gives_the_serial_table(
    reporting: list[planlib.Source], held: planlib.ProvisionTable,
) -> None:
    """The driver of a pool spills what its workers send back: the same table as one process."""
    from concurrent.futures import ProcessPoolExecutor

    whole = held
    with mock.patch.object(results, "SPILL_AT", 4), ProcessPoolExecutor(2) as pool:
        pooled = planlib.match(PLAN, reporting, matcher=MATCHER, executor=pool, batch_size=16)
    assert _spilled(pooled) > 10
    assert pooled == whole and pooled.to_json() == whole.to_json()


def test_csv_comes_in_pieces_each_row_made_as_it_is_written(held: planlib.ProvisionTable, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command's CSV of a big table is written a few hundred rows at a time, never held whole."""
    from planlib.model import Evidence
    from planlib.render import csv as render_csv

    monkeypatch.setattr(render_csv, "_ROWS_A_PIECE", 7)
    table = held
    total = sum(len(r.evidence) for r in table.rows)
    assert total > 50
    explained: list[object] = []
    monkeypatch.setattr(Evidence, "explain", _counting(explained, Evidence.explain))
    pieces = render_csv.iter_csv(table)
    first = next(pieces)
    assert first.count("\r\n") == 8 and len(explained) == 7  # the header and the first seven rows
    rest = list(pieces)
    assert len(explained) == total and len(rest) == total // 7
    assert first + "".join(rest) == render_csv.render_csv(table)
