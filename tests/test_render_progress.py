"""The progress line: drawn on a terminal's standard error while sources are read, silent otherwise."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

import planlib
from planlib.cli import main
from planlib.render._progress import Progress

from .conftest import REPORTING, ROOT


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def _sources() -> list[planlib.Source]:
    return [planlib.read_text(f"Sentence {i}. Another one.", source=f"s{i}") for i in range(5)]


def test_silent_when_not_a_terminal() -> None:
    """On a pipe or file, tracking passes the sources through and writes nothing."""
    out = io.StringIO()
    sources = _sources()
    assert list(Progress(out).track(sources)) == sources
    assert out.getvalue() == ""


def test_counts_and_erases_on_a_terminal() -> None:
    """On a terminal the line counts sources and statements read, and is erased at the end."""
    out = Terminal()
    sources = _sources()
    progress = Progress(out, interval=0.0)
    assert list(progress.track(sources)) == sources
    text = out.getvalue()
    assert "5 files" in text and f"{sum(len(s.statements) for s in sources)} statements" in text
    last = text.rsplit("\r", 2)
    assert last[-1] == "" and last[-2].strip() == "", "the final write blanks the line and returns"


def test_counts_files_not_the_pieces_they_are_streamed_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A JSONL file streamed in parts or raw chunks counts as one file; its statements (raw:
    its lines) all count. A raw text file counts as a file, its statements not yet known."""
    monkeypatch.setattr(planlib.sources, "PART_STATEMENTS", 7)
    path = tmp_path / "c.jsonl"
    path.write_text("".join(f'{{"text": "Line {i}.", "source": "d{i % 3}"}}\n' for i in range(50)), encoding="utf-8")
    (tmp_path / "a.txt").write_text("One. Two.", encoding="utf-8")
    for raw in (False, True):
        progress = Progress(Terminal(), interval=0.0)
        pieces = list(progress.track(planlib.stream_sources([path, tmp_path / "a.txt"], raw=raw)))
        assert len(pieces) > 2  # the JSONL file came in several pieces
        counted = 50 if raw else 52
        assert (progress.files, progress.statements) == (2, counted)
        assert f"2 files, {counted} statements" in progress.line()


def test_text_files_passed_on_unread_count_as_files_only() -> None:
    """Text files streamed raw (laid out later, on workers) are counted as files; the line
    does not claim statements it has not seen."""
    files = list(planlib.stream_sources([REPORTING], raw=True))
    progress = Progress(Terminal())
    assert list(progress.track(files)) == files
    assert (progress.files, progress.statements) == (len(files), 0)
    assert progress.line().endswith(f"reading sources: {len(files)} files")


def test_redraws_at_most_every_interval() -> None:
    """With a clock that stands still, the line is drawn once however many sources pass."""
    out = Terminal()
    list(Progress(out, interval=10.0, clock=lambda: 0.0).track(_sources()))
    assert out.getvalue().count("reading sources") == 1


def test_cli_shows_progress_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    """`planlib table` draws the progress line when stderr is a terminal; the table itself is unchanged."""
    err = Terminal()
    monkeypatch.setattr(sys, "stderr", err)
    target = f"{tmp_path}/t.md"
    assert main(["table", "--sources", str(REPORTING / "qa-explainer.txt"), "-o", target]) == 0
    assert "reading sources" in err.getvalue()
    piped = subprocess.run([sys.executable, "-m", "planlib", "table", "--sources", str(REPORTING / "qa-explainer.txt")],
                           capture_output=True, text=True, cwd=ROOT, check=True)
    assert piped.stderr == ""
    with open(target, encoding="utf-8") as handle:
        assert handle.read() == piped.stdout
