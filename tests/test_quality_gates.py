"""The code stays typed and tidy: mypy --strict and ruff pass on planlib/."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from .conftest import ROOT


def test_mypy_strict_is_clean() -> None:
    """mypy --strict reports nothing on planlib/."""
    pytest.importorskip("mypy")
    out = subprocess.run([sys.executable, "-m", "mypy", "--strict", "planlib"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout[-3000:]


def test_ruff_is_clean() -> None:
    """ruff check reports nothing on planlib/ and tests/."""
    ruff = shutil.which("ruff") or pytest.skip("ruff not installed")
    out = subprocess.run([ruff, "check", "planlib", "tests"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout[-3000:]


def test_no_conflict_knowledge_in_code() -> None:
    """planlib/ code names no person, place or outlet of the bundled data."""
    import tomllib

    data = ROOT / "data"
    names: set[str] = set()
    for person in tomllib.loads((data / "people.toml").read_text(encoding="utf-8"))["person"]:
        names.update(n for n in [person["name"], *person["aliases"]] if len(n) > 4)
    for place in tomllib.loads((data / "places.toml").read_text(encoding="utf-8"))["place"]:
        names.update(n for n in [place["name"], *place["aliases"]] if len(n) > 4)
    names.update(["Bloomberg", "Reuters", "Axios"])
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "planlib").rglob("*.py")).casefold()
    found = sorted(n for n in names if n.casefold() in code)
    assert not found, found
