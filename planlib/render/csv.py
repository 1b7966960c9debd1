"""RFC 4180 CSV, one row per (provision, evidence), safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

from ..results import ProvisionTable
from ._common import by_source

__all__ = ["COLUMNS", "neutralise", "render_csv"]

COLUMNS = (
    "provision", "ref", "title", "score", "flags", "source", "path", "statement", "start", "end",
    "kind", "speaker", "outlet", "cited", "text", "explanation",
)
"""Columns of the provision layout, in order."""

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """A cell a spreadsheet will not run as a formula: a leading ``'`` before = + - @ tab CR."""
    return "'" + value if value.startswith(_FORMULA) else value


def render_csv(table: ProvisionTable, layout: str = "provision") -> str:
    """The table as CSV text (CRLF line ends, as RFC 4180 gives)."""
    buf = io.StringIO(newline="")
    out = csv.writer(buf, lineterminator="\r\n")

    def row(values: list[object]) -> None:
        out.writerow([neutralise(v) if isinstance(v, str) else ("" if v is None else v) for v in values])

    if layout == "coverage":
        row(["provision", "ref", "title", "tags", "support", "sources", "conflicts"])
        for r in table.rows:
            row([r.provision.id, r.provision.ref, r.provision.title, ";".join(r.provision.tags), r.support,
                 len(r.supporting_sources), r.conflicts])
        return buf.getvalue()
    if layout == "source":
        row(["source", "path", "statement", "start", "end", "text", "speaker", "outlet", "provision", "ref", "score"])
        for _sid, items in by_source(table):
            for ev, ref in items:
                s = ev.statement
                row([s.source, s.path, s.id, s.start, s.end, s.text, s.speaker, s.outlet, ev.provision, ref,
                     f"{ev.score:.1f}"])
        return buf.getvalue()
    row(list(COLUMNS))
    for r in table.rows:
        for ev in r.evidence:
            s = ev.statement
            row([r.provision.id, r.provision.ref, r.provision.title, f"{ev.score:.1f}", ";".join(ev.flags),
                 s.source, s.path, s.id, s.start, s.end, s.kind, s.speaker, s.outlet, s.cited, s.text, ev.explain()])
    return buf.getvalue()
