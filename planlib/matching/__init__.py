"""Matching statements to provisions: concept vocabulary, folds, scoring, thresholds."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any

from .. import results
from ..model import Plan, Source, Statement
from ..places import Gazetteer
from ..results import Prerender, ProvisionTable, Tally
from ..sources import JsonlChunk, TextFile, jsonl_info
from ._parallel import DEFAULT_BATCH, SKIPPED_KINDS, batched, chunk_statements, matchable, recipe, run, uncollected, work
from .scoring import COMPONENTS, KIND_FACTORS, Matcher, Weights
from .vocabulary import TypoIndex, Vocabulary, typo_budget

if TYPE_CHECKING:
    from ..sources import SourcePart

__all__ = [
    "COMPONENTS",
    "DEFAULT_BATCH",
    "DEFAULT_MIN_SCORE",
    "DEFAULT_TOP",
    "KIND_FACTORS",
    "SKIPPED_KINDS",
    "Matcher",
    "TypoIndex",
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

def match(
    plan: Plan,
    sources: Iterable[Source | SourcePart | JsonlChunk | TextFile] | None = None,
    *,
    min_score: float = DEFAULT_MIN_SCORE,
    top: int | None = DEFAULT_TOP,
    include_all: bool = False,
    gazetteer: Gazetteer | None = None,
    matcher: Matcher | None = None,
    executor: Executor | None = None,
    batch_size: int = DEFAULT_BATCH,
    progress: Callable[[int], None] | None = None,
    prerender: Prerender | None = None,
) -> ProvisionTable:
    """Map the statements of ``sources`` to the provisions of ``plan``.

    ``min_score`` (0–100): evidence scoring below it is left out; ``top``: at most this many
    pieces of evidence per provision (``None`` for all); ``include_all``: also match labels,
    stage directions, boilerplate and datelines. With no sources, the bundled seed corpus.

    Sources are read one at a time and only the table's contents are kept (the best ``top``
    evidence per provision, counts, source listings), so a streamed corpus (see
    :func:`~planlib.sources.stream_sources`) runs in flat memory. With ``top=None``, evidence
    beyond :data:`~planlib.results.SPILL_AT` pieces waits in a temporary file, and the rows'
    evidence is read back from it as it is iterated (:class:`~planlib.results.SpooledEvidence`). ``executor``: any
    :class:`concurrent.futures.Executor` (a process pool, a Dask client's executor); the
    statements go to it in batches of ``batch_size`` (the first few smaller, so that every
    worker starts at once) and the table is identical to a run without one. JSONL corpora
    streamed with ``raw=True`` (:class:`~planlib.sources.JsonlChunk`) go to the workers as
    lines and are parsed there, and text files (:class:`~planlib.sources.TextFile`) as text,
    laid out there, which spares this process the parsing and the sentence splitting;
    without an executor, chunks are parsed and text files read here. ``progress``, if given, is called with the number of statements
    matched so far, now and then. ``prerender``: with an executor and ``top=None``, the
    workers also make the evidence they find into this text (say
    :data:`planlib.render.json.JSON_EVIDENCE`, what ``--format json`` writes), which writing
    the table then reads rather than makes (:meth:`~planlib.results.SpooledEvidence.texts`);
    the table is the same either way. While it runs, the cyclic garbage collector is off (matching
    makes next to no cycles; it is back on at the end, and in processes forked meanwhile).
    """
    if not 0 <= min_score <= 100:
        raise ValueError(f"min_score must lie in 0..100, got {min_score}")
    if top is not None and top < 1:
        raise ValueError(f"top must be at least 1 or None, got {top}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    if sources is None:
        from ..sources import stream_sources

        sources = stream_sources()
    settings = {"min_score": float(min_score), "top": top, "include_all": include_all}
    with uncollected():  # the collector's full passes would walk the caller's heap too, again and again
        return _match(plan, sources, settings, gazetteer, matcher, executor, batch_size, progress, prerender)


def _match(
    plan: Plan,
    sources: Iterable[Source | SourcePart | JsonlChunk | TextFile],
    settings: dict[str, Any],
    gazetteer: Gazetteer | None,
    matcher: Matcher | None,
    executor: Executor | None,
    batch_size: int,
    progress: Callable[[int], None] | None,
    prerender: Prerender | None = None,
) -> ProvisionTable:
    tally = Tally(plan, settings, spill_at=results.SPILL_AT)  # read at each run, so that it can be set
    if executor is not None:
        key, blob = recipe(plan, gazetteer, matcher)
        in_flight = 2 * max(1, getattr(executor, "_max_workers", 0) or 4)
        items = work(sources, tally, settings["include_all"], batch_size, max(1, batch_size // _RAMP), in_flight)
        run(executor, key, blob, settings, items, tally, progress, in_flight, prerender)
    else:
        _tally_here(plan, sources, tally, settings, gazetteer, matcher, batch_size, progress)
    return tally.table(plan)  # the matcher, its word cache and the last batch are gone by now: a lower peak


def _tally_here(
    plan: Plan,
    sources: Iterable[Source | SourcePart | JsonlChunk | TextFile],
    tally: Tally,
    settings: dict[str, Any],
    gazetteer: Gazetteer | None,
    matcher: Matcher | None,
    batch_size: int,
    progress: Callable[[int], None] | None,
) -> None:
    """Match ``sources`` in this process into ``tally``."""
    min_score, include_all = settings["min_score"], settings["include_all"]
    files: dict[str, tuple[dict[str, int], dict[str, int]]] = {}  # per JSONL file read as chunks: offsets, counts

    def statements() -> Iterator[Statement]:
        for source in sources:
            if isinstance(source, JsonlChunk):
                if source.line == 1 or source.path not in files:
                    files[source.path] = ({}, {})
                listed = functools.partial(_list_document, tally, source.path)
                yield from matchable(chunk_statements(source, *files[source.path], listed), include_all)
                continue
            if isinstance(source, TextFile):
                source = source.read()
            tally.add_source(source.info)
            yield from matchable(source.statements, include_all)

    m = matcher if matcher is not None else Matcher(plan, Vocabulary(plan, gazetteer))
    count = 0
    for batch in batched(statements(), batch_size):  # a batch's new words are looked up at once
        for found in m.evidence_batch(batch):
            for ev in found:
                if ev.score >= min_score:
                    tally.add(ev)
        count += len(batch)
        if progress is not None and len(batch) == batch_size:
            progress(count)
    tally.statements = count
    if progress is not None and count % batch_size:
        progress(count)


_RAMP = 8  # with an executor, batches start at batch_size // _RAMP statements and double


def _list_document(tally: Tally, path: str, doc: str, title: str | None) -> None:
    tally.add_source(jsonl_info(doc, path, title))
