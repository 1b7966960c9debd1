"""A one-line progress counter on standard error while sources are read, shown only on a terminal."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO, TypeVar

from ..model import Source
from ..sources import JsonlChunk, SourcePart, TextFile

_S = TypeVar("_S", bound=Source | SourcePart | JsonlChunk | TextFile)  # a source, a streamed part, a raw chunk or file

__all__ = ["Progress"]


class Progress:
    """Counts files and statements as they pass and redraws one line, at most every ``interval`` seconds.

    Silent unless ``stream`` (standard error by default) is a terminal, so piped and redirected
    runs, logs and tests see nothing. The line is erased when the sources run out.
    """

    def __init__(
        self, stream: TextIO | None = None, *, interval: float = 0.1, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _isatty(self.stream)
        self.interval = interval
        self.clock = clock
        self.files = 0
        self.statements = 0
        self._path: str | None = None
        self._drawn = 0
        self._spins = 0
        self._last: float | None = None

    def track(self, sources: Iterable[_S]) -> Iterator[_S]:
        """Yield the sources (or streamed source parts, chunks or text files) unchanged, counting
        the files they come from (a file's pieces come one after another) and their statements
        (a chunk's lines, blank ones too: it is not parsed yet; none for a text file not yet
        laid out)."""
        try:
            for source in sources:
                path = source.info["path"] if isinstance(source, SourcePart) else source.path
                if path != self._path:
                    self.files += 1
                    self._path = path
                if isinstance(source, JsonlChunk):
                    self.statements += source.lines
                elif not isinstance(source, TextFile):  # a text file's statements are known once it is laid out
                    self.statements += len(source.statements)
                self._draw()
                yield source
        finally:
            self.close()

    def line(self) -> str:
        """The text of the progress line."""
        spin = "|/-\\"[self._spins % 4]
        files = f"{self.files:,} file" + ("" if self.files == 1 else "s")
        if not self.statements and self.files:  # text files passed on unread: only files to count
            return f"planlib: {spin} reading sources: {files}"
        return f"planlib: {spin} reading sources: {files}, {self.statements:,} statements"

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = self.clock()
        if not force and self._last is not None and now - self._last < self.interval:
            return
        self._last = now
        self._spins += 1
        text = self.line()
        self.stream.write("\r" + text + " " * max(0, self._drawn - len(text)))
        self.stream.flush()
        self._drawn = len(text)

    def close(self) -> None:
        """Erase the progress line (nothing to do when silent or never drawn)."""
        if self.enabled and self._drawn:
            self.stream.write("\r" + " " * self._drawn + "\r")
            self.stream.flush()
            self._drawn = 0


def _isatty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
