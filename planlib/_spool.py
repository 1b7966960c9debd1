"""Evidence kept on disk while a run reads: sorted runs in a temporary file, read back merged.

A run that lists every piece of evidence (``top=None``, the default) holds what it finds, and on
a large corpus that is most of its memory. :class:`~planlib.results.Tally` writes its evidence
out here now and then, each provision's sorted, and the table reads each provision's runs back
merged in rank order, a block at a time, whenever it is iterated: the same evidence, in the
same order, with memory that does not grow with the corpus.
"""

from __future__ import annotations

import heapq
import itertools
import os
import pickle
import tempfile
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from operator import itemgetter
from typing import Any, Protocol, overload

from .errors import PlanlibError
from .model import Evidence

__all__ = ["BLOCK", "Prerender", "Run", "Spool", "SpooledEvidence", "Texts", "pack", "pack_texts", "unpack"]

BLOCK = 256
"""Evidence pickled together, and read back together: what iterating a run holds at once."""

Run = tuple[tuple[int, int], ...]
"""One sorted run in a spool's file: the offset and size of each of its blocks, in order."""


class Prerender(Protocol):
    """Evidence made into text ahead of writing, where it is found (on a worker): a picklable
    callable, and a ``key`` naming the text it makes (a format, an indent), so that a writer
    takes only text it would have made the same (:meth:`SpooledEvidence.texts`)."""

    @property
    def key(self) -> Hashable:
        """What names the text: equal keys make equal text of the same evidence."""
        ...

    def __call__(self, ev: Evidence, /) -> str:
        """The text of one piece of evidence."""
        ...


Texts = tuple[Hashable, Run]
"""The texts a :class:`Prerender` made of a run's evidence: its key, and where they lie in the spool."""


class Spool:
    """A temporary file of sorted runs of evidence, ``block`` pieces (default :data:`BLOCK`) to a
    pickle (the file is deleted when closed or collected)."""

    def __init__(self, block: int | None = None) -> None:
        self.block = BLOCK if block is None else block
        try:
            self._file = tempfile.TemporaryFile(prefix="planlib-evidence-", buffering=0)
        except OSError as exc:
            raise _failed("cannot make a temporary file for the evidence", exc) from None
        self._end = 0
        self._lock = threading.Lock()  # reads from several threads, where os.pread is missing

    def write(self, items: Sequence[Evidence]) -> Run:
        """Write ``items`` (already in rank order) as one run."""
        return tuple(self._append(pack(items[start:start + self.block])) for start in range(0, len(items), self.block))

    def write_packed(self, data: bytes) -> Run:
        """Write one block that :func:`pack` made (its evidence in rank order) as a run, unread."""
        return (self._append(data),)

    def read_texts(self, run: Run) -> Iterator[tuple[tuple[float, str, int, int, str], str]]:
        """The (sort key, text) pairs of a run :func:`pack_texts` made, in order."""
        for offset, size in run:
            data = self._checked(offset, size)
            pairs: list[tuple[tuple[float, str, int, int, str], str]] = pickle.loads(data)
            yield from pairs

    def _checked(self, offset: int, size: int) -> bytes:
        try:
            data = self._read(offset, size)
        except OSError as exc:
            raise _failed("cannot read evidence back from its temporary file", exc) from None
        if len(data) != size:
            raise _failed("cannot read evidence back from its temporary file", OSError("it was cut short"))
        return data

    def _append(self, data: bytes) -> tuple[int, int]:
        try:
            with self._lock:
                self._file.seek(self._end)
                self._file.write(data)
        except OSError as exc:
            raise _failed("cannot write evidence to its temporary file", exc) from None
        self._end += len(data)
        return self._end - len(data), len(data)

    def read(self, run: Run) -> Iterator[Evidence]:
        """The evidence of one run, in order, a block at a time."""
        for offset, size in run:
            yield from unpack(self._checked(offset, size))

    def _read(self, offset: int, size: int) -> bytes:
        if hasattr(os, "pread"):  # one call, no shared position: safe from any thread
            return os.pread(self._file.fileno(), size, offset)
        with self._lock:
            self._file.seek(offset)
            return self._file.read(size) or b""

    def close(self) -> None:
        """Delete the file now (it is deleted when collected anyway)."""
        self._file.close()


def pack(items: Sequence[Evidence]) -> bytes:
    """``items`` as one block of a spool: pickled together, in the order given."""
    return pickle.dumps(list(items), protocol=pickle.HIGHEST_PROTOCOL)


def pack_texts(items: Sequence[Evidence], render: Callable[[Evidence], str]) -> bytes:
    """The text ``render`` makes of each of ``items`` (in rank order), with its sort key, as one
    block of a spool (:meth:`Spool.read_texts` reads it back)."""
    return pickle.dumps([(ev.sort_key, render(ev)) for ev in items], protocol=pickle.HIGHEST_PROTOCOL)


def unpack(data: bytes) -> list[Evidence]:
    """The evidence of a block :func:`pack` made."""
    items: list[Evidence] = pickle.loads(data)
    return items


def _failed(what: str, exc: OSError) -> PlanlibError:
    reason = exc.strerror or str(exc)
    return PlanlibError(f"{what}: {reason}", where=tempfile.gettempdir(),
                        hint="free some space there, set TMPDIR to a folder with room, or give --top N")


_first, _second = itemgetter(0), itemgetter(1)


def _rank(ev: Evidence) -> tuple[float, str, int, int, str]:
    return ev.sort_key


class SpooledEvidence(Sequence[Evidence]):
    """A provision's evidence, best first, part of it in a :class:`Spool`: a read-only sequence
    that reads the spool each time it is iterated, and compares equal to the tuple of the same
    evidence. Indexing walks to the item; ``tuple(...)`` gives it all in memory; pickled, it
    is that tuple. ``texts``: for each run, the text a :class:`Prerender` made of its evidence
    (where one did), which :meth:`texts` gives instead of making it again."""

    def __init__(
        self, spool: Spool, runs: Iterable[Run], rest: Iterable[Evidence], count: int,
        texts: Iterable[Texts | None] | None = None,
    ) -> None:
        self._spool = spool
        self._runs = tuple(runs)
        self._rest = tuple(rest)
        self._count = count
        self._texts = tuple(texts) if texts is not None else (None,) * len(self._runs)
        if len(self._texts) != len(self._runs):
            raise ValueError("texts must be given for each run, or None")

    def texts(self, render: Prerender) -> Iterator[str]:
        """``render(ev)`` of each piece, in order: the text made ahead where a prerender of the
        same key made it (read from the spool, the evidence left unread), else made now."""
        key = render.key

        def made(run: Run, texts: Texts | None) -> Iterator[tuple[tuple[float, str, int, int, str], str]]:
            if texts is not None and texts[0] == key:
                return self._spool.read_texts(texts[1])
            return ((ev.sort_key, render(ev)) for ev in self._spool.read(run))

        streams = [made(run, texts) for run, texts in zip(self._runs, self._texts, strict=True)]
        streams.append((ev.sort_key, render(ev)) for ev in self._rest)
        return map(_second, heapq.merge(*streams, key=_first))

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Evidence]:
        return heapq.merge(*(self._spool.read(run) for run in self._runs), self._rest, key=_rank)

    @overload
    def __getitem__(self, index: int) -> Evidence: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Evidence, ...]: ...

    def __getitem__(self, index: int | slice) -> Evidence | tuple[Evidence, ...]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._count)
            if step > 0:
                return tuple(itertools.islice(self, start, stop, step))
            return tuple(self)[index]
        i = index + self._count if index < 0 else index
        if not 0 <= i < self._count:
            raise IndexError("evidence index out of range")
        return next(itertools.islice(self, i, None))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, (tuple, SpooledEvidence)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return tuple, (tuple(self),)

    def __repr__(self) -> str:
        return f"SpooledEvidence({self._count} pieces, {len(self._runs)} runs on disk)"
