"""Matching statements to provisions: concept vocabulary, folds, scoring, thresholds."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from ..model import Evidence, Plan, Source, Statement
from ..places import Gazetteer
from ..results import ProvisionTable
from .scoring import COMPONENTS, KIND_FACTORS, Matcher, Weights
from .vocabulary import Vocabulary, typo_budget

__all__ = [
    "COMPONENTS",
    "DEFAULT_MIN_SCORE",
    "DEFAULT_TOP",
    "KIND_FACTORS",
    "SKIPPED_KINDS",
    "Matcher",
    "Vocabulary",
    "Weights",
    "match",
    "typo_budget",
]

DEFAULT_MIN_SCORE = 60.0
"""The least score (0–100) evidence needs by default; see docs/matching.md for what it lets through."""

DEFAULT_TOP: int | None = None
"""How many pieces of evidence a provision lists by default: all of them (``--top N`` shortens
the table; every supporting statement is counted either way)."""

SKIPPED_KINDS = ("label", "stage-direction", "boilerplate", "dateline")
"""Statement kinds matching skips unless ``include_all=True``."""


def match(
    plan: Plan,
    sources: Iterable[Source] | None = None,
    *,
    min_score: float = DEFAULT_MIN_SCORE,
    top: int | None = DEFAULT_TOP,
    include_all: bool = False,
    gazetteer: Gazetteer | None = None,
    matcher: Matcher | None = None,
) -> ProvisionTable:
    """Map the statements of ``sources`` to the provisions of ``plan``.

    ``min_score`` (0–100): evidence scoring below it is left out; ``top``: at most this many
    pieces of evidence per provision (``None`` for all); ``include_all``: also match labels,
    stage directions, boilerplate and datelines. With no sources, the bundled seed corpus.
    """
    if not 0 <= min_score <= 100:
        raise ValueError(f"min_score must lie in 0..100, got {min_score}")
    if top is not None and top < 1:
        raise ValueError(f"top must be at least 1 or None, got {top}")
    if sources is None:
        from ..sources import iter_sources

        sources = iter_sources()
    m = matcher if matcher is not None else Matcher(plan, Vocabulary(plan, gazetteer))
    infos = []
    found: list[Evidence] = []
    count = 0
    for source in sources:
        infos.append(source.info)
        for statement in _matchable(source.statements, include_all):
            count += 1
            found.extend(e for e in m.evidence(statement) if e.score >= min_score)
    settings = {"min_score": float(min_score), "top": top, "include_all": include_all}
    return ProvisionTable.build(plan, settings, infos, found, count)


def _matchable(statements: Sequence[Statement], include_all: bool) -> Iterator[Statement]:
    for s in statements:
        if include_all or s.kind not in SKIPPED_KINDS:
            yield s

