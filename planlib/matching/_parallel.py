"""Matching batches of statements on the workers of any concurrent.futures executor.

The driver cuts the statement stream into batches and keeps only a few in flight; each
worker builds the matcher once per process (cached by a digest of its recipe) and sends back
a small :class:`~planlib.results.Tally`, which the driver merges in whatever order they
finish: tallies merge the same in any order, so the table does not depend on the schedule.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import itertools
import pickle
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from ..model import _STATEMENT_FIELDS, Plan, Statement, trusted_statement
from ..places import Gazetteer
from ..results import SortKey, Tally
from .scoring import Matcher
from .vocabulary import Vocabulary

__all__ = ["DEFAULT_BATCH", "recipe", "run", "tally_batch"]

DEFAULT_BATCH = 4000
"""Statements sent to a worker at a time."""

_MATCHERS: dict[str, Matcher] = {}
_KEEP = 4


def recipe(plan: Plan, gazetteer: Gazetteer | None, matcher: Matcher | None) -> tuple[str, bytes]:
    """What a worker needs to build the matcher, pickled once, and a digest naming it."""
    blob = pickle.dumps(("matcher", matcher) if matcher is not None else ("plan", plan, gazetteer), protocol=5)
    return hashlib.sha256(blob).hexdigest(), blob


def _matcher(key: str, blob: bytes) -> Matcher:
    m = _MATCHERS.get(key)
    if m is None:
        spec = pickle.loads(blob)
        if spec[0] == "matcher":
            m = spec[1]
        else:
            plan, gazetteer = spec[1], spec[2]
            m = Matcher(plan, Vocabulary(plan, gazetteer))
        if len(_MATCHERS) >= _KEEP:
            _MATCHERS.clear()
        _MATCHERS[key] = m
    return m


def tally_batch(
    key: str, blob: bytes, settings: dict[str, Any], statements: Sequence[Statement],
    bars: Sequence[SortKey | None] | None = None,
) -> Tally:
    """Match one batch (on a worker) and tally its evidence; statements are counted, sources are not.
    The tally goes back holding only the evidence that can still make the table: its ``top``,
    and of those only what beats ``bars`` (the driver's :meth:`Tally.bars` when it sent the batch)."""
    m = _matcher(key, blob)
    min_score = settings["min_score"]
    tally = Tally(m.plan, settings)
    for found in m.evidence_batch(statements):
        for ev in found:
            if ev.score >= min_score:
                tally.add(ev)
    tally.statements = len(statements)
    tally.trim(bars)
    return tally


class Batch(list[Statement]):
    """Statements on their way to a worker, pickled as one tuple per field rather than as
    objects: a third of the cost each way. Unpickled statements are rebuilt without running
    the validators again (they were valid Statements when the batch was made)."""

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        columns = tuple(tuple(getattr(s, name) for s in self) for name in _STATEMENT_FIELDS)
        return _unbatch, (columns,)



def _unbatch(columns: tuple[tuple[Any, ...], ...]) -> Batch:
    return Batch(itertools.starmap(trusted_statement, zip(*columns, strict=True)))


def run(
    executor: cf.Executor,
    key: str,
    blob: bytes,
    settings: dict[str, Any],
    batches: Iterable[Sequence[Statement]],
    tally: Tally,
    progress: Callable[[int], None] | None,
    in_flight: int,
) -> None:
    """Send every batch to ``executor``, at most ``in_flight`` at a time, merging results into ``tally``."""
    pending: set[cf.Future[Tally]] = set()
    done_statements = 0

    def collect(futures: Iterable[cf.Future[Tally]]) -> None:
        nonlocal done_statements
        for f in futures:
            part = f.result()
            tally.merge(part)
            done_statements += part.statements
            if progress is not None:
                progress(done_statements)

    try:
        for batch in batches:
            pending.add(executor.submit(tally_batch, key, blob, settings, batch, tally.bars()))
            if len(pending) >= in_flight:
                done, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
                collect(done)
        collect(cf.as_completed(pending))
        pending = set()
    finally:
        for f in pending:
            f.cancel()


def batched(statements: Iterator[Statement], size: int, first: int | None = None) -> Iterator[Batch]:
    """Consecutive batches of at most ``size`` statements. Given ``first``, the first batch holds
    that many and each next one twice the last, up to ``size``: every worker of a pool gets
    work at once, and a short corpus still splits into enough batches to share out."""
    limit = size if first is None else max(1, min(first, size))
    batch: list[Statement] = []
    for s in statements:
        batch.append(s)
        if len(batch) >= limit:
            yield Batch(batch)
            batch = []
            limit = min(size, 2 * limit)
    if batch:
        yield Batch(batch)
