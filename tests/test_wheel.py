"""A wheel built from the checkout works on its own: bundled data and seed included."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.mark.slow
def test_wheel_runs_table_from_another_directory(tmp_path: Path) -> None:
    """Build the wheel, install it in a fresh environment, run `planlib table` elsewhere."""
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
                   check=True, capture_output=True)
    (wheel,) = dist.glob("planlib-*.whl")
    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    subprocess.run([str(bindir / "python"), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = subprocess.run([str(bindir / "planlib"), "table", "--format", "json"], cwd=elsewhere,
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    import json

    data = json.loads(out.stdout)
    assert data["sources"][0]["path"] == "seeds/000_045f09aee9797ed8.txt"
    assert any(p["evidence"] for p in data["provisions"])
    assert data["planlib"] != "0+unknown"
