"""What every renderer shares: the version stamp, highlight spans, and rows by layout."""

from __future__ import annotations

import attrs

from .._version import __version__
from ..model import Evidence, Provision, Statement
from ..results import ProvisionRow, ProvisionTable

__all__ = ["Cell", "SourceGroup", "by_source", "covered", "highlights", "level", "matrix", "version"]


def version() -> str:
    """The planlib version, as the package was built with it (``planlib.__version__``)."""
    return __version__


def highlights(ev: Evidence) -> list[tuple[int, int]]:
    """Spans of matched terms within the evidence text (local offsets), disjoint and sorted.

    Hits outside the statement's span are clipped away, so a span always slices the text.
    """
    base, size = ev.statement.start, len(ev.statement.text)
    spans = sorted(
        {(max(h.start - base, 0), min(h.end - base, size)) for c in ev.concepts for h in c.hits}
    )
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


@attrs.frozen
class SourceGroup:
    """One statement with every provision it supports (plan order), for the by-source layout."""

    statement: Statement
    links: tuple[tuple[Provision, Evidence], ...]

    @property
    def best(self) -> float:
        """The highest score among the statement's links."""
        return max(ev.score for _p, ev in self.links)


def by_source(table: ProvisionTable) -> list[SourceGroup]:
    """Statements with the provisions they support, in source, start, end, id order.

    Only the evidence the table lists (at most ``top`` per provision) is grouped.
    """
    groups: dict[str, list[tuple[Provision, Evidence]]] = {}
    stmts: dict[str, Statement] = {}
    for row in table.rows:
        for ev in row.evidence:
            groups.setdefault(ev.statement.id, []).append((row.provision, ev))
            stmts.setdefault(ev.statement.id, ev.statement)
    order = sorted(stmts.values(), key=lambda s: (s.source, s.start, s.end, s.id))
    return [SourceGroup(s, tuple(groups[s.id])) for s in order]


@attrs.frozen
class Cell:
    """One cell of the provisions × sources matrix.

    ``scores`` are the listed evidence scores from that source (best first); ``supported``
    is true when the source supports the provision even if none of it is listed (beyond ``top``).
    """

    source: str
    scores: tuple[float, ...]
    supported: bool

    @property
    def best(self) -> float | None:
        """The best listed score, or ``None`` when nothing from this source is listed."""
        return self.scores[0] if self.scores else None


def matrix(table: ProvisionTable) -> list[tuple[ProvisionRow, list[Cell]]]:
    """For each row, one cell per source of the table (in the table's source order)."""
    ids = [str(s["id"]) for s in table.sources]
    out = []
    for row in table.rows:
        per: dict[str, list[float]] = {i: [] for i in ids}
        for ev in row.evidence:
            per.setdefault(ev.statement.source, []).append(ev.score)
        cells = [Cell(i, tuple(sorted(per[i], reverse=True)), i in row.supporting_sources) for i in ids]
        out.append((row, cells))
    return out


def level(score: float | None) -> int:
    """The heat-map shade of a best score: 0 none, 1 below 70, 2 below 80, 3 below 90, 4 from 90."""
    if score is None:
        return 0
    return 1 + sum(score >= bound for bound in (70.0, 80.0, 90.0))


def covered(table: ProvisionTable) -> int:
    """How many provisions have at least one supporting statement."""
    return sum(1 for r in table.rows if r.support)
