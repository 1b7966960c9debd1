"""Matching quality beside plain fuzzy baselines, measured in one run on the same statements.

    python tests/benchmarks/quality.py [GOLD.toml ...]

(from a checkout with ``pip install -e '.[bench]'``, which brings NumPy and bm25s)

For each labelled set (default: the seed's, and the held-out reporting sets in tests/data),
prints planlib's precision/recall/F1 at default settings, and the anchors each at its best
threshold in hindsight: rapidfuzz token_set_ratio(statement, provision title + summary) and
BM25 (bm25s, the provision text as the query). The anchors see the same matchable statements
and are scored by the same evaluator (planlib.evaluate).
"""

from __future__ import annotations

import sys
from pathlib import Path

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

import planlib
from planlib.evaluate import Gold, Score, evaluate, hits, load_gold
from planlib.matching import SKIPPED_KINDS
from planlib.model import Evidence, Statement
from planlib.results import ProvisionTable

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SETS = [
    ROOT.parent / "shared" / "eval" / "seed-gold.toml",
    ROOT / "tests" / "data" / "reporting" / "gold.toml",
    ROOT / "tests" / "data" / "reporting2" / "gold.toml",
    ROOT / "tests" / "data" / "reporting3" / "gold.toml",
    ROOT / "tests" / "data" / "reporting4" / "gold.toml",
]


def _best(plan: planlib.Plan, scored: list[tuple[int, Statement, float]], gold: Gold) -> tuple[float, Score]:
    """The threshold with the best F1, sweeping every distinct score once.

    Each (provision, statement) pair is judged once with planlib.evaluate's own rules (a hit
    on a grade>=1 link of that provision is a true positive; a grade-2 link is found at
    threshold t when some pair hitting it scores >= t), so the sweep is exact, not sampled.
    """
    ev = [Evidence(plan.provisions[pi].id, s, score, (), ()) for pi, s, score in scored]
    table = ProvisionTable.build(plan, {"min_score": 0.0, "top": None}, [], ev, 0)
    report = evaluate(table, gold)
    false = {(e.provision, e.statement.id) for e in report.false_positives}
    # for each grade-2 link, the best score of a pair that hits it
    link_best: list[float] = []
    for link in gold.links:
        if link.grade != 2:
            continue
        ids = {p.id for p in plan.select(link.provision)}
        best = max((e.score for e in ev if e.provision in ids and e.statement.path.endswith(link.source.split("/")[-1])
                    and any(hits(e.statement.start, e.statement.end, sp) for sp in link.spans)), default=-1.0)
        link_best.append(best)
    pairs = sorted(((e.score, (e.provision, e.statement.id) not in false) for e in ev), reverse=True)
    best_t, best_score = 0.0, Score("overall", 0, 0, 0, len(link_best))
    tp = fp = 0
    i = 0
    thresholds = sorted({sc for sc, _ in pairs}, reverse=True)
    for t in thresholds:
        while i < len(pairs) and pairs[i][0] >= t:
            tp, fp = (tp + 1, fp) if pairs[i][1] else (tp, fp + 1)
            i += 1
        found = sum(1 for b in link_best if b >= t)
        score = Score("overall", tp, fp, found, len(link_best))
        if score.f1 > best_score.f1:
            best_t, best_score = t, score
    return best_t, best_score


def run(gold_path: Path) -> None:
    gold = load_gold(gold_path)
    plan = planlib.load_plan()
    sources = planlib.read_sources(gold.source_paths())
    statements = [s for src in sources for s in src.statements if s.kind not in SKIPPED_KINDS]
    ours = evaluate(planlib.match(plan, sources), gold).overall
    texts = [f"{p.title} {p.summary}" for p in plan.provisions]
    matrix = process.cdist(texts, [s.text for s in statements], scorer=fuzz.token_set_ratio,
                           processor=default_process, workers=-1)
    tsr = [(pi, s, float(matrix[pi][si])) for pi in range(len(texts)) for si, s in enumerate(statements)]
    rows = [("planlib (default settings)", planlib.DEFAULT_MIN_SCORE, ours)]
    t, best = _best(plan, tsr, gold)
    rows.append(("token_set_ratio, best threshold", t, best))
    try:
        import bm25s
    except ImportError:
        rows.append(("BM25: pip install -e '.[bench]'", float("nan"), None))  # type: ignore[arg-type]
    else:
        retriever = bm25s.BM25()
        retriever.index(bm25s.tokenize([s.text for s in statements], stopwords="en", show_progress=False),
                        show_progress=False)
        bm = []
        for pi, text in enumerate(texts):
            q = bm25s.tokenize([text], stopwords="en", show_progress=False)
            docs, scores = retriever.retrieve(q, k=len(statements), show_progress=False)
            bm.extend((pi, statements[int(d)], float(sc)) for d, sc in zip(docs[0], scores[0], strict=True) if sc > 0)
        t, best = _best(plan, bm, gold)
        rows.append(("BM25 (bm25s), best threshold", t, best))
    print(flush=True)
    print(f"{gold_path.relative_to(ROOT.parent) if gold_path.is_relative_to(ROOT.parent) else gold_path}"
          f" — {len(statements)} statements, {gold.links.__len__()} links")
    print("| matcher | threshold | precision | recall | F1 |")
    print("|---|---:|---:|---:|---:|")
    for name, thr, s in rows:
        if s is None:
            print(f"| {name} | | | | |")
            continue
        print(f"| {name} | {thr:.2f} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} |")


def main(argv: list[str]) -> int:
    try:
        import numpy  # noqa: F401
    except ImportError:
        raise SystemExit("the token_set_ratio anchor (rapidfuzz cdist) needs NumPy: pip install -e '.[bench]'") from None
    paths = [Path(a) for a in argv] or [p for p in DEFAULT_SETS if p.exists()]
    for p in paths:
        run(p)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
