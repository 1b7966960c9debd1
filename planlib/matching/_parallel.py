"""Matching batches of statements on the workers of any concurrent.futures executor.

The driver cuts the statement stream into batches and keeps only a few in flight; each
worker builds the matcher once per process (cached by a digest of its recipe) and sends back
a small :class:`~planlib.results.Tally`, which the driver merges: tallies merge the same in any
order, so the table does not depend on the schedule. JSONL corpora go to the workers as
unparsed lines (:class:`~planlib.sources.JsonlChunk`), parsed and matched there as if the
chunk were the whole file; the driver takes results in the order it sent them and puts each
chunk's evidence where it stands in the file (ids and offsets after the records before it).
Text files go as text (:class:`~planlib.sources.TextFile`, a few together), laid out there.
"""

from __future__ import annotations

import concurrent.futures as cf
import gc
import hashlib
import itertools
import os
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import attrs

from ..model import _STATEMENT_FIELDS, Evidence, Plan, Source, Statement, trusted_statement
from ..places import Gazetteer
from ..results import Prerender, SortKey, Tally
from ..sources import JsonlChunk, SourcePart, TextFile, jsonl_info, place_statement
from .scoring import Matcher
from .vocabulary import Vocabulary

__all__ = ["DEFAULT_BATCH", "SKIPPED_KINDS", "TextFiles", "recipe", "run", "tally_batch", "tally_chunk", "tally_texts",
           "uncollected"]

SKIPPED_KINDS = ("label", "stage-direction", "boilerplate", "dateline")
"""Statement kinds matching skips unless ``include_all=True``."""

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
    bars: Sequence[SortKey | None] | None = None, prerender: Prerender | None = None,
) -> Tally:
    """Match one batch (on a worker) and tally its evidence; statements are counted, sources are not.
    The tally goes back holding only the evidence that can still make the table: its ``top``,
    and of those only what beats ``bars`` (the driver's :meth:`Tally.bars` when it sent the batch);
    with ``top=None``, packed (:meth:`Tally.pack`, with the texts of ``prerender`` if given),
    for the driver to write out unread."""
    tally = _tallied(key, blob, settings, statements, bars, prerender)
    tally.pack()
    return tally


def _tallied(
    key: str, blob: bytes, settings: dict[str, Any], statements: Sequence[Statement],
    bars: Sequence[SortKey | None] | None, prerender: Prerender | None = None,
) -> Tally:
    with uncollected():
        m = _matcher(key, blob)
        min_score = settings["min_score"]
        tally = Tally(m.plan, settings, prerender=prerender)
        for found in m.evidence_batch(statements):
            for ev in found:
                if ev.score >= min_score:
                    tally.add(ev)
        tally.statements = len(statements)
        tally.trim(bars)
        return tally


@contextmanager
def uncollected() -> Iterator[None]:
    """Switch the cyclic garbage collector off until the block ends (if it was on). Matching
    makes many objects that live on (cached words, evidence), so the collector's passes come
    often, and each full one walks every object of the process: a corpus held in memory, and
    in a forked worker the parent's whole heap, whose pages it then copies. Matching makes
    next to no cycles; those it makes are collected once the collector is back on. A process
    forked meanwhile (a pool's worker) gets the collector back at once, its own calls to
    :func:`tally_batch` switching it off while they run."""
    global _OFF_BY_US
    if not gc.isenabled():
        yield
        return
    gc.disable()
    _OFF_BY_US = True
    try:
        yield
    finally:
        _OFF_BY_US = False
        gc.enable()


_OFF_BY_US = False


def _after_fork_in_child() -> None:
    global _OFF_BY_US
    if _OFF_BY_US:
        _OFF_BY_US = False
        gc.enable()


if hasattr(os, "register_at_fork"):  # not on Windows
    os.register_at_fork(after_in_child=_after_fork_in_child)


Summary = list[tuple[str, int, int, str | None]]
"""Per document of a chunk, in order of first record: its id, how many records and how many
characters of text (a newline after each) the chunk holds of it, and its first record's title."""


def tally_chunk(
    key: str, blob: bytes, settings: dict[str, Any], chunk: JsonlChunk, bars: Sequence[SortKey | None] | None = None,
    prerender: Prerender | None = None,
) -> tuple[Tally, Summary]:
    """Parse one chunk of a JSONL file and match it (on a worker), ids and offsets counted from
    the chunk's first line: its :func:`tally_batch` and what :func:`place` needs to put it
    in the file. Trimming against the driver's ``bars`` stays safe, since placing only moves
    a statement later in its document. The evidence of the document the chunk begins in stays
    out of the packed blocks: in a file whose documents run line after line, it is the one
    document the driver may have to move."""
    offsets: dict[str, int] = {}
    counts: dict[str, int] = {}
    titles: dict[str, str | None] = {}
    batch = list(matchable(chunk_statements(chunk, offsets, counts, titles.__setitem__), settings["include_all"]))
    tally = _tallied(key, blob, settings, batch, bars, prerender)
    tally.pack(keep=next(iter(titles), None))
    return tally, [(d, counts[d], offsets[d], t) for d, t in titles.items()]


class TextFiles(list[TextFile]):
    """Text files on their way to a worker, to be laid out and matched there."""


def tally_texts(
    key: str, blob: bytes, settings: dict[str, Any], files: Sequence[TextFile],
    bars: Sequence[SortKey | None] | None = None, prerender: Prerender | None = None,
) -> tuple[Tally, list[dict[str, str | None]]]:
    """Read text files (on a worker) and match their statements: their :func:`tally_batch`,
    and each file's source listing, in order, for the driver to note."""
    sources = [f.read() for f in files]
    batch = [s for src in sources for s in matchable(src.statements, settings["include_all"])]
    return tally_batch(key, blob, settings, batch, bars, prerender), [src.info for src in sources]


def chunk_statements(
    chunk: JsonlChunk, offsets: dict[str, int], counts: dict[str, int], first: Callable[[str, str | None], None],
) -> Iterator[Statement]:
    """The statements of a chunk's records (``offsets`` and ``counts`` as :meth:`JsonlChunk.records`
    takes them), calling ``first(document id, title)`` at each document's first record."""
    for doc, statement, title in chunk.records(offsets, counts):
        if counts[doc] == 1:
            first(doc, title)
        yield statement


def place(part: Tally, summary: Summary, path: str, bases: dict[str, tuple[int, int]], tally: Tally) -> None:
    """Put a chunk's tally where the chunk stands in its file (``path``): shift each document's
    evidence by the records and characters of it before the chunk (``bases``, updated for the
    next chunk of the file), note the documents first seen, then merge into ``tally``. The
    packed blocks (all but the chunk's first document, see :func:`tally_chunk`) go on unread
    unless a document in them was met before (a file whose documents' lines are interleaved)."""
    shifts: dict[str, tuple[int, int]] = {}
    moved = False
    for k, (doc, records, chars, title) in enumerate(summary):
        base = bases.get(doc)
        if base is None:
            tally.add_source(jsonl_info(doc, path, title))
            base = (0, 0)
        elif k:
            moved = True
        shifts[doc] = base
        bases[doc] = (base[0] + records, base[1] + chars)
    if moved:
        part.unpack()
    part.evidence = [[_placed(ev, *shifts[ev.statement.source]) for ev in kept] for kept in part.evidence]
    tally.merge(part)


def _placed(ev: Evidence, records: int, chars: int) -> Evidence:
    if not records and not chars:
        return ev
    concepts = [
        attrs.evolve(c, hits=[attrs.evolve(h, start=h.start + chars, end=h.end + chars) for h in c.hits])
        for c in ev.concepts
    ]
    return attrs.evolve(ev, statement=place_statement(ev.statement, records, chars), concepts=concepts)


def matchable(statements: Iterable[Statement], include_all: bool) -> Iterator[Statement]:
    """The statements matching looks at: all with ``include_all``, else all but :data:`SKIPPED_KINDS`."""
    for s in statements:
        if include_all or s.kind not in SKIPPED_KINDS:
            yield s


class Batch(list[Statement]):
    """Statements on their way to a worker, pickled as one tuple per field rather than as
    objects: a third of the cost each way. Unpickled statements are rebuilt without running
    the validators again (they were valid Statements when the batch was made)."""

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        columns = tuple(tuple(getattr(s, name) for s in self) for name in _STATEMENT_FIELDS)
        return _unbatch, (columns,)


def _unbatch(columns: tuple[tuple[Any, ...], ...]) -> Batch:
    return Batch(itertools.starmap(trusted_statement, zip(*columns, strict=True)))


Work = Sequence[Statement] | JsonlChunk | TextFiles
"""What goes to a worker at a time: a batch of statements, a chunk of a JSONL file, or text files."""


def run(
    executor: cf.Executor,
    key: str,
    blob: bytes,
    settings: dict[str, Any],
    work: Iterable[Work],
    tally: Tally,
    progress: Callable[[int], None] | None,
    in_flight: int,
    prerender: Prerender | None = None,
) -> None:
    """Send every batch or chunk to ``executor``, at most ``in_flight`` at a time, merging
    results into ``tally`` in the order they were sent (so the first error in the input is the
    one raised, and each chunk is placed after the chunks of its file before it). The workers
    make the texts of ``prerender``, if given, of what they pack."""
    pending: deque[tuple[cf.Future[Any], JsonlChunk | TextFiles | None]] = deque()
    bases: dict[str, dict[str, tuple[int, int]]] = {}  # per JSONL file: per document, what came before
    done_statements = 0

    def collect() -> None:
        nonlocal done_statements
        future, chunk = pending.popleft()
        if chunk is None:
            part: Tally = future.result()
            tally.merge(part)
        elif isinstance(chunk, TextFiles):
            part, infos = future.result()
            for info in infos:
                tally.add_source(info)
            tally.merge(part)
        else:
            part, summary = future.result()
            place(part, summary, chunk.path, bases.setdefault(chunk.path, {}), tally)
        done_statements += part.statements
        if progress is not None:
            progress(done_statements)

    try:
        for item in work:
            if isinstance(item, JsonlChunk):
                future = executor.submit(tally_chunk, key, blob, settings, item, tally.bars(), prerender)
                pending.append((future, item))
            elif isinstance(item, TextFiles):
                pending.append((executor.submit(tally_texts, key, blob, settings, item, tally.bars(), prerender), item))
            else:
                pending.append((executor.submit(tally_batch, key, blob, settings, item, tally.bars(), prerender), None))
            if len(pending) >= in_flight:
                collect()
        while pending:
            collect()
    finally:
        for f, _chunk in pending:
            f.cancel()


def _tail_limit(chunk: JsonlChunk, limit: int, share: int) -> int:
    """``limit``, or less near the end of the chunk's file: ``1/share`` of its lines and
    those still to come, the latter estimated from the bytes left at this chunk's line length."""
    if chunk.left is None or share <= 1 or not chunk.data:
        return limit
    to_come = chunk.left * chunk.lines // len(chunk.data)
    return max(1, min(limit, (chunk.lines + to_come) // share))


def batched(statements: Iterator[Statement], size: int) -> Iterator[Batch]:
    """Consecutive batches of ``size`` statements (the last perhaps fewer)."""
    while batch := Batch(itertools.islice(statements, size)):
        yield batch


TEXT_CHARS = 100
"""Characters of text taken for a statement when text files are sized into work (an estimate
for sharing out, not part of any result)."""


def work(
    sources: Iterable[Source | SourcePart | JsonlChunk | TextFile], tally: Tally, include_all: bool, size: int,
    first: int, share: int = 1,
) -> Iterator[Work]:
    """The work of ``sources`` for the workers: their statements in batches, and JSONL chunks
    joined into runs of lines, of growing sizes: the first ``first``, each next twice the last,
    up to ``size``, so that every worker of a pool gets work at once and a short corpus still
    splits into enough pieces to share out. Near the end of a JSONL file whose size is known
    (:attr:`JsonlChunk.left`), a run holds no more than ``1/share`` of the lines still to come
    (estimated from the bytes left), so that the last pieces are small and the workers finish
    together. Text files go a few at a time, about ``first`` statements' worth of text
    (:data:`TEXT_CHARS` characters a statement). Sources are noted in ``tally`` as they pass;
    chunks' documents when placed, text files when their results come back."""
    limit = max(1, min(first, size))
    # Laying out costs far more than matching: text pieces stay at the first size, so that
    # the workers finish together.
    text_limit = limit * TEXT_CHARS
    batch: list[Statement] = []
    chunk: JsonlChunk | None = None
    texts = TextFiles()
    text_chars = 0

    def grow() -> None:
        nonlocal limit
        limit = min(size, 2 * limit)

    for source in sources:
        if isinstance(source, TextFile):
            texts.append(source)
            text_chars += len(source.text)
            if text_chars >= text_limit:
                yield texts
                texts, text_chars = TextFiles(), 0
            continue
        if isinstance(source, JsonlChunk):
            if chunk is not None and chunk.path == source.path and chunk.line + chunk.lines == source.line:
                chunk = chunk.joined(source)
            else:
                if chunk is not None:
                    yield chunk
                chunk = source
            if chunk.lines >= _tail_limit(chunk, limit, share):
                yield chunk
                chunk = None
                grow()
            continue
        tally.add_source(source.info)
        for s in matchable(source.statements, include_all):
            batch.append(s)
            if len(batch) >= limit:
                yield Batch(batch)
                batch = []
                grow()
    if chunk is not None:
        yield chunk
    if texts:
        yield texts
    if batch:
        yield Batch(batch)
