"""Throughput, memory and quality of planlib against raw rapidfuzz cdist, measured in one run.

    python tests/benchmarks/scale.py --n 10000 100000 1000000 [--workdir DIR]

Run from a checkout with ``pip install -e '.[bench]'`` (NumPy, for the baseline's arrays).
For each N it writes the synthetic corpus of tests/benchmarks/corpus.py and runs, each in a
fresh subprocess whose peak RSS is read from os.wait4:

- in memory: the statements read into a list, then only the matching is timed, planlib
  (``match(plan, parts)``, every piece of evidence listed, as by default, or ``top=N`` with
  ``--top N``; in this process and with ``executor=`` a pool of two
  processes, started inside the timing) against ``rapidfuzz.process.cdist([provision title +
  summary], statements, scorer=token_set_ratio, processor=default_process, workers=-1)``
  (every core), and a naive per-pair Python loop of ``fuzz.token_set_ratio`` run on a
  2,000-statement subsample and extrapolated;
- quality on the planted statements (N <= 100k): precision/recall/F1 of planlib's
  (statement, provision) pairs at the default min score, and of cdist's best provision per
  statement at the threshold that is best in hindsight (generous to the baseline);
- the whole command ``planlib table --sources corpus.jsonl --format json`` (with ``--top N``
  if given) as it runs by default (``--jobs auto``: every core from 4 MB of sources up, else one process),
  and with ``--jobs 1`` and ``--jobs 2``, against a script that reads the same JSONL and runs
  cdist. Peak RSS is that of the ``--jobs 1`` command (one process holds everything);
- two ``--jobs 1`` commands started together, against one alone: the throughput two busy
  processes get from this machine, the ceiling ``--jobs 2`` can reach;
- start-up: the same commands on a 20-statement corpus (imports, plan, workers, output), and
  from it ``--jobs 2`` ÷ ``--jobs 1`` past start-up, ``(T1 - S1) / (T2 - S2)``, and the most
  ``--jobs 2`` could give end to end, ``T1 / (S2 + (T1 - S1) / ceiling)``: what start-up
  leaves of the ratio at small N.

planlib is byte-compiled first, as ``pip install`` would (see ``_byte_compile``).
All figures are ratios within this one run; absolute rates depend on the machine and its load.
Each timing is the best of ``--repeat`` tries (default 3), taken in turn (all the ways once, then
all again), so that a slow spell of a shared machine does not land on one side of a ratio;
at a small N, whose tries take seconds, tries go on (up to ten times ``--repeat``) until the
N has had ``--budget`` seconds (default 30), since a single slow spell there moves a
half-second command by a tenth. Peak RSS is the largest of the tries.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

CDIST_SCRIPT = """
import json, sys, time
from rapidfuzz import fuzz, process, utils
import planlib
plan = planlib.load_plan()
t0 = time.perf_counter()
with open(sys.argv[1], encoding="utf-8") as f:
    texts = [json.loads(line)["text"] for line in f if line.strip()]
scores = process.cdist([f"{p.title} {p.summary}" for p in plan.provisions], texts,
                       scorer=fuzz.token_set_ratio, processor=utils.default_process, workers=-1)
best = scores.argmax(axis=0)
print(json.dumps({"seconds": time.perf_counter() - t0, "statements": len(texts)}))
"""


def _recipe() -> str:
    """A digest of what a corpus file is made from: the generator's source and the bundled
    plan's concept terms (the planted labels are drawn again in memory, so a corpus written
    before the plan changed would be scored against the wrong labels)."""
    import hashlib

    made = hashlib.sha256((HERE / "corpus.py").read_bytes())
    made.update(json.dumps(corpus._concept_terms(None)).encode())
    return made.hexdigest()[:10]


def _run(argv: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in MB and stdout of one subprocess."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        err = proc.stderr.read().decode() if proc.stderr else ""
        out.seek(0)
        text = out.read().decode()
    if status != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({status}):\n{err[-2000:]}")
    return wall, usage.ru_maxrss // 1024, text


def _run_pair(argv: list[str], work: Path) -> float:
    """Wall seconds for two copies of one command (each writing its own ``-o`` file in
    ``work``) started together: what two processes get from this machine when each has a
    core's work, the ceiling for ``--jobs 2``."""
    t0 = time.perf_counter()
    procs = [subprocess.Popen([*argv, "-o", str(work / f"pair-{i}.json")], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE) for i in range(2)]
    for proc in procs:
        _out, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{err.decode()[-2000:]}")
    return time.perf_counter() - t0


def _worker(mode: str, path: str, top_text: str = "all") -> dict[str, Any]:
    """Run inside a subprocess: read the corpus into memory, time one way of matching it."""
    from rapidfuzz import fuzz, process, utils

    import planlib

    plan = planlib.load_plan()
    targets = [f"{p.title} {p.summary}" for p in plan.provisions]
    if mode in ("planlib", "planlib2"):
        from concurrent.futures import ProcessPoolExecutor

        top = None if top_text == "all" else int(top_text)

        parts = list(planlib.stream_sources([path]))
        n = sum(len(p.statements) for p in parts)
        t0 = time.perf_counter()
        if mode == "planlib":
            planlib.match(plan, parts, top=top)
        else:
            with ProcessPoolExecutor(2) as pool:
                planlib.match(plan, parts, top=top, executor=pool)
        return {"seconds": time.perf_counter() - t0, "statements": n}
    with open(path, encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f if line.strip()]
    if mode == "cdist":
        import numpy  # noqa: F401  (cdist's arrays: loaded before the clock starts, planlib no longer loads it)

        t0 = time.perf_counter()
        process.cdist(targets, texts, scorer=fuzz.token_set_ratio, processor=utils.default_process, workers=-1)
        return {"seconds": time.perf_counter() - t0, "statements": len(texts)}
    if mode == "naive":
        sample = texts[:2000]
        t0 = time.perf_counter()
        for text in sample:
            for target in targets:
                fuzz.token_set_ratio(text, target, processor=utils.default_process)
        return {"seconds": time.perf_counter() - t0, "statements": len(sample)}
    if mode == "quality":
        n = sum(1 for _ in open(path, encoding="utf-8"))
        labels = [label for _record, label in corpus.generate(n)]
        return _quality(Path(path), labels)
    raise SystemExit(f"unknown mode {mode}")


def _quality(path: Path, labels: list[str | None]) -> dict[str, tuple[float, float, float]]:
    """(precision, recall, F1) on the planted pairs for planlib and for cdist at its best threshold."""
    import numpy as np
    from rapidfuzz import fuzz, process, utils

    import planlib

    plan = planlib.load_plan()
    ids = [p.id for p in plan.provisions]
    statements = [s for part in planlib.stream_sources([path]) for s in part.statements]
    truth = {(i, lab) for i, lab in enumerate(labels) if lab}
    m = planlib.Matcher(plan)
    kinds = set(planlib.matching.SKIPPED_KINDS)
    found = {
        (i, e.provision) for i, s in enumerate(statements) if s.kind not in kinds
        for e in m.evidence(s) if e.score >= planlib.DEFAULT_MIN_SCORE
    }

    def prf(pred: set[tuple[int, str]]) -> tuple[float, float, float]:
        tp = len(pred & truth)
        p = tp / len(pred) if pred else 0.0
        r = tp / len(truth) if truth else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    scores = process.cdist([f"{p.title} {p.summary}" for p in plan.provisions], [s.text for s in statements],
                           scorer=fuzz.token_set_ratio, processor=utils.default_process, workers=-1)
    best, top = scores.argmax(axis=0), scores.max(axis=0)
    tries = [prf({(i, ids[int(best[i])]) for i in np.nonzero(top >= t)[0]}) for t in range(30, 100, 5)]
    return {"planlib": prf(found), "cdist": max(tries, key=lambda x: x[2])}


def _byte_compile() -> None:
    """Compile planlib's modules to bytecode once, as ``pip install`` does: a checkout installed
    with ``-e`` under PYTHONDONTWRITEBYTECODE=1 (as on this machine) would otherwise compile
    them from source in every subprocess, a cost no installed copy pays and the libraries the
    baseline imports (numpy, rapidfuzz) do not pay either."""
    import compileall

    import planlib

    compileall.compile_dir(Path(planlib.__file__).parent, quiet=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--workdir", default=None,
                        help="where corpora are written and kept for the next run, named by N and a digest of"
                             " the generator and the plan (default: a temporary folder)")
    parser.add_argument("--full-upto", type=int, default=10**9, metavar="N",
                        help="above N statements, time only the whole command with --jobs 1 (to save time)")
    parser.add_argument("--repeat", type=int, default=3, metavar="R",
                        help="time every way R times, in turn, and keep the best (default 3)")
    parser.add_argument("--budget", type=float, default=30.0, metavar="S",
                        help="at each N, take more tries, in turn, until S seconds have passed (default 30)")
    parser.add_argument("--top", type=int, default=None, metavar="N",
                        help="the command's --top and match()'s top (default: all evidence, as the command's default)")
    parser.add_argument("--worker", nargs=3, metavar=("MODE", "PATH", "TOP"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(_worker(*args.worker)))
        return 0
    try:
        import numpy  # noqa: F401
    except ImportError:
        raise SystemExit("the cdist baseline returns NumPy arrays: pip install -e '.[bench]'") from None
    _byte_compile()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="planlib-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    py = sys.executable
    rows: dict[int, dict[str, Any]] = {}
    top_text = "all" if args.top is None else str(args.top)
    top_args = [] if args.top is None else ["--top", top_text]
    print(f"top: {top_text}", file=sys.stderr, flush=True)
    made = _recipe()  # corpora written by another plan or generator are not these: new names
    tiny = work / f"corpus-20-{made}.jsonl"
    if not tiny.exists():
        _run([py, str(HERE / "corpus.py"), "--n", "20", "-o", str(tiny)])
    for n in args.n:
        path = work / f"corpus-{n}-{made}.jsonl"
        if not path.exists():
            _run([py, str(HERE / "corpus.py"), "--n", str(n), "-o", str(path)])
        row: dict[str, Any] = {}
        full = n <= args.full_upto
        if full and n <= 100_000:
            row["quality"] = json.loads(_run([py, __file__, "--worker", "quality", str(path), top_text])[2])
        base = [py, "-m", "planlib", "table", "--sources", str(path), "--format", "json", *top_args]
        cmd = [*base, "-o", str(work / "out.json")]
        timed: dict[str, list[str]] = {f"cmd_j{jobs}": [*cmd, "--jobs", str(jobs)] for jobs in ((1, 2) if full else (1,))}
        if full:
            timed["cmd_auto"] = cmd
            timed["cdist_script"] = [py, "-c", CDIST_SCRIPT, str(path)]
            start = [py, "-m", "planlib", "table", "--sources", str(tiny), "--format", "json", *top_args,
                     "-o", str(work / "out.json")]
            timed |= {f"start_j{jobs}": [*start, "--jobs", str(jobs)] for jobs in (1, 2)}
        began, tries = time.perf_counter(), 0
        while tries < args.repeat or (time.perf_counter() - began < args.budget and tries < 10 * args.repeat):
            tries += 1
            for mode in ("planlib", "planlib2", "cdist", "naive") if full else ():
                _wall, rss, out = _run([py, __file__, "--worker", mode, str(path), top_text])
                res = json.loads(out)
                row[mode] = max(row.get(mode, 0.0), res["statements"] / res["seconds"])
                row[f"{mode}_rss"] = max(row.get(f"{mode}_rss", 0), rss)
            for name, argv in timed.items():
                wall, rss, _ = _run(argv)
                row[name] = min(row.get(name, float("inf")), wall)
                row[f"{name}_rss"] = max(row.get(f"{name}_rss", 0), rss)
            if full:
                row["pair_j1"] = min(row.get("pair_j1", float("inf")), _run_pair([*base, "--jobs", "1"], work))
        from planlib.scale import auto_jobs

        row["auto_jobs"] = auto_jobs([path])
        row["tries"] = tries
        rows[n] = row
        print(f"N={n:,}: " + json.dumps(row), file=sys.stderr, flush=True)
    _report(rows)
    return 0


def _report(rows: dict[int, dict[str, Any]]) -> None:
    print("In memory (statements per second; × cdist, whose workers=-1 uses every core):")
    print()
    print("| N | planlib, 1 process | × cdist | planlib, 2 processes | × cdist | cdist | naive loop (extrapolated) | 1 process × naive |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, r in rows.items():
        if "planlib" in r:
            print(f"| {n:,} | {r['planlib']:,.0f} | {r['planlib'] / r['cdist']:.2f} | {r['planlib2']:,.0f} "
                  f"| {r['planlib2'] / r['cdist']:.2f} | {r['cdist']:,.0f} | {r['naive']:,.0f} | {r['planlib'] / r['naive']:.2f} |")
    print()
    print("The whole command (seconds; × script: the cdist script's time over the command's):")
    print()
    print("| N | default (--jobs auto) s | × script | cdist script s | --jobs 1 s | × script | --jobs 2 s "
          "| jobs 2 ÷ jobs 1 throughput | two --jobs 1 side by side ÷ one | peak RSS --jobs 1 MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, r in rows.items():
        if "cdist_script" not in r:
            print(f"| {n:,} | – | – | – | {r['cmd_j1']:.2f} | – | – | – | – | {r['cmd_j1_rss']} |")
            continue
        print(f"| {n:,} | {r['cmd_auto']:.2f} (auto = {r['auto_jobs']}) | {r['cdist_script'] / r['cmd_auto']:.2f} "
              f"| {r['cdist_script']:.2f} | {r['cmd_j1']:.2f} | {r['cdist_script'] / r['cmd_j1']:.2f} | {r['cmd_j2']:.2f} "
              f"| {r['cmd_j1'] / r['cmd_j2']:.2f} | {2 * r['cmd_j1'] / r['pair_j1']:.2f} | {r['cmd_j1_rss']} |")
    print()
    print("Start-up (the command on a 20-statement corpus) and what it leaves of jobs 2 ÷ jobs 1:")
    print()
    print("| N | start-up --jobs 1 s | start-up --jobs 2 s | jobs 2 ÷ jobs 1 past start-up "
          "| most jobs 2 ÷ jobs 1 end to end, at the side-by-side ceiling |")
    print("|---:|---:|---:|---:|---:|")
    for n, r in rows.items():
        if "start_j1" in r:
            ceiling = 2 * r["cmd_j1"] / r["pair_j1"]
            past = (r["cmd_j1"] - r["start_j1"]) / (r["cmd_j2"] - r["start_j2"])
            most = r["cmd_j1"] / (r["start_j2"] + (r["cmd_j1"] - r["start_j1"]) / ceiling)
            print(f"| {n:,} | {r['start_j1']:.2f} | {r['start_j2']:.2f} | {past:.2f} | {most:.2f} |")
    print()
    for n, r in rows.items():
        if "quality" in r:
            q = r["quality"]
            print(f"quality at N={n:,} (planted pairs): planlib P/R/F1 {q['planlib'][0]:.3f}/{q['planlib'][1]:.3f}/"
                  f"{q['planlib'][2]:.3f}; cdist best threshold {q['cdist'][0]:.3f}/{q['cdist'][1]:.3f}/{q['cdist'][2]:.3f}")
    print("tries (each way, in turn; best kept): " + ", ".join(f"{r['tries']} at N={n:,}" for n, r in rows.items()))
    ns = sorted(rows)
    for small, big in itertools.pairwise(ns):
        a, b = rows[small], rows[big]
        print(f"{big:,} vs {small:,}: command time ×{b['cmd_j1'] / a['cmd_j1']:.2f} (N ×{big / small:.0f}), "
              f"peak RSS {b['cmd_j1_rss']} MB vs {a['cmd_j1_rss']} MB (×{b['cmd_j1_rss'] / a['cmd_j1_rss']:.2f})")


if __name__ == "__main__":
    raise SystemExit(main())
