"""The command line: every provision printed, the JSON contract, one-line errors, exit statuses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import planlib
from planlib.cli import EXIT_CODES, main

from .conftest import ROOT


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "planlib", *args], capture_output=True, text=True, cwd=cwd, check=False)


def test_table_prints_every_provision(plan: planlib.Plan) -> None:
    """`planlib table` with no arguments prints a Markdown row for every provision of the bundled plan."""
    out = run("table")
    assert out.returncode == 0, out.stderr
    for p in plan.provisions:
        assert f"| {p.ref} | " in out.stdout, p.id


def test_json_contract(plan: planlib.Plan, seed_sources: tuple[planlib.Source, ...]) -> None:
    """The JSON output has the contract's fields, and every evidence text is its file's slice."""
    out = run("table", "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) >= {"planlib", "plan", "settings", "sources", "provisions"}
    assert set(data["plan"]) >= {"id", "title"} and data["settings"]["min_score"] == planlib.DEFAULT_MIN_SCORE
    assert all(set(s) >= {"id", "path", "kind", "title"} for s in data["sources"])
    assert [p["id"] for p in data["provisions"]] == [p.id for p in plan.provisions]
    text = (ROOT / "seeds" / "000_045f09aee9797ed8.txt").read_text(encoding="utf-8")
    fields = {"source", "path", "statement", "start", "end", "text", "kind", "speaker", "outlet", "cited", "score", "explanation"}
    count = 0
    for p in data["provisions"]:
        scores = [(-e["score"], e["source"], e["start"]) for e in p["evidence"]]
        assert scores == sorted(scores)
        for e in p["evidence"]:
            assert set(e) >= fields
            assert text[e["start"] : e["end"]] == e["text"]
            count += 1
    assert count > 0


def test_statements_json_lists_every_statement(seed_sources: tuple[planlib.Source, ...]) -> None:
    """`planlib statements --format json` lists every statement read, spans exact."""
    out = run("statements", "--format", "json")
    data = json.loads(out.stdout)
    assert len(data["statements"]) == sum(len(s.statements) for s in seed_sources)
    text = (ROOT / "seeds" / "000_045f09aee9797ed8.txt").read_text(encoding="utf-8")
    assert all(text[s["start"] : s["end"]] == s["text"] for s in data["statements"])


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"caf\xe9", "not valid UTF-8 at byte 3"),
        (b"\x00\x01\x02binary", "binary"),
    ],
)
def test_bad_sources_give_one_line_and_status_1(tmp_path: Path, content: bytes, needle: str) -> None:
    """Non-UTF-8 and binary sources fail with one readable line naming the file, exit status 1."""
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    out = run("table", "--sources", str(bad))
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and "bad.txt" in lines[0]
    assert "Traceback" not in out.stderr


def test_empty_source_warns_and_succeeds(tmp_path: Path) -> None:
    """An empty file is one warning line; the table still prints."""
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = run("table", "--sources", str(empty))
    assert out.returncode == 0 and "warning" in out.stderr and "empty" in out.stderr


def test_huge_single_line_file(tmp_path: Path) -> None:
    """A 10 MB file on one line is read without a traceback."""
    big = tmp_path / "big.txt"
    big.write_text(("word " * 2_000_000)[:10_000_000], encoding="utf-8")
    out = run("table", "--sources", str(big), "--format", "json")
    assert out.returncode == 0, out.stderr[-500:]
    assert "Traceback" not in out.stderr


def test_bad_plan_is_one_line(tmp_path: Path) -> None:
    """A broken plan file gives one line naming the file, exit status 1."""
    bad = tmp_path / "plan.toml"
    bad.write_text("format = 1\n[plan]\nid = 'x'\n", encoding="utf-8")
    out = run("table", "--plan", str(bad))
    assert out.returncode == 1 and len(out.stderr.strip().splitlines()) == 1 and "plan.toml" in out.stderr


def test_usage_errors_exit_2() -> None:
    """A bad option value is a usage error (status 2)."""
    assert run("table", "--min-score", "250").returncode == 2
    assert run("nonsense").returncode == 2


def test_output_file_is_written_whole_and_format_inferred(tmp_path: Path) -> None:
    """-o writes the file whole, in the format its extension names; a failing run leaves none."""
    target = tmp_path / "t.json"
    assert main(["table", "-o", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["plan"]["id"] == "us-28-point-2025-11"
    failed = tmp_path / "f.json"
    assert main(["table", "--sources", str(tmp_path / "missing"), "-o", str(failed)]) == 1
    assert not failed.exists() and not list(tmp_path.glob(".f.json.*"))


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_on_standard_output_is_one_line() -> None:
    """Standard output that cannot take the table (here /dev/full) is one line and status 1, not a traceback."""
    for fmt in ("md", "json"):
        with open("/dev/full", "w", encoding="utf-8") as full:
            out = subprocess.run([sys.executable, "-m", "planlib", "table", "--format", fmt], stdout=full,
                                 stderr=subprocess.PIPE, text=True, cwd=ROOT, check=False)
        lines = out.stderr.strip().splitlines()
        assert out.returncode == 1, out.stderr
        assert len(lines) == 1 and "standard output" in lines[0] and "cannot write" in lines[0], lines


def test_closed_standard_output_is_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """With standard output closed (Python sets it to None), the command says so and suggests -o."""
    monkeypatch.setattr(sys, "stdout", None)
    assert main(["table"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "standard output is closed" in err[0] and "-o FILE" in err[0]


def test_a_failed_write_to_a_file_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """-o onto a disk that fills up midway: one line naming the file, no file, no temporary left behind."""
    import errno
    import os

    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", full)
    target = tmp_path / "t.md"
    assert main(["table", "-o", str(target)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(target) in err[0] and os.strerror(errno.ENOSPC) in err[0], err
    assert not target.exists() and not list(tmp_path.iterdir())


def test_help_documents_exit_statuses() -> None:
    """--help names every exit status."""
    out = run("table", "--help")
    for code in EXIT_CODES:
        assert f"{code} " in out.stdout


def test_every_command_is_documented() -> None:
    """Every CLI command has a section in docs/cli.md."""
    from planlib.cli import _parser

    parser = _parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in sub.choices:  # type: ignore[union-attr]
        assert f"## `planlib {name}`" in doc, name


def test_output_format_follows_extension_and_umask(tmp_path: Path) -> None:
    """-o report.html writes HTML, -o t.csv writes CSV, each readable as the umask allows (not mkstemp's 0600)."""
    import os

    mask = os.umask(0o022)
    try:
        for name, start in (("report.html", "<!doctype html>"), ("t.csv", "provision,ref,title")):
            target = tmp_path / name
            assert main(["table", "--layout", "provision", "-o", str(target)]) == 0
            assert target.read_text(encoding="utf-8").startswith(start)
            assert target.stat().st_mode & 0o777 == 0o644
    finally:
        os.umask(mask)


def test_compare_json_contract() -> None:
    """`planlib compare US E3 --format json` prints the contract, point 3 removed and 6 modified."""
    out = run("compare", "us-28-point-2025-11", "e3-counterproposal-2025-11", "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["old"]["id"] == "us-28-point-2025-11" and data["new"]["id"] == "e3-counterproposal-2025-11"
    by_old = {c["old"]["id"]: c for c in data["changes"] if c["old"]}
    assert by_old["no-nato-expansion"]["status"] == "removed" and by_old["no-nato-expansion"]["new"] is None
    assert by_old["army-cap"]["figures"] == [{"old": 600000, "new": 800000}]


def test_compare_is_deterministic() -> None:
    """Two runs of `planlib compare` print byte-identical JSON."""
    args = ("compare", "us-28-point-2025-11", "e3-counterproposal-2025-11", "--format", "json")
    assert run(*args).stdout == run(*args).stdout


@pytest.mark.parametrize("fmt", ["md", "csv", "html"])
def test_compare_every_format(fmt: str) -> None:
    """`planlib compare` prints every format, naming the dropped amnesty and who reported it."""
    out = run("compare", "us-28-point-2025-11", "us-ukraine-geneva-2025-11", "--format", fmt)
    assert out.returncode == 0, out.stderr
    assert "Full amnesty for actions during the war" in out.stdout and "ABC" in out.stdout


def test_compare_unknown_plan_is_one_line() -> None:
    """A plan that does not exist is one error line and exit status 1."""
    out = run("compare", "us-28-point-2025-11", "no-such-plan")
    assert out.returncode == 1 and out.stderr.count("\n") == 1 and "no-such-plan" in out.stderr


def test_one_plan_output_unchanged() -> None:
    """`--plan X` given once prints the same as no --plan at all for the default plan."""
    assert run("table", "--plan", "us-28-point-2025-11").stdout == run("table").stdout


def test_several_plans_json(tmp_path: Path) -> None:
    """`--plan A --plan B --format json` prints one table per plan and the best version per statement."""
    (tmp_path / "n.txt").write_text("Ukraine's army would be capped at 800,000 troops in peacetime.\n", encoding="utf-8")
    out = run("table", "--plan", "us-28-point-2025-11", "--plan", "e3-counterproposal-2025-11",
              "--sources", str(tmp_path / "n.txt"), "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert [t["plan"]["id"] for t in data["plans"]] == ["us-28-point-2025-11", "e3-counterproposal-2025-11"]
    [best] = data["best_version"]
    assert (best["plan"], best["provision"], best["ref"]) == ("e3-counterproposal-2025-11", "army-cap", "6")
    assert best["conflicts"] == [{"plan": "us-28-point-2025-11", "provision": "army-cap"}]


@pytest.mark.parametrize("fmt", ["md", "csv", "html"])
def test_several_plans_every_format(fmt: str) -> None:
    """Several plans print in every format: both plans named (CSV: a leading plan column), best versions listed."""
    out = run("table", "--plan", "us-28-point-2025-11", "--plan", "e3-counterproposal-2025-11", "--format", fmt,
              "--top", "1")
    assert out.returncode == 0, out.stderr
    if fmt == "csv":
        assert out.stdout.startswith("plan,provision,ref,") and "\nus-28-point-2025-11,crimea-recognition," in out.stdout
    else:
        assert "E3 counter-proposal" in out.stdout and "Best version per statement" in out.stdout
    if fmt == "html":
        import re

        ids = re.findall(r'\sid="([^"]*)"', out.stdout)
        assert ids and len(ids) == len(set(ids)), "no id repeats on the page"
        assert out.stdout.count("<script") <= 1 and out.stdout.count("<body") == 1


def test_several_plans_provision_in_one_of_them() -> None:
    """With several plans, --provision may name a provision only one of them has; one none has is an error."""
    plans = ("--plan", "us-28-point-2025-11", "--plan", "e3-counterproposal-2025-11")
    out = run("table", *plans, "--provision", "3", "--layout", "coverage")
    assert out.returncode == 0, out.stderr
    assert "| 3 | NATO expected not to expand further |" in out.stdout
    bad = run("table", *plans, "--provision", "99")
    assert bad.returncode == 1 and "99" in bad.stderr and bad.stderr.count("\n") == 1


def test_version_is_the_installed_distributions() -> None:
    """`planlib --version`, planlib.__version__ and the JSON stamp all give the version the
    package was installed with (pyproject reads it from planlib/_version.py)."""
    from importlib import metadata

    installed = metadata.version("planlib")
    assert planlib.__version__ == installed
    done = run("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"planlib {installed}"
    table = json.loads(run("table", "--format", "json").stdout)
    assert table["planlib"] == installed
