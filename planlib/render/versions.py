"""Tables of several plan versions in every format, with the version each statement fits best."""

from __future__ import annotations

import csv
import io
import re
from html import escape
from typing import Any

from ..versions import BestVersion, MultiTable
from ._common import version
from .csv import neutralise, render_csv
from .html import render_html
from .json import dumps, layout_dict
from .markdown import cell, render_markdown

__all__ = ["MULTI_FORMATS", "best_dict", "multi_csv", "multi_dict", "multi_html", "multi_json", "multi_markdown"]


def best_dict(b: BestVersion) -> dict[str, Any]:
    """One statement's best version as the contract lists it."""
    s = b.evidence.statement
    return {
        "statement": s.id, "source": s.source, "path": s.path, "start": s.start, "end": s.end, "text": s.text,
        "plan": b.plan, "provision": b.evidence.provision, "ref": b.ref, "score": b.evidence.score,
        "conflicts": [{"plan": p, "provision": pr} for p, pr in b.conflicts],
    }


def multi_dict(multi: MultiTable, layout: str = "provision") -> dict[str, Any]:
    """The contract's dict: every plan's table (as one plan prints it in ``layout``), then the best versions."""
    return {
        "planlib": version(),
        "plans": [layout_dict(t, layout) for t in multi.tables],
        "best_version": [best_dict(b) for b in multi.best],
    }


def multi_json(multi: MultiTable, layout: str = "provision") -> str:
    """The tables as JSON text, each plan's in ``layout`` as for one plan."""
    return dumps(multi_dict(multi, layout))


def _best_rows(multi: MultiTable) -> list[str]:
    lines = ["| Statement | Source | Best version | Provision | Score | Conflicting figure in |",
             "|---|---|---|---|---:|---|"]
    for b in multi.best:
        s = b.evidence.statement
        where = f"`{s.path}:{s.start}-{s.end}`".replace("|", "\\|")
        conflicts = ", ".join(f"{cell(p)} {cell(pr)}" for p, pr in b.conflicts) or "—"
        lines.append(
            f"| {cell(s.text)} | {where} | {cell(b.plan)} | {cell(b.ref)} {cell(b.evidence.provision)} "
            f"| {b.evidence.score:.1f} | {conflicts} |"
        )
    return lines


def multi_markdown(multi: MultiTable, layout: str = "provision") -> str:
    """Each plan's table in turn, then which version each statement supports best."""
    parts = [render_markdown(t, layout=layout) for t in multi.tables]
    best = ["# Best version per statement", "", *_best_rows(multi)]
    return "\n".join(parts) + "\n" + "\n".join(best) + "\n"


def multi_csv(multi: MultiTable, layout: str = "provision") -> str:
    """One CSV: a ``plan`` column before each plan's rows of the layout, one header."""
    buf = io.StringIO(newline="")
    out = csv.writer(buf, lineterminator="\r\n")
    header_done = False
    for t in multi.tables:
        rows = list(csv.reader(io.StringIO(render_csv(t, layout=layout), newline="")))
        if not header_done:
            out.writerow(["plan", *rows[0]])
            header_done = True
        for r in rows[1:]:
            out.writerow([neutralise(t.plan.id), *r])
    return buf.getvalue()


def multi_html(multi: MultiTable, layout: str = "provision") -> str:
    """One self-contained page: each plan's table, then the best version per statement."""
    pages = [render_html(t, layout=layout) for t in multi.tables]
    head = pages[0].split("<body>", 1)[0]
    bodies = [_section(p.split("<body>", 1)[1].rsplit("</body>", 1)[0], i, i == 0) for i, p in enumerate(pages)]
    titles = " · ".join(t.plan.title for t in multi.tables)
    head = head.split("<title>", 1)[0] + f"<title>{escape(titles)}</title><style>" + head.split("<style>", 1)[1]
    rows = []
    for b in multi.best:
        s = b.evidence.statement
        conflicts = ", ".join(f"{p} {pr}" for p, pr in b.conflicts)
        rows.append(
            f"<tr><td>{escape(s.text)}</td><td>{escape(s.path)}:{s.start}-{s.end}</td><td>{escape(b.plan)}</td>"
            f"<td>{escape(b.ref)} {escape(b.evidence.provision)}</td><td>{b.evidence.score:.1f}</td>"
            f"<td>{escape(conflicts)}</td></tr>"
        )
    best = [
        "<h1>Best version per statement</h1>",
        "<table><thead><tr><th>Statement</th><th>Source</th><th>Best version</th><th>Provision</th>"
        "<th>Score</th><th>Conflicting figure in</th></tr></thead><tbody>", *rows, "</tbody></table>",
    ]
    return head + "<body>" + "\n".join(bodies) + "\n" + "\n".join(best) + "\n</body></html>\n"


def _section(body: str, n: int, first: bool) -> str:
    """One plan's page body made fit to share a page: the filters form and script kept only in
    the first section (the script filters the whole page), anchors of the others numbered per
    plan so that no id repeats."""
    if first:
        return body
    body = re.sub(r'<form class="filters" id="filters".*?</form>', "", body, flags=re.S)
    body = re.sub(r"<script>.*?</script>", "", body, flags=re.S)
    return re.sub(r'(id="|href="#)([^"]*)"', lambda m: f'{m.group(1)}v{n}-{m.group(2)}"', body)


MULTI_FORMATS = {"md": multi_markdown, "csv": multi_csv, "json": multi_json, "html": multi_html}
"""Output formats of several plans' tables by name."""
