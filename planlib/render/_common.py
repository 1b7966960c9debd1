"""What every renderer shares: the version stamp, highlight spans, and rows by layout."""

from __future__ import annotations

from importlib import metadata

from ..model import Evidence

__all__ = ["highlights", "version"]


def version() -> str:
    """The installed planlib version (``0+unknown`` when run from an uninstalled checkout)."""
    try:
        return metadata.version("planlib")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def highlights(ev: Evidence) -> list[tuple[int, int]]:
    """Spans of matched terms within the evidence text (local offsets), disjoint and sorted."""
    base = ev.statement.start
    spans = sorted({(h.start - base, h.end - base) for c in ev.concepts for h in c.hits})
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def by_source(table: object) -> list[tuple[str, list[tuple[Evidence, str]]]]:
    """Statements with the provisions they support: (statement id, [(evidence, provision ref)]),
    in source then text order."""
    from ..results import ProvisionTable

    assert isinstance(table, ProvisionTable)
    groups: dict[str, list[tuple[Evidence, str]]] = {}
    for row in table.rows:
        for ev in row.evidence:
            groups.setdefault(ev.statement.id, []).append((ev, row.provision.ref))
    def key(item: tuple[str, list[tuple[Evidence, str]]]) -> tuple[str, int, int, str]:
        s = item[1][0][0].statement
        return (s.source, s.start, s.end, s.id)
    return sorted(groups.items(), key=key)
