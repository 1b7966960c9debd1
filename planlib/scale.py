"""Running a match on every core or a Dask cluster, and merging tables of a corpus's parts.

:func:`planlib.match` does the work with any :class:`concurrent.futures.Executor`; this
module makes the executors the command line offers (:func:`executor`), splits statement
streams into parts (:func:`partition`) and merges the tables of parts (:func:`merge`).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from functools import reduce
from pathlib import Path
from typing import Any, TypeVar

from .errors import PlanlibError
from .results import ProvisionTable

__all__ = ["AUTO_JOBS_BYTES", "auto_jobs", "dask_executor", "executor", "merge", "partition"]

AUTO_JOBS_BYTES = 1 << 20
"""Sources of at least this many bytes in all are matched on every core when ``--jobs`` is
``auto`` (below it, starting processes costs more than it saves)."""

T = TypeVar("T")


def merge(tables: Iterable[ProvisionTable]) -> ProvisionTable:
    """The table of all parts together: tables of disjoint parts of a corpus, made with the same
    plan and settings, merge into exactly the table of the whole, in any order or grouping."""
    items = list(tables)
    if not items:
        raise ValueError("merge needs at least one table")
    return reduce(ProvisionTable.merge, items)


def auto_jobs(paths: Iterable[str | os.PathLike[str]]) -> int:
    """How many local processes ``--jobs auto`` uses for these source files and folders: one
    per core this process may use when they hold :data:`AUTO_JOBS_BYTES` or more, else 1.
    Only sizes are looked at; the table is the same whatever the answer."""
    total = 0
    for given in paths:
        path = Path(given)
        try:
            files = [path] if not path.is_dir() else [p for p in path.rglob("*") if p.is_file()]
            total += sum(p.stat().st_size for p in files)
        except OSError:
            continue  # reading it will say what is wrong
        if total >= AUTO_JOBS_BYTES:
            break
    if total < AUTO_JOBS_BYTES:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        cores = os.cpu_count() or 1
    return max(1, cores)


def partition(items: Iterable[T], parts: int) -> list[list[T]]:
    """``items`` dealt into ``parts`` lists in turn (the first item to the first list, and so on)."""
    if parts < 1:
        raise ValueError(f"parts must be at least 1, got {parts}")
    out: list[list[T]] = [[] for _ in range(parts)]
    for i, item in enumerate(items):
        out[i % parts].append(item)
    return out


@contextmanager
def dask_executor(address: str, **client_options: Any) -> Iterator[Executor]:
    """An executor running on the Dask cluster whose scheduler listens at ``address``
    (``tcp://HOST:PORT``); the client is closed on leaving. Needs ``pip install 'planlib[dask]'``."""
    try:
        distributed: Any = importlib.import_module("distributed")  # untyped; optional extra
    except ImportError:
        raise PlanlibError(
            "running on a Dask cluster needs the dask extra", where="--dask",
            hint="pip install 'planlib[dask]'",
        ) from None
    try:
        client = distributed.Client(address, **client_options)
    except (OSError, TimeoutError, ValueError) as exc:
        reason = " ".join(str(exc).split())[:200]
        raise PlanlibError(f"cannot reach the Dask scheduler at {address}: {reason}", where="--dask",
                           hint="give the scheduler's tcp://HOST:PORT") from None
    try:
        yield client.get_executor(pure=False)
    finally:
        client.close()


@contextmanager
def executor(jobs: int | None = None, dask: str | None = None, *, timeout: float = 30) -> Iterator[Executor | None]:
    """The executor the command line asks for: a Dask cluster (reached within ``timeout``
    seconds), ``jobs`` local processes, or ``None`` (match in this process) for ``jobs`` of 1
    or none given."""
    if dask is not None:
        with dask_executor(dask, timeout=timeout) as ex:
            yield ex
        return
    if jobs is None or jobs <= 1:
        yield None
        return
    from concurrent.futures import ProcessPoolExecutor  # here: it brings multiprocessing, which one process does not need

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield pool
