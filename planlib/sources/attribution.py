"""Who says or is cited for each prose sentence, and through which outlet, from data cues."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Statement
from ..people import Registry
from .cues import Cues

__all__ = ["attribute"]


def attribute(statements: Sequence[Statement], *, registry: Registry, cues: Cues) -> list[Statement]:
    """The statements with ``speaker``, ``outlet``, ``cited`` and ``cue`` filled in for prose.

    Transcript turns keep the speaker their label gives. This first version attributes
    nothing else; the cue rules of ``data/cues.toml`` drive the full version.
    """
    return list(statements)
