"""The one tree of exceptions planlib raises, each saying where the problem lies."""

from __future__ import annotations

__all__ = [
    "GoldFormatError",
    "PlanFormatError",
    "PlanlibError",
    "RegistryFormatError",
    "SourceError",
    "SourceFormatError",
]


class PlanlibError(Exception):
    """Root of every error planlib raises on purpose.

    ``where`` names the file (and line, record or field) at fault; ``hint`` says what to do.
    ``str(error)`` is one readable line: ``where: what is wrong (hint)``.
    """

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None) -> None:
        self.message = message
        self.where = where
        self.hint = hint
        super().__init__(self._line())

    def _line(self) -> str:
        line = f"{self.where}: {self.message}" if self.where else self.message
        return f"{line} ({self.hint})" if self.hint else line


class PlanFormatError(PlanlibError, ValueError):
    """A plan file is not valid TOML or breaks the documented plan format."""


class RegistryFormatError(PlanlibError, ValueError):
    """A data file (people, places, cues, lexicon) breaks its documented format."""


class SourceError(PlanlibError, OSError):
    """A source cannot be read at all: missing, unreadable, binary, a folder with nothing in it."""


class SourceFormatError(PlanlibError, ValueError):
    """A source is readable but malformed: bad encoding, a bad JSONL record."""


class GoldFormatError(PlanlibError, ValueError):
    """A labelled-links (gold) file breaks the documented format."""
