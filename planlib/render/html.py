"""One self-contained HTML page: no network, no external scripts, every source text escaped."""

from __future__ import annotations

from html import escape

from ..model import Evidence
from ..results import ProvisionTable
from ._common import highlights, version

__all__ = ["render_html"]

_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem;color:#1b1b1b}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.35rem;text-align:left;vertical-align:top}
mark{background:#ffe58a}.score{white-space:nowrap;font-variant-numeric:tabular-nums}.none{color:#8a1c1c}
.flag{color:#8a1c1c;font-weight:600}details summary{cursor:pointer;color:#555}
@media (max-width:40rem){td,th{display:block}thead{display:none}}
"""


def _marked(ev: Evidence) -> str:
    text = ev.statement.text
    parts, pos = [], 0
    for s, e in highlights(ev):
        parts.append(escape(text[pos:s]))
        parts.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    parts.append(escape(text[pos:]))
    return "".join(parts)


def render_html(table: ProvisionTable, layout: str = "provision") -> str:
    """The table as one HTML page (the provision layout; other layouts add sections later)."""
    out = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{escape(table.plan.title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(table.plan.title)}</h1>",
        f"<p>Plan <code>{escape(table.plan.id)}</code> · {len(table.sources)} source(s) · "
        f"{table.statements} statement(s) · planlib {escape(version())}</p>",
        "<table><thead><tr><th>Ref</th><th>Provision</th><th>Score</th><th>Statement</th>"
        "<th>Speaker</th><th>Outlet</th><th>Source</th></tr></thead><tbody>",
    ]
    for r in table.rows:
        p = r.provision
        if not r.evidence:
            out.append(
                f"<tr><td>{escape(p.ref)}</td><td>{escape(p.title)}</td><td>—</td>"
                '<td class="none">no supporting statement found</td><td></td><td></td><td></td></tr>'
            )
        for ev in r.evidence:
            s = ev.statement
            flags = f' <span class="flag">{escape(", ".join(ev.flags))}</span>' if ev.flags else ""
            out.append(
                f"<tr><td>{escape(p.ref)}</td><td>{escape(p.title)}</td>"
                f'<td class="score">{ev.score:.1f}{flags}<details><summary>why</summary>{escape(ev.explain())}</details></td>'
                f"<td>{_marked(ev)}</td><td>{escape(s.speaker or '')}</td><td>{escape(s.outlet or '')}</td>"
                f"<td>{escape(s.path)}:{s.start}-{s.end}</td></tr>"
            )
    out += ["</tbody></table>", "</body></html>", ""]
    return "\n".join(out)
