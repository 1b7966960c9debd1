"""RFC 4180 CSV, one row per (provision, evidence), safe to open in a spreadsheet and read back."""

from __future__ import annotations

import csv
import io

from ..results import ProvisionTable
from ._common import by_source

__all__ = ["COLUMNS", "LAYOUT_COLUMNS", "neutralise", "read_csv", "render_csv", "restore", "rows"]

COLUMNS = (
    "provision", "ref", "title", "score", "flags", "source", "path", "statement", "start", "end",
    "kind", "speaker", "outlet", "cited", "text", "explanation",
)
"""Columns of the provision layout, in order."""

LAYOUT_COLUMNS: dict[str, tuple[str, ...]] = {
    "provision": COLUMNS,
    "source": (
        "source", "path", "statement", "start", "end", "text", "speaker", "outlet", "provision", "ref", "score",
    ),
    "coverage": ("provision", "ref", "title", "tags", "support", "sources", "conflicts"),
}
"""Columns of each layout, in order."""

_FORMULA = ("=", "+", "-", "@", "\t", "\r", "'")


def neutralise(value: str) -> str:
    """A cell a spreadsheet will not run as a formula: a ``'`` put before a leading = + - @ tab or CR.

    A leading ``'`` gets one more, so :func:`restore` can always take exactly one away.
    """
    return "'" + value if value.startswith(_FORMULA) else value


def restore(value: str) -> str:
    """The cell as it was before :func:`neutralise`."""
    return value[1:] if value.startswith("'") else value


def _text(value: object) -> str:
    return "" if value is None else str(value)


def rows(table: ProvisionTable, layout: str = "provision") -> list[dict[str, str]]:
    """The rows the CSV holds, as text (unknown values as empty text), before neutralising."""
    out: list[list[object]] = []
    if layout == "coverage":
        for r in table.rows:
            out.append([r.provision.id, r.provision.ref, r.provision.title, ";".join(r.provision.tags), r.support,
                        len(r.supporting_sources), r.conflicts])
    elif layout == "source":
        for g in by_source(table):
            s = g.statement
            for p, ev in g.links:
                out.append([s.source, s.path, s.id, s.start, s.end, s.text, s.speaker, s.outlet, p.id, p.ref,
                            f"{ev.score:.1f}"])
    else:
        for r in table.rows:
            for ev in r.evidence:
                s = ev.statement
                out.append([r.provision.id, r.provision.ref, r.provision.title, f"{ev.score:.1f}", ";".join(ev.flags),
                            s.source, s.path, s.id, s.start, s.end, s.kind, s.speaker, s.outlet, s.cited, s.text,
                            ev.explain()])
    names = LAYOUT_COLUMNS[layout]
    return [dict(zip(names, map(_text, values), strict=True)) for values in out]


def render_csv(table: ProvisionTable, layout: str = "provision") -> str:
    """The table as CSV text: a header row, CRLF line ends and quoting as RFC 4180 gives, UTF-8 safe."""
    buf = io.StringIO(newline="")
    out = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    names = LAYOUT_COLUMNS[layout]
    out.writerow(names)
    for row in rows(table, layout):
        out.writerow([neutralise(row[n]) for n in names])
    return buf.getvalue()


def read_csv(text: str) -> list[dict[str, str]]:
    """Rows of CSV text written by :func:`render_csv`, neutralising undone: ``read_csv(render_csv(t, l)) == rows(t, l)``."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return []
    return [dict(zip(header, map(restore, values), strict=True)) for values in reader]
