"""GitHub-flavoured Markdown tables, escaped so that any source text stays inside its cell."""

from __future__ import annotations

from ..model import Evidence
from ..results import ProvisionTable
from ._common import by_source, highlights

__all__ = ["cell", "render_markdown"]

_ESCAPE = str.maketrans({"|": "\\|", "\\": "\\\\", "*": "\\*", "_": "\\_", "`": "\\`", "<": "&lt;", ">": "&gt;",
                         "[": "\\[", "]": "\\]", "#": "\\#"})


def cell(text: str | None) -> str:
    """Text made safe for one Markdown table cell: pipes and markup escaped, newlines as ``<br>``."""
    if text is None:
        return "—"
    out = text.translate(_ESCAPE)
    out = out.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")
    return out


def emphasised(ev: Evidence) -> str:
    """The evidence text as a cell, with matched terms in bold."""
    text = ev.statement.text
    parts, pos = [], 0
    for s, e in highlights(ev):
        parts.append(cell(text[pos:s]))
        parts.append(f"**{cell(text[s:e])}**")
        pos = e
    parts.append(cell(text[pos:]))
    return "".join(parts)


def _where(ev: Evidence) -> str:
    return f"`{ev.statement.path}:{ev.statement.start}-{ev.statement.end}`".replace("|", "\\|")


def render_markdown(table: ProvisionTable, layout: str = "provision") -> str:
    """The table as Markdown in the given layout."""
    head = [f"# {cell(table.plan.title)}", ""]
    opts = table.options
    head.append(
        f"Plan `{table.plan.id}` · {len(table.sources)} source(s) · {table.statements} statement(s) read · "
        f"min score {opts['min_score']:g} · top {opts['top'] if opts['top'] is not None else 'all'}"
    )
    head.append("")
    if layout == "coverage":
        lines = ["| Ref | Provision | Tags | Supporting statements | Sources | Conflicting |", "|---|---|---|---:|---:|---:|"]
        for r in table.rows:
            flag = "" if r.support else " ⚠ none"
            lines.append(
                f"| {cell(r.provision.ref)} | {cell(r.provision.title)} | {cell(', '.join(r.provision.tags))} "
                f"| {r.support}{flag} | {len(r.supporting_sources)} | {r.conflicts} |"
            )
        covered = sum(1 for r in table.rows if r.support)
        lines += ["", f"{covered} of {len(table.rows)} provisions have supporting statements."]
        return "\n".join(head + lines) + "\n"
    if layout == "source":
        lines = ["| Source | Statement | Speaker | Outlet | Provisions (score) |", "|---|---|---|---|---|"]
        for _sid, items in by_source(table):
            ev = items[0][0]
            provs = ", ".join(f"{cell(ref)} {cell(e.provision)} ({e.score:.1f})" for e, ref in items)
            lines.append(
                f"| {_where(ev)} | {cell(ev.statement.text)} | {cell(ev.statement.speaker)} "
                f"| {cell(ev.statement.outlet)} | {provs} |"
            )
        return "\n".join(head + lines) + "\n"
    lines = ["| Ref | Provision | Score | Statement | Speaker | Outlet | Source |", "|---|---|---:|---|---|---|---|"]
    for r in table.rows:
        p = r.provision
        if not r.evidence:
            lines.append(f"| {cell(p.ref)} | {cell(p.title)} | — | *no supporting statement found* | — | — | — |")
            continue
        for ev in r.evidence:
            flags = f" ⚠ {cell(', '.join(ev.flags))}" if ev.flags else ""
            lines.append(
                f"| {cell(p.ref)} | {cell(p.title)} | {ev.score:.1f}{flags} | {emphasised(ev)} "
                f"| {cell(ev.statement.speaker)} | {cell(ev.statement.outlet)} | {_where(ev)} |"
            )
    return "\n".join(head + lines) + "\n"
