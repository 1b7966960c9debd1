"""Who speaks in a set of sources: canonical speakers, the spellings seen, and unknown names."""

from __future__ import annotations

from collections.abc import Iterable

import attrs
from attrs import field

from ..model import Source
from ..people import Registry, load_people

__all__ = ["SpeakerCount", "SpeakerIndex", "speaker_index"]


def _str_tuple(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen
class SpeakerCount:
    """One speaker: the name shown, the ways sources wrote it, and how many statements."""

    name: str
    variants: tuple[str, ...] = field(converter=_str_tuple)
    statements: int
    known: bool


def _counts(value: Iterable[SpeakerCount]) -> tuple[SpeakerCount, ...]:
    return tuple(value)


@attrs.frozen
class SpeakerIndex:
    """Speakers of some sources: registry people first (``known``), then names left as written."""

    speakers: tuple[SpeakerCount, ...] = field(converter=_counts)

    @property
    def known(self) -> tuple[SpeakerCount, ...]:
        """Speakers that resolved to a person of the registry."""
        return tuple(s for s in self.speakers if s.known)

    @property
    def unknown(self) -> tuple[SpeakerCount, ...]:
        """Speakers no registry person fits, kept as written."""
        return tuple(s for s in self.speakers if not s.known)

    def to_dict(self) -> dict[str, list[dict[str, object]]]:
        """The index as JSON-ready data: ``{"speakers": [...], "unknown": [...]}``."""
        def row(s: SpeakerCount) -> dict[str, object]:
            return {"name": s.name, "variants": list(s.variants), "statements": s.statements}

        return {"speakers": [row(s) for s in self.known], "unknown": [row(s) for s in self.unknown]}


def speaker_index(sources: Iterable[Source], *, registry: Registry | None = None) -> SpeakerIndex:
    """Count the statements of each speaker (turn labels and prose attributions alike).

    Speakers are sorted by statement count (descending), then name, so output is stable.
    A variant is a name as a source wrote it (a turn label, a name in prose).
    """
    reg = registry if registry is not None else load_people()
    counts: dict[str, int] = {}
    variants: dict[str, set[str]] = {}
    for source in sources:
        for s in source.statements:
            if s.speaker is None or s.kind == "label":
                continue
            counts[s.speaker] = counts.get(s.speaker, 0) + 1
            seen = variants.setdefault(s.speaker, set())
            if s.label:
                seen.add(s.label)
    rows = [
        SpeakerCount(name, sorted(variants[name]), n, reg.person(name) is not None)
        for name, n in counts.items()
    ]
    rows.sort(key=lambda r: (not r.known, -r.statements, r.name))
    return SpeakerIndex(rows)
