"""Provision tables merge: the parts of a corpus, split and merged any way, give the table of the whole."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import planlib
from planlib.model import Evidence, Statement
from planlib.results import ProvisionTable, Tally

from .conftest import REPORTING

SETTINGS = [
    {"min_score": 0.0, "top": 1, "include_all": False},
    {"min_score": 30.0, "top": 2, "include_all": False},
    {"min_score": 60.0, "top": 10, "include_all": False},
    {"min_score": 45.0, "top": None, "include_all": False},
]


@pytest.fixture(scope="module")
def scored(plan) -> tuple[list[dict[str, str | None]], list[tuple[Statement, list[Evidence]]]]:  # type: ignore[no-untyped-def]
    """Every statement of the seed and the reporting set with all its (unthresholded) evidence."""
    sources = [*planlib.read_sources(), *planlib.read_sources(sorted(Path(REPORTING).glob("*.txt")))]
    m = planlib.Matcher(plan)
    return [s.info for s in sources], [(st_, m.evidence(st_)) for s in sources for st_ in s.statements]


def _table(plan, settings, infos, items) -> ProvisionTable:  # type: ignore[no-untyped-def]
    evidence = [e for _s, found in items for e in found if e.score >= settings["min_score"]]
    used = {s.source for s, _f in items}
    return ProvisionTable.build(plan, settings, [i for i in infos if i["id"] in used], evidence, len(items))


@given(seed=st.integers(0, 2**32 - 1), parts=st.integers(1, 7), which=st.sampled_from(range(len(SETTINGS))))
def test_any_split_and_merge_order_gives_the_whole_table(plan, scored, seed: int, parts: int, which: int) -> None:  # type: ignore[no-untyped-def]
    """Shuffled, cut at random points and merged in a random tree, parts give the whole table byte for byte."""
    infos, items = scored
    settings = SETTINGS[which]
    whole = _table(plan, settings, infos, items)
    rng = random.Random(seed)
    order = items[:]
    rng.shuffle(order)
    cuts = sorted(rng.sample(range(1, len(order)), parts - 1))
    pieces = [order[a:b] for a, b in zip([0, *cuts], [*cuts, len(order)], strict=True)]
    tables = [_table(plan, settings, infos, piece) for piece in pieces]
    while len(tables) > 1:
        i, j = rng.sample(range(len(tables)), 2)
        merged = tables[i].merge(tables[j])
        tables = [t for k, t in enumerate(tables) if k not in (i, j)] + [merged]
    assert tables[0].to_json() == whole.to_json()


def _cut(rng: random.Random, items: list, parts: int) -> list[list]:  # type: ignore[type-arg]
    order = items[:]
    rng.shuffle(order)
    cuts = sorted(rng.sample(range(1, len(order)), parts - 1))
    return [order[a:b] for a, b in zip([0, *cuts], [*cuts, len(order)], strict=True)]


def _tallied(plan, settings, piece) -> Tally:  # type: ignore[no-untyped-def]
    """A worker's tally of one piece: its evidence at or above the threshold, its statements counted."""
    part = Tally(plan, settings)
    for _s, found in piece:
        for e in found:
            if e.score >= settings["min_score"]:
                part.add(e)
    part.statements = len(piece)
    return part


def _driven(plan, settings, infos, pieces, lag: int) -> tuple[Tally, int]:  # type: ignore[no-untyped-def]
    """Merge the pieces' tallies as the parallel driver does: each cut to the driver's bars as
    they stood ``lag`` pieces before (batches in flight); also how much evidence the bars dropped."""
    driver = Tally(plan, settings)
    used = {s.source for piece in pieces for s, _f in piece}
    for info in infos:
        if info["id"] in used:
            driver.add_source(info)
    history = [driver.bars()]
    dropped = 0
    for piece in pieces:
        part = _tallied(plan, settings, piece)
        part.trim()
        before = sum(map(len, part.evidence))
        part.trim(history[max(0, len(history) - 1 - lag)])
        dropped += before - sum(map(len, part.evidence))
        driver.merge(part)
        history.append(driver.bars())
    return driver, dropped


@given(seed=st.integers(0, 2**32 - 1), parts=st.integers(2, 9), lag=st.integers(0, 3),
       which=st.sampled_from(range(len(SETTINGS))))
def test_parts_cut_at_the_drivers_bars_merge_into_the_whole_table(  # type: ignore[no-untyped-def]
    plan, scored, seed: int, parts: int, lag: int, which: int
) -> None:
    """A worker's tally cut to the bars the driver's tally had when the batch was sent, however
    many batches were in flight, still merges into exactly the whole table."""
    infos, items = scored
    settings = SETTINGS[which]
    driver, _dropped = _driven(plan, settings, infos, _cut(random.Random(seed), items, parts), lag)
    assert driver.table(plan).to_json() == _table(plan, settings, infos, items).to_json()


def test_the_drivers_bars_drop_evidence_that_cannot_make_the_table(plan, scored) -> None:  # type: ignore[no-untyped-def]
    """The bars do cut: with a short top, later parts send back less than their own top."""
    infos, items = scored
    settings = SETTINGS[0]
    _driver, dropped = _driven(plan, settings, infos, _cut(random.Random(7), items, 8), 0)
    assert dropped > 0
    assert Tally(plan, {"min_score": 0.0, "top": None, "include_all": False}).bars() == (None,) * len(plan.provisions)


def test_ties_on_score_are_cut_by_statement_position(plan) -> None:  # type: ignore[no-untyped-def]
    """Of evidence with equal scores, top keeps the earliest by source then start, whichever part held it."""
    src = planlib.read_text(
        "The plan would cap Ukraine's armed forces at 600,000 troops.\n"
        "The plan would cap Ukraine's armed forces at 600,000 troops.\n",
        source="t",
    )
    first, second = src.statements
    a = planlib.match(plan, [planlib.SourcePart(src.info, [second])], top=1)
    b = planlib.match(plan, [planlib.SourcePart(src.info, [first])], top=1)
    row = a.merge(b).row("6")
    assert row.support == 2 and row.evidence[0].statement.start == first.start
    assert b.merge(a).to_json() == a.merge(b).to_json()


def test_tally_keeps_only_a_bounded_number_of_evidence(plan, scored) -> None:  # type: ignore[no-untyped-def]
    """However much evidence a provision gets, a tally holds a few times ``top`` of it and counts the rest."""
    _infos, items = scored
    evidence = [e for _s, found in items for e in found]
    tally = Tally(plan, {"min_score": 0.0, "top": 2, "include_all": False})
    for _ in range(20):
        for e in evidence:
            tally.add(e)
    assert max(len(kept) for kept in tally.evidence) <= 2 * 2 + 32
    assert sum(tally.support) + sum(tally.conflicts) == 20 * len(evidence)


def test_supporting_sources_are_those_of_the_evidence_without_a_conflicting_figure(plan, scored) -> None:  # type: ignore[no-untyped-def]
    """With every piece of evidence kept (``top`` None), each row's supporting sources are the
    sources of its evidence that has no conflicting figure, and a source supporting several
    provisions is listed under each of them."""
    infos, items = scored
    table = _table(plan, SETTINGS[3], infos, items)
    for row in table.rows:
        assert row.supporting_sources == {e.statement.source for e in row.evidence if "conflicting_figure" not in e.flags}
    listed = [s for row in table.rows for s in row.supporting_sources]
    assert len(listed) > len(set(listed)) > 3


def test_merge_refuses_other_settings(plan) -> None:  # type: ignore[no-untyped-def]
    """Tables made with different settings do not merge (their cuts would not agree)."""
    a = planlib.match(plan, [], top=1)
    b = planlib.match(plan, [], top=2)
    with pytest.raises(ValueError, match="same plan and settings"):
        a.merge(b)


@given(seed=st.integers(0, 2**32 - 1), parts=st.integers(1, 8), spill_at=st.none() | st.integers(1, 60),
       which=st.sampled_from(range(len(SETTINGS))))
def test_packed_parts_merge_into_the_whole_table(  # type: ignore[no-untyped-def]
    plan, scored, seed: int, parts: int, spill_at: int | None, which: int
) -> None:
    """Parts packed as workers send them (each part's evidence pickled into blocks, one source's
    kept out at random) or not, merged in any order into a tally that spills at any size or
    not at all, and pickled on the way, give the whole table byte for byte."""
    import pickle

    infos, items = scored
    settings = SETTINGS[which]
    rng = random.Random(seed)
    driver = Tally(plan, settings, spill_at=spill_at)
    for info in infos:
        if any(s.source == info["id"] for s, _f in items):
            driver.add_source(info)
    for piece in _cut(rng, items, parts):
        part = _tallied(plan, settings, piece)
        if rng.random() < 0.75:
            part.pack(keep=rng.choice([None, piece[0][0].source]))
        driver.merge(pickle.loads(pickle.dumps(part)))
    assert driver.table(plan).to_json() == _table(plan, settings, infos, items).to_json()


def test_a_packed_tally_holds_its_evidence_in_blocks_and_gives_it_back(plan, scored) -> None:  # type: ignore[no-untyped-def]
    """With every piece kept, pack leaves in memory only the evidence of the source kept out;
    a spilling tally takes the blocks without reading them; unpack gives every piece back."""
    _infos, items = scored
    settings = SETTINGS[3]
    part = Tally(plan, settings)
    for _s, found in items:
        for e in found:
            if e.score >= settings["min_score"]:
                part.add(e)
    held = sorted(e.sort_key for kept in part.evidence for e in kept)
    kept_out = items[0][0].source
    part.pack(keep=kept_out)
    assert {e.statement.source for kept in part.evidence for e in kept} == {kept_out}
    driver = Tally(plan, settings, spill_at=10**9)
    driver.merge(part)
    assert sum(map(len, driver.evidence)) == sum(map(len, part.evidence))  # the blocks went straight to disk
    assert sorted(e.sort_key for row in driver.table(plan).rows for e in row.evidence) == held
    part.unpack()
    assert sorted(e.sort_key for kept in part.evidence for e in kept) == held
    capped = Tally(plan, SETTINGS[2])
    capped.add(next(e for _s, found in items for e in found))
    capped.pack()
    assert sum(map(len, capped.evidence)) == 1  # with a top, nothing is packed


class _Marking:
    """A prerender whose text names its key and the piece, noting each piece it makes text of."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.calls = 0

    def __call__(self, ev: Evidence) -> str:
        self.calls += 1
        return f"{self.key}|{ev.provision}|{ev.statement.source}|{ev.statement.id}|{ev.score!r}"


def test_texts_made_ahead_are_read_back_in_rank_order_not_made_again(plan, scored) -> None:  # type: ignore[no-untyped-def]
    """Parts packed with a prerender (half of them) send the text of what they pack; a writer with
    the same key gets every piece's text in rank order and makes only the rest, a writer
    with another key makes it all; either way the text is the writer's own of each piece."""
    import pickle

    from planlib.results import SpooledEvidence

    _infos, items = scored
    settings = SETTINGS[3]
    driver = Tally(plan, settings, spill_at=7)
    ahead = 0
    for k, piece in enumerate(_cut(random.Random(5), items, 6)):
        maker = _Marking("mine") if k % 2 == 0 else None
        part = Tally(plan, settings, prerender=maker)
        for _s, found in piece:
            for e in found:
                if e.score >= settings["min_score"]:
                    part.add(e)
        keep = piece[0][0].source
        if maker is not None:
            ahead += sum(e.statement.source != keep for kept in part.evidence for e in kept)
        part.pack(keep=keep)
        assert maker is None or maker.calls == sum(count for blocks in part._packed for _d, count, _t in blocks)
        driver.merge(pickle.loads(pickle.dumps(part)))
    rows = driver.table(plan).rows
    spooled = [r.evidence for r in rows if isinstance(r.evidence, SpooledEvidence)]
    pieces = sum(len(ev) for ev in spooled)
    assert spooled and 0 < ahead < pieces
    for key, made_here in (("mine", pieces - ahead), ("theirs", pieces)):
        writer, reference = _Marking(key), _Marking(key)
        for ev in spooled:
            assert list(ev.texts(writer)) == [reference(e) for e in ev]
        assert writer.calls == made_here, key
