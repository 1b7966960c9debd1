"""The docs cannot rot: every example in README.md and docs/ runs and gives the output shown.

``pycon`` blocks run as doctests (from the repository root). ``console`` blocks hold
``$ command`` lines, each followed by its expected output; ``...`` stands for any text.
"""

from __future__ import annotations

import doctest
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
_BLOCK = re.compile(r"^```(?P<lang>[\w-]*)\n(?P<body>.*?)^```", re.S | re.M)
_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def blocks(page: Path, lang: str) -> list[tuple[int, str]]:
    text = page.read_text(encoding="utf-8")
    return [(text[: m.start()].count("\n") + 1, m.group("body")) for m in _BLOCK.finditer(text) if m.group("lang") == lang]


def _ids(items: list[tuple[Path, int, str]]) -> list[str]:
    return [f"{p.relative_to(ROOT)}:{line}" for p, line, _ in items]


PYCON = [(p, blocks(p, "pycon")) for p in PAGES if blocks(p, "pycon")]
CONSOLE = [(p, line, body) for p in PAGES for line, body in blocks(p, "console")]


@pytest.mark.parametrize(("page", "examples"), PYCON, ids=[str(p.relative_to(ROOT)) for p, _ in PYCON])
def test_python_examples(page: Path, examples: list[tuple[int, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    """Each page's Python examples, run in order in one namespace, give the output they show."""
    monkeypatch.chdir(ROOT)
    parser = doctest.DocTestParser()
    globs: dict[str, object] = {}
    for line, body in examples:
        report: list[str] = []
        runner = doctest.DocTestRunner(optionflags=_FLAGS)
        test = parser.get_doctest(body, globs, f"{page.name}:{line}", str(page), line)
        runner.run(test, out=report.append, clear_globs=False)
        globs.update(test.globs)
        if runner.summarize(verbose=False).failed:
            pytest.fail("".join(report))


def _commands(body: str) -> list[tuple[str, str]]:
    out: list[tuple[str, list[str]]] = []
    for raw in body.splitlines():
        if raw.startswith("$ "):
            out.append((raw[2:], []))
        elif out:
            out[-1][1].append(raw)
    return [(cmd, "\n".join(lines).strip("\n")) for cmd, lines in out]


@pytest.mark.parametrize(("page", "line", "body"), CONSOLE, ids=_ids(CONSOLE))
def test_console_examples(page: Path, line: int, body: str, tmp_path: Path) -> None:
    """Each command in the docs exits 0 and prints the output shown."""
    for command, expected in _commands(body):
        argv = shlex.split(command)
        assert argv[0] == "planlib", f"docs commands start with planlib: {command}"
        done = subprocess.run([sys.executable, "-m", "planlib", *argv[1:]], cwd=ROOT, capture_output=True,
                              text=True, check=False)
        assert done.returncode == 0, f"{command}: {done.stderr}"
        if expected:
            checker = doctest.OutputChecker()
            got = done.stdout.strip("\n") + "\n"
            assert checker.check_output(expected + "\n", got, _FLAGS), f"{command}:\n--- expected\n{expected}\n--- got\n{got}"


def test_docs_have_examples() -> None:
    """The docs carry executable examples (so the tests above are not vacuous)."""
    assert sum(len(ex) for _p, ex in PYCON) >= 3 and len(CONSOLE) >= 2


def test_readme_quick_start_is_two_commands() -> None:
    """The README's first sh block holds exactly the two set-up commands."""
    first = blocks(ROOT / "README.md", "sh")[0][1].strip().splitlines()
    assert len(first) == 2
    assert "planlib table" in first[0] and "pytest" in first[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert first[1] in ci, ".ci/run must run the README's test command"


def test_no_example_is_hidden_from_these_tests() -> None:
    """An indented ```pycon or ```console fence (inside a list item, say) is not found by the
    block pattern above, so its example would never run: every such fence starts a line."""
    hidden = [
        f"{page.relative_to(ROOT)}:{n}"
        for page in PAGES
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1)
        if line.lstrip().startswith(("```pycon", "```console")) and not line.startswith("```")
    ]
    assert not hidden, hidden
