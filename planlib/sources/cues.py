"""Reading cues from ``data/cues.toml``: what marks boilerplate, datelines and Q&A labels."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import attrs
from attrs import field

from .. import _data
from ..errors import RegistryFormatError

__all__ = ["Cues", "load_cues"]


def _patterns(table: dict[str, Any], key: str, where: str) -> tuple[re.Pattern[str], ...]:
    raw = table.get(key, [])
    if not isinstance(raw, list) or not all(isinstance(p, str) for p in raw):
        raise RegistryFormatError(f"{key} must be a list of regular expressions", where=where)
    out = []
    for pattern in raw:
        try:
            out.append(re.compile(pattern, re.IGNORECASE))
        except re.error as exc:
            raise RegistryFormatError(f"{key}: bad pattern {pattern!r}: {exc}", where=where) from None
    return tuple(out)


@attrs.frozen
class Cues:
    """Compiled block cues; ``extra`` keeps the rest of the file for the attribution rules."""

    boilerplate: tuple[re.Pattern[str], ...] = ()
    boilerplate_tail: tuple[re.Pattern[str], ...] = ()
    dateline: tuple[re.Pattern[str], ...] = ()
    question_labels: frozenset[str] = frozenset()
    answer_labels: frozenset[str] = frozenset()
    not_labels: frozenset[str] = frozenset()
    phrase_words: frozenset[str] = frozenset()
    extra: dict[str, Any] = field(factory=dict, eq=False, repr=False)

    @classmethod
    def from_toml(cls, table: dict[str, Any], where: str) -> Cues:
        """Build from a parsed cues file, naming ``where`` in any error."""
        blocks = table.get("blocks", {})
        if not isinstance(blocks, dict):
            raise RegistryFormatError("[blocks] must be a table", where=where)
        return cls(
            boilerplate=_patterns(blocks, "boilerplate", where),
            boilerplate_tail=_patterns(blocks, "boilerplate_tail", where),
            dateline=_patterns(blocks, "dateline", where),
            question_labels=frozenset(str(x).casefold() for x in blocks.get("question_labels", [])),
            answer_labels=frozenset(str(x).casefold() for x in blocks.get("answer_labels", [])),
            not_labels=frozenset(str(x).casefold() for x in blocks.get("not_labels", [])),
            phrase_words=frozenset(str(x).casefold() for x in blocks.get("phrase_words", [])),
            extra={k: v for k, v in table.items() if k not in ("blocks", "format")},
        )

    def is_qa_label(self, label: str) -> bool:
        """Whether a turn label is a question or answer label (``Q``, ``Answer``), which names no one."""
        key = label.casefold()
        return key in self.question_labels or key in self.answer_labels

    def is_boilerplate(self, block: str) -> bool:
        """Whether a block is page furniture."""
        return any(p.search(block) for p in self.boilerplate)

    def starts_tail(self, block: str) -> bool:
        """Whether a block opens the furniture that runs to the end of the source."""
        return any(p.search(block) for p in self.boilerplate_tail)

    def is_dateline(self, block: str) -> bool:
        """Whether a short block is a date line."""
        return any(p.search(block) for p in self.dateline)


def load_cues(path: Path | str | None = None) -> Cues:
    """Read a cues file (the bundled ``data/cues.toml`` by default)."""
    if path is None:
        return _bundled()
    p = Path(path)
    return Cues.from_toml(_data.load_toml(p), str(p))


@cache
def _bundled() -> Cues:
    p = _data.data_file("cues.toml")
    return Cues.from_toml(_data.load_toml(p), str(p))
