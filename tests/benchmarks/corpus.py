"""A deterministic synthetic news corpus: filler statements plus planted evidence for a plan.

Run ``python tests/benchmarks/corpus.py --n 100000 -o corpus.jsonl``. The same ``--n`` and
``--seed`` always write the same bytes. About one statement in eight is planted: it carries
one term from each of two or three concepts of one provision (the label kept in memory by
:func:`generate`, never written into the JSONL, whose fields are fixed). The rest is filler
drawn from common words and a Zipf-distributed vocabulary of made-up words, so the number of
distinct words keeps growing with the corpus, as it does in real news.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

COMMON = (
    "the a an of to in on for with by from at as and or but not that this these those it its they their "
    "he she his her we our you said says told officials government minister president week year month day "
    "talks meeting statement report sources people country state city region forces army troops security "
    "economy prices energy gas oil market bank budget aid funding deal agreement proposal draft plan "
    "leaders parliament vote election party opposition court law police protest crowd border visit trip "
    "spokesman spokeswoman analyst analysts expert experts diplomat diplomats envoy envoys delegation "
    "morning evening night tuesday wednesday thursday friday monday weekend earlier later again still "
    "would could should might may will must can new old first last next other more most some many few "
    "after before during while since until about over under against between among without within "
    "announced confirmed denied rejected welcomed warned urged called asked added noted stressed "
    "important serious major minor key main central local national international regional global"
).split()
SYLLABLES = "ka lo mi nar ten vel sor bri da gun hel jor kim lan mor nis pra qua ros sta tri ulm var wen yor zel".split()
LEADS = (
    "Officials said", "According to the draft,", "The document says", "Diplomats familiar with the talks said",
    "A senior official told reporters", "Under the proposal,", "The text, seen by reporters, states that",
)


def _pseudo_words(rng: random.Random, count: int) -> list[str]:
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < count:
        w = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


def _concept_terms(plan_path: str | None) -> list[tuple[str, list[list[str]]]]:
    """(provision id, [terms of each concept]) for every provision of the plan."""
    import planlib

    plan = planlib.load_plan(plan_path)
    out = []
    for p in plan.provisions:
        concepts = []
        for c in p.concepts:
            terms = list(c.terms) + list(c.places)
            if c.kind == "figure" and c.value is not None:
                terms = [f"{c.value:,.0f}"]
            if terms:
                concepts.append(terms)
        out.append((p.id, concepts))
    return out


def generate(n: int, seed: int = 7, plan_path: str | None = None) -> Iterator[tuple[dict[str, str], str | None]]:
    """(JSONL record, planted provision id or None) for ``n`` statements, always the same."""
    rng = random.Random(seed)
    rare = _pseudo_words(rng, 40_000)
    cum = list(itertools.accumulate(1.0 / (i + 1) for i in range(len(rare))))
    provisions = _concept_terms(plan_path)
    article = 0
    left = 0
    for _ in range(n):
        first = left == 0
        if first:
            article += 1
            left = rng.randint(8, 40)
            title = f"Report {article}: {' '.join(rng.choice(COMMON) for _ in range(5))}"
        left -= 1
        record: dict[str, str] = {"source": f"article-{article:07d}"}
        if first or rng.random() < 0.02:
            record["kind"] = "headline"
        label: str | None = None
        words = [rng.choice(COMMON) if rng.random() < 0.6 else rare[bisect.bisect(cum, rng.random() * cum[-1])]
                 for _ in range(rng.randint(8, 30))]
        if rng.random() < 0.125:
            pid, concepts = rng.choice(provisions)
            chosen = rng.sample(concepts, min(len(concepts), rng.randint(2, 3)))
            planted = [rng.choice(terms) for terms in chosen]
            for term in planted:
                words.insert(rng.randint(0, min(len(words), 6)), term)
            label = pid
            text = f"{rng.choice(LEADS)} {' '.join(words)}."
        else:
            text = " ".join(words).capitalize() + "."
        record["text"] = text
        if article % 3 == 0:
            record["title"] = title
        yield record, label


def write(path: Path, n: int, seed: int = 7) -> list[str | None]:
    """Write the corpus to ``path``; return the planted label of each statement."""
    labels = []
    with path.open("w", encoding="utf-8") as out:
        for record, label in generate(n, seed):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            labels.append(label)
    return labels


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, required=True, help="statements to write")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args(argv)
    labels = write(Path(args.output), args.n, args.seed)
    print(f"{args.output}: {len(labels)} statements, {sum(1 for x in labels if x)} planted", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
