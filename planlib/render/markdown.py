"""GitHub-flavoured Markdown tables, escaped so that any source text stays inside its cell."""

from __future__ import annotations

import re

from ..model import Evidence, Statement
from ..results import ProvisionTable
from ._common import by_source, covered, highlights

__all__ = ["cell", "emphasised", "render_markdown"]

_ESCAPE = str.maketrans({
    "|": "\\|", "\\": "\\\\", "*": "\\*", "_": "\\_", "`": "\\`", "~": "\\~", "<": "&lt;", ">": "&gt;",
    "[": "\\[", "]": "\\]", "#": "\\#",
})
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_NEWLINE = re.compile(r"\r\n|\r|\n|\u2028|\u2029")
_ENDS = re.compile(r"^[ \t\f\v]+|[ \t\f\v]+$")


def _escape(text: str) -> str:
    return _NEWLINE.sub("<br>", _ENTITY.sub("&amp;", text).translate(_ESCAPE))


def _keep_ends(out: str) -> str:
    """Leading and trailing blanks as character references, which a table parser does not trim."""
    return _ENDS.sub(lambda m: "".join(f"&#{ord(c)};" for c in m.group()), out)


def cell(text: str | None) -> str:
    """Text made safe for one Markdown table cell: pipes, markup and HTML escaped, newlines as ``<br>``.

    ``None`` (unknown) shows as an em dash. An entity-looking ``&amp;`` is escaped too, and
    blanks at either end become character references, so the rendered cell reads exactly as
    the source.
    """
    if text is None:
        return "—"
    return _keep_ends(_escape(text))


def emphasised(ev: Evidence) -> str:
    """The evidence text as a cell, with matched terms in bold."""
    text = ev.statement.text
    parts, pos = [], 0
    for s, e in highlights(ev):
        parts.append(_escape(text[pos:s]))
        term = _escape(text[s:e])
        parts.append(f"**{term}**" if term.strip() == term and term else term)
        pos = e
    parts.append(_escape(text[pos:]))
    return _keep_ends("".join(parts))


def _where(s: Statement) -> str:
    where = f"{s.path}:{s.start}-{s.end}"
    return f"`{where}`".replace("|", "\\|") if "`" not in where else cell(where)


def _flags(ev: Evidence) -> str:
    return f" ⚠ {cell(', '.join(ev.flags))}" if ev.flags else ""


def render_markdown(table: ProvisionTable, layout: str = "provision") -> str:
    """The table as Markdown in the given layout (``provision``, ``source`` or ``coverage``)."""
    opts = table.options
    head = [
        f"# {cell(table.plan.title)}",
        "",
        f"Plan `{table.plan.id}` · {len(table.sources)} source(s) · {table.statements} statement(s) read · "
        f"min score {opts['min_score']:g} · top {opts['top'] if opts['top'] is not None else 'all'}",
        "",
    ]
    if layout == "coverage":
        lines = _coverage(table)
    elif layout == "source":
        lines = _by_source(table)
    else:
        lines = _by_provision(table)
    return "\n".join(head + lines) + "\n"


def _coverage(table: ProvisionTable) -> list[str]:
    lines = ["| Ref | Provision | Tags | Supporting statements | Sources | Conflicting |", "|---|---|---|---:|---:|---:|"]
    for r in table.rows:
        flag = "" if r.support else " ⚠ none"
        lines.append(
            f"| {cell(r.provision.ref)} | {cell(r.provision.title)} | {cell(', '.join(r.provision.tags))} "
            f"| {r.support}{flag} | {len(r.supporting_sources)} | {r.conflicts} |"
        )
    lines += ["", f"{covered(table)} of {len(table.rows)} provisions have supporting statements."]
    return lines


def _by_source(table: ProvisionTable) -> list[str]:
    lines = ["| Source | Statement | Speaker | Outlet | Provisions (score) |", "|---|---|---|---|---|"]
    groups = by_source(table)
    for g in groups:
        s = g.statement
        provs = "<br>".join(f"{cell(p.ref)} {cell(p.title)} ({ev.score:.1f}{_flags(ev)})" for p, ev in g.links)
        # The text is emphasised with the terms of every provision it supports.
        merged = Evidence(g.links[0][1].provision, s, g.best, [c for _p, ev in g.links for c in ev.concepts], [])
        lines.append(f"| {_where(s)} | {emphasised(merged)} | {cell(s.speaker)} | {cell(s.outlet)} | {provs} |")
    if not groups:
        lines.append("| — | *no statement supports any provision* | — | — | — |")
    return lines


def _by_provision(table: ProvisionTable) -> list[str]:
    lines = ["| Ref | Provision | Score | Statement | Speaker | Outlet | Source |", "|---|---|---:|---|---|---|---|"]
    for r in table.rows:
        p = r.provision
        if not r.evidence:
            lines.append(f"| {cell(p.ref)} | {cell(p.title)} | — | *no supporting statement found* | — | — | — |")
            continue
        for ev in r.evidence:
            lines.append(
                f"| {cell(p.ref)} | {cell(p.title)} | {ev.score:.1f}{_flags(ev)} | {emphasised(ev)} "
                f"| {cell(ev.statement.speaker)} | {cell(ev.statement.outlet)} | {_where(ev.statement)} |"
            )
    return lines
