"""RFC 4180 CSV, one row per (provision, evidence), safe to open in a spreadsheet and read back."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from ..results import ProvisionTable
from ._common import by_source

__all__ = ["COLUMNS", "LAYOUT_COLUMNS", "iter_csv", "neutralise", "read_csv", "render_csv", "restore", "rows"]

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
    names = LAYOUT_COLUMNS[layout]
    return [dict(zip(names, map(_text, values), strict=True)) for values in _values(table, layout)]


def _values(table: ProvisionTable, layout: str) -> Iterator[list[object]]:
    """Each row's values, made as they are asked for."""
    if layout == "coverage":
        for r in table.rows:
            yield [r.provision.id, r.provision.ref, r.provision.title, ";".join(r.provision.tags), r.support,
                   len(r.supporting_sources), r.conflicts]
    elif layout == "source":
        for g in by_source(table):
            s = g.statement
            for p, ev in g.links:
                yield [s.source, s.path, s.id, s.start, s.end, s.text, s.speaker, s.outlet, p.id, p.ref,
                       f"{ev.score:.1f}"]
    else:
        for r in table.rows:
            for ev in r.evidence:
                s = ev.statement
                yield [r.provision.id, r.provision.ref, r.provision.title, f"{ev.score:.1f}", ";".join(ev.flags),
                       s.source, s.path, s.id, s.start, s.end, s.kind, s.speaker, s.outlet, s.cited, s.text,
                       ev.explain()]


_ROWS_A_PIECE = 256


def iter_csv(table: ProvisionTable, layout: str = "provision") -> Iterator[str]:
    """:func:`render_csv` in pieces of a few hundred rows, each row made as it is written (what
    ``planlib table --format csv`` writes), so a table of many rows is never held whole."""
    buf = io.StringIO(newline="")
    out = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    out.writerow(LAYOUT_COLUMNS[layout])
    for n, values in enumerate(_values(table, layout), 1):
        out.writerow([neutralise(_text(v)) for v in values])
        if n % _ROWS_A_PIECE == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def render_csv(table: ProvisionTable, layout: str = "provision") -> str:
    """The table as CSV text: a header row, CRLF line ends and quoting as RFC 4180 gives, UTF-8 safe."""
    return "".join(iter_csv(table, layout))


def read_csv(text: str) -> list[dict[str, str]]:
    """Rows of CSV text written by :func:`render_csv`, neutralising undone: ``read_csv(render_csv(t, l)) == rows(t, l)``."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return []
    return [dict(zip(header, map(restore, values), strict=True)) for values in reader]
