"""Reading text files: planlib's reader against the sentence splitter alone, in one run.

    python tests/benchmarks/reading.py [--copies N] [--repeat K]

Reads a folder of text articles (the bundled seed and the reporting sets of tests/data, each
copied ``--copies`` times under its own name, so nothing is read twice as the same file) with
:func:`planlib.read_sources`: layout, sentence spans, transcript turns and attribution. The
baseline is pysbd's ``Segmenter.segment`` alone on the same paragraphs, with the settings
planlib uses; the ratio says what everything the reader does beyond splitting costs. Then
the whole command on the folder, ``planlib table --sources DIR --format json --top 10``, with
``--jobs 1`` and ``--jobs 2`` (the workers lay the files out). Each timing is the best of
``--repeat`` tries, taken in turn.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import planlib
from planlib.sources.sentences import _segmenter

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = [ROOT / "seeds", *sorted((ROOT / "tests" / "data").glob("reporting*"))]


def _corpus(work: Path, copies: int) -> list[Path]:
    files = sorted(p for folder in FOLDERS for p in folder.glob("*.txt"))
    for k in range(copies):
        for f in files:
            shutil.copyfile(f, work / f"{k:03d}-{f.parent.name}-{f.name}")
    return sorted(work.glob("*.txt"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20, help="copies of each article (default 20)")
    parser.add_argument("--repeat", type=int, default=3, help="tries of each way, best kept (default 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        files = _corpus(work, args.copies)
        paragraphs = [b for f in files for b in f.read_text(encoding="utf-8").split("\n\n") if b.strip()]
        chars = sum(f.stat().st_size for f in files)
        seg = _segmenter()
        planlib.read_sources(files[:5])  # imports and data loaded before the clock
        best = {"planlib": float("inf"), "pysbd": float("inf"), "jobs 1": float("inf"), "jobs 2": float("inf")}
        statements = 0
        command = [sys.executable, "-m", "planlib", "table", "--sources", str(work), "--format", "json", "--top", "10"]
        for _ in range(args.repeat):
            for jobs in ("1", "2"):
                t0 = time.perf_counter()
                subprocess.run([*command, "--jobs", jobs], check=True, stdout=subprocess.DEVNULL, cwd=tmp)
                best[f"jobs {jobs}"] = min(best[f"jobs {jobs}"], time.perf_counter() - t0)
            t0 = time.perf_counter()
            sources = planlib.read_sources([work])
            best["planlib"] = min(best["planlib"], time.perf_counter() - t0)
            statements = sum(len(s.statements) for s in sources)
            t0 = time.perf_counter()
            for p in paragraphs:
                seg.segment(p)
            best["pysbd"] = min(best["pysbd"], time.perf_counter() - t0)
    print(f"{len(files)} files, {chars:,} bytes, {len(paragraphs):,} paragraphs, {statements:,} statements")
    print("| way | seconds | statements/s | kB/s |")
    print("|---|---:|---:|---:|")
    for way, secs in best.items():
        label = {"planlib": "planlib.read_sources", "pysbd": "pysbd segment() alone"}.get(way, f"planlib table --jobs {way[-1]}")
        print(f"| {label} | {secs:.2f} | {statements / secs:,.0f} | {chars / 1000 / secs:,.0f} |")
    print(f"planlib's reader ÷ the splitter alone, time: {best['planlib'] / best['pysbd']:.2f}")
    print(f"planlib table --jobs 2 ÷ --jobs 1, throughput: {best['jobs 1'] / best['jobs 2']:.2f}")


if __name__ == "__main__":
    main()
