"""Evaluation against labelled links: the hit rule, the counts, and gold-file errors."""

from __future__ import annotations

from pathlib import Path

import pytest

import planlib
from planlib import GoldFormatError
from planlib.evaluate import evaluate, hits, load_gold


def test_hit_rule() -> None:
    """A span hits a quote when it covers half of it and is not more than max(400, 3x) long."""
    assert hits(0, 100, (10, 60))
    assert not hits(0, 30, (10, 60))  # covers 20 of 50 characters
    assert hits(0, 400, (10, 60))
    assert not hits(0, 401, (10, 60))  # a paragraph longer than the limit hits nothing


def _corpus(tmp_path: Path) -> tuple[Path, Path]:
    src = tmp_path / "a.txt"
    src.write_text(
        "Kyiv would pull its troops out of the Donbas under the plan.\n\n"
        "The weather in Kyiv was mild.\n\n"
        "Ukraine's army would be capped at 600,000 troops.\n",
        encoding="utf-8",
    )
    gold = tmp_path / "gold.toml"
    gold.write_text(
        f'''
[[link]]
source = "{src.as_posix()}"
quote = "Kyiv would pull its troops out of the Donbas"
provision = "donbas-withdrawal"
grade = 2

[[link]]
source = "{src.as_posix()}"
quote = "capped at 600,000 troops"
provision = "6"
grade = 2

[[link]]
source = "{src.as_posix()}"
quote = "The weather in Kyiv was mild."
provision = "crimea-recognition"
grade = 2
''',
        encoding="utf-8",
    )
    return src, gold


def test_counts_true_and_false_positives_and_misses(tmp_path: Path) -> None:
    """Found links count for recall, unlabelled evidence against precision, a ref names its point."""
    src, gold_path = _corpus(tmp_path)
    gold = load_gold(gold_path)
    report = evaluate(planlib.match(planlib.load_plan(), planlib.read_sources([src])), gold)
    assert report.overall.must_find == 3
    assert report.overall.found == 2  # the weather sentence supports nothing
    assert [m.provision for m in report.missed] == ["crimea-recognition"]
    assert report.overall.false_positives == 0
    assert report.overall.recall == pytest.approx(2 / 3)


def test_unlabelled_evidence_is_a_false_positive(tmp_path: Path) -> None:
    """Evidence for a provision no link names counts against precision."""
    src, gold_path = _corpus(tmp_path)
    text = gold_path.read_text(encoding="utf-8")
    gold_path.write_text(text.replace('provision = "6"', 'provision = "25"'), encoding="utf-8")
    report = evaluate(planlib.match(planlib.load_plan(), planlib.read_sources([src])), load_gold(gold_path))
    assert report.overall.false_positives == 1
    assert report.false_positives[0].provision == "army-cap"


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ('[[link]]\nsource = "X"\nquote = "q"\nprovision = "p"\ngrade = 3\n', "grade"),
        ('[[link]]\nsource = "nowhere.txt"\nquote = "q"\nprovision = "p"\ngrade = 2\n', "not found"),
        ('[[link]]\nsource = "X"\nquote = "absent words"\nprovision = "p"\ngrade = 2\n', "quote is not in"),
        ('[[link]]\nsource = "X"\nquote = "q"\nprovision = "p"\ngrade = 2\nweight = 1\n', "unknown key 'weight'"),
    ],
)
def test_gold_errors_say_which_link(tmp_path: Path, body: str, needle: str) -> None:
    """A malformed gold file names the file, the link and the problem."""
    src, _ = _corpus(tmp_path)
    bad = tmp_path / "bad.toml"
    bad.write_text(body.replace('"X"', f'"{src.as_posix()}"'), encoding="utf-8")
    with pytest.raises(GoldFormatError, match=needle) as info:
        load_gold(bad)
    assert "bad.toml link #1" in str(info.value)


def test_evaluate_command_reports_the_seed(seed_gold_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`planlib evaluate --gold FILE --format json` reports overall and per-provision figures."""
    import json

    from planlib.cli import main

    assert main(["evaluate", "--gold", str(seed_gold_path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["overall"]) >= {"precision", "recall", "f1"}
    assert data["overall"]["must_find"] == 6
    assert {row["provision"] for row in data["provisions"]} >= {"donbas-withdrawal", "crimea-recognition"}


@pytest.mark.parametrize("name", ["reporting", "reporting2", "reporting3", "reporting4"])
def test_held_out_reporting_reaches_f1_085(plan, name: str) -> None:  # type: ignore[no-untyped-def]
    """At default settings the matcher reaches F1 0.85 on each labelled set of reporting
    (sets 2, 3 and 4 were never tuned on; measured F1 0.90, 0.94 and 0.92 when added)."""
    from .conftest import ROOT

    gold = load_gold(ROOT / "tests" / "data" / name / "gold.toml")
    report = evaluate(planlib.match(plan, planlib.read_sources(gold.source_paths())), gold)
    assert report.overall.f1 >= 0.85, report.to_markdown()
