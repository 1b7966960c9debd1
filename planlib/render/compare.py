"""A plan comparison as Markdown, CSV, JSON or HTML (the versions side by side), byte-identical on every run."""

from __future__ import annotations

import csv
import io
from html import escape
from typing import Any

from ..compare import Change, Comparison
from ..model import Provision
from ._common import version
from .csv import neutralise
from .json import dumps
from .markdown import cell

__all__ = ["COMPARE_FORMATS", "comparison_csv", "comparison_dict", "comparison_html", "comparison_markdown"]


def _side(p: Provision | None) -> dict[str, str] | None:
    return None if p is None else {"id": p.id, "ref": p.ref}


def _num(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def change_dict(c: Change) -> dict[str, Any]:
    """One change as the contract lists it."""
    report = None
    if c.report is not None:
        report = {"id": c.report.id, "ref": c.report.ref, "reported_by": list(c.report.reported_by),
                  "confirmed": c.report.confirmed, "note": c.report.note}
    return {
        "status": c.status, "old": _side(c.old), "new": _side(c.new), "similarity": c.similarity,
        "figures": [{"old": _num(f.old), "new": _num(f.new)} for f in c.figures],
        "explanation": c.explanation,
        "places": {"added": list(c.places_added), "removed": list(c.places_removed)},
        "actors": {"added": list(c.actors_added), "removed": list(c.actors_removed)},
        "negations": {"added": list(c.negations_added), "removed": list(c.negations_removed)},
        "diff": [{"op": op, "text": text} for op, text in c.diff],
        "report": report,
    }


def comparison_dict(cmp: Comparison) -> dict[str, Any]:
    """The whole comparison as the contract's dict."""
    return {
        "planlib": version(),
        "old": {"id": cmp.old.id, "title": cmp.old.title},
        "new": {"id": cmp.new.id, "title": cmp.new.title},
        "counts": cmp.counts(),
        "changes": [change_dict(c) for c in cmp.changes],
        "unreported": {"old": [_side(p) for p in cmp.unreported_old], "new": [_side(p) for p in cmp.unreported_new]},
    }


def _ref(p: Provision | None) -> str:
    return "—" if p is None else cell(p.ref)


def _title(p: Provision | None) -> str:
    return "—" if p is None else cell(p.title)


def _sim(c: Change) -> str:
    return "—" if c.similarity is None else f"{c.similarity:.1f}"


def comparison_markdown(cmp: Comparison) -> str:
    """The comparison as a Markdown table: old ref and title, new ref and title, what changed."""
    counts = ", ".join(f"{n} {s}" for s, n in cmp.counts().items())
    lines = [
        f"# {cell(cmp.old.title)} → {cell(cmp.new.title)}", "",
        f"`{cmp.old.id}` → `{cmp.new.id}` · {counts}", "",
        "| Status | Old | Old provision | New | New provision | Similarity | What changed |",
        "|---|---|---|---|---|---:|---|",
    ]
    for c in cmp.changes:
        old, new = c.sides()
        lines.append(
            f"| {c.status} | {_ref(old)} | {_title(old)} | {_ref(new)} | {_title(new)} | {_sim(c)} "
            f"| {cell(c.explanation)} |"
        )
    for label, items in (("old", cmp.unreported_old), ("new", cmp.unreported_new)):
        if items:
            other = cmp.new if label == "old" else cmp.old
            lines += ["", f"Not reported either way by `{other.id}` ({len(items)}): "
                      + ", ".join(f"{cell(p.ref)} {cell(p.id)}" for p in items) + "."]
    return "\n".join(lines) + "\n"


COLUMNS = (
    "status", "old_id", "old_ref", "old_title", "new_id", "new_ref", "new_title", "similarity", "figures",
    "reported_by", "confirmed", "explanation",
)
"""Columns of the comparison CSV, in order."""


def comparison_csv(cmp: Comparison) -> str:
    """The comparison as CSV (CRLF line ends): one row per change, then the unreported provisions."""
    buf = io.StringIO(newline="")
    out = csv.writer(buf, lineterminator="\r\n")

    def row(values: list[object]) -> None:
        out.writerow([neutralise(v) if isinstance(v, str) else ("" if v is None else v) for v in values])

    row(list(COLUMNS))
    for c in cmp.changes:
        o, n, r = c.old, c.new, c.report
        row([
            c.status, o and o.id, o and o.ref, o and o.title, n and n.id, n and n.ref, n and n.title,
            "" if c.similarity is None else f"{c.similarity:.1f}", ";".join(f.describe() for f in c.figures),
            ";".join(r.reported_by) if r else "", ("true" if r.confirmed else "false") if r else "", c.explanation,
        ])
    for p in cmp.unreported_old:
        row(["unreported", p.id, p.ref, p.title, None, None, None, "", "", "", "", f"not reported by {cmp.new.id}"])
    for p in cmp.unreported_new:
        row(["unreported", None, None, None, p.id, p.ref, p.title, "", "", "", "", f"not reported by {cmp.old.id}"])
    return buf.getvalue()


_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:80rem;padding:1rem;color:#1b1b1b}
table{border-collapse:collapse;width:100%;table-layout:fixed}
th,td{border-bottom:1px solid #ddd;padding:.35rem;text-align:left;vertical-align:top}
del{background:#fbd3d3}ins{background:#cdeccd;text-decoration:none}.status{font-weight:600;white-space:nowrap}
.removed{color:#8a1c1c}.added{color:#1c5a1c}.modified{color:#6b4e00}.unchanged{color:#555}.ref{color:#555}
@media (max-width:40rem){td,th{display:block}thead{display:none}}
"""


def _html_side(p: Provision | None, diff: tuple[tuple[str, str], ...], side: str) -> str:
    if p is None:
        return "<td>—</td>"
    body = escape(p.summary)
    if diff:
        keep = "delete" if side == "old" else "insert"
        tag = "del" if side == "old" else "ins"
        parts = [f"<{tag}>{escape(t)}</{tag}>" if op == keep else escape(t) for op, t in diff if op in ("equal", keep)]
        body = " ".join(parts)
    note = f"<br><small>{escape(p.note)}</small>" if p.note else ""
    return f'<td><span class="ref">{escape(p.ref)}</span> <b>{escape(p.title)}</b><br>{body}{note}</td>'


def comparison_html(cmp: Comparison) -> str:
    """One self-contained page: each change a row, the old version left, the new right, words diffed."""
    title = f"{cmp.old.title} → {cmp.new.title}"
    counts = ", ".join(f"{n} {s}" for s, n in cmp.counts().items())
    out = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p><code>{escape(cmp.old.id)}</code> → <code>{escape(cmp.new.id)}</code> · {escape(counts)} · "
        f"planlib {escape(version())}</p>",
        f"<table><thead><tr><th style=\"width:7rem\">Status</th><th>{escape(cmp.old.id)}</th>"
        f"<th>{escape(cmp.new.id)}</th><th style=\"width:18rem\">What changed</th></tr></thead><tbody>",
    ]
    for c in cmp.changes:
        old, new = c.sides()
        diff = c.diff if c.status == "modified" else ()
        sim = "" if c.similarity is None else f"<br><small>similarity {c.similarity:.1f}</small>"
        out.append(
            f'<tr><td class="status {c.status}">{c.status}{sim}</td>{_html_side(old, diff, "old")}'
            f'{_html_side(new, diff, "new")}<td>{escape(c.explanation if c.status != "modified" else _short(c))}</td></tr>'
        )
    out.append("</tbody></table>")
    for label, items in (("old", cmp.unreported_old), ("new", cmp.unreported_new)):
        if items:
            other = cmp.new if label == "old" else cmp.old
            out.append(f"<h2>Not reported either way by {escape(other.id)} ({len(items)})</h2><ul>")
            out += [f"<li>{escape(p.ref)} {escape(p.title)}</li>" for p in items]
            out.append("</ul>")
    out += ["</body></html>", ""]
    return "\n".join(out)


def _short(c: Change) -> str:
    """The explanation without the word diff, which the two columns already show."""
    marker = "; summary: " if "; summary: " in c.explanation else None
    if marker:
        return c.explanation.split(marker, 1)[0]
    return "summary reworded" if c.explanation.startswith("summary: ") else c.explanation


COMPARE_FORMATS = {
    "md": comparison_markdown,
    "csv": comparison_csv,
    "json": lambda cmp: dumps(comparison_dict(cmp)),
    "html": comparison_html,
}
"""Output formats of a comparison by name."""

