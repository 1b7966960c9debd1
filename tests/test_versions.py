"""Several plan versions against the same sources: per-plan tables and the best version per statement."""

from __future__ import annotations

from pathlib import Path

import pytest

import planlib
from planlib.cli import main

US = "us-28-point-2025-11"
E3 = "e3-counterproposal-2025-11"


@pytest.fixture(scope="module")
def versions() -> tuple[planlib.Plan, planlib.Plan]:
    return planlib.load_plan(US), planlib.load_plan(E3)


def test_800000_army_fits_the_e3_version(versions: tuple[planlib.Plan, planlib.Plan]) -> None:
    """A statement citing an 800,000 army supports E3 point 6 and conflicts with US point 6."""
    note = planlib.read_text("Ukraine's army would be capped at 800,000 troops in peacetime.", source="n.txt")
    multi = planlib.match_plans(list(versions), [note])
    best = multi.best_for(note.statements[0].id)
    assert (best.plan, best.evidence.provision) == (E3, "army-cap")
    assert best.conflicts == ((US, "army-cap"),)
    assert multi.table(US).row("army-cap").conflicts == 1 and multi.table(US).row("army-cap").support == 0
    assert multi.table(E3).row("army-cap").support == 1


def test_ties_go_to_the_plan_given_first(versions: tuple[planlib.Plan, planlib.Plan]) -> None:
    """A statement that scores the same in both versions (an unchanged provision) is credited to the first plan."""
    us, e3 = versions
    note = planlib.read_text("All prisoners of war would be exchanged all for all, bodies included.", source="n.txt")
    sid = note.statements[0].id
    assert planlib.match_plans([e3, us], [note]).best_for(sid).plan == E3
    assert planlib.match_plans([us, e3], [note]).best_for(sid).plan == US
    assert planlib.match_plans([us, e3], [note]).best_for(sid).ref == "24a"


def test_tables_equal_single_plan_tables(versions: tuple[planlib.Plan, planlib.Plan],
                                         seed_sources: tuple[planlib.Source, ...]) -> None:
    """Each plan's table is exactly what matching that plan alone gives, top included."""
    multi = planlib.match_plans(list(versions), seed_sources, top=2)
    for plan in versions:
        assert multi.table(plan.id) == planlib.match(plan, seed_sources, top=2)


def test_best_is_drawn_from_beyond_top(versions: tuple[planlib.Plan, planlib.Plan],
                                       seed_sources: tuple[planlib.Source, ...]) -> None:
    """The best versions do not depend on how many statements each table lists."""
    a = planlib.match_plans(list(versions), seed_sources, top=1)
    b = planlib.match_plans(list(versions), seed_sources, top=None)
    assert a.best == b.best


def test_duplicate_plans_refused(versions: tuple[planlib.Plan, planlib.Plan]) -> None:
    """The same plan twice is a ValueError, not two identical tables."""
    with pytest.raises(ValueError, match="distinct"):
        planlib.match_plans([versions[0], versions[0]])


@pytest.mark.parametrize("fmt", ["md", "csv", "json", "html"])
@pytest.mark.parametrize("layout", ["provision", "source"])
def test_multi_table_methods_print_what_the_command_prints(
    versions: tuple[planlib.Plan, planlib.Plan], tmp_path: Path, fmt: str, layout: str,
) -> None:
    """``MultiTable.to_json`` and the rest give the bytes ``planlib table --plan A --plan B``
    writes, as ``ProvisionTable``'s methods do for one plan."""
    target = tmp_path / f"out.{fmt}"
    args = ["table", "--plan", US, "--plan", E3, "--top", "2", "--format", fmt, "--layout", layout, "-o", str(target)]
    assert main(args) == 0
    multi = planlib.match_plans(list(versions), planlib.read_sources(), top=2)
    method = {"md": multi.to_markdown, "csv": multi.to_csv, "json": multi.to_json, "html": multi.to_html}[fmt]
    assert method(layout=layout) == target.read_bytes().decode("utf-8")  # as written: CSV keeps its CRLF
