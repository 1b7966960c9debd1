"""One self-contained HTML page: no network, no external scripts, every source text escaped.

The page holds a provisions × sources heat map, then the layout's sections, and a small
inline script for the tag and minimum-score filters. The script only toggles ``hidden`` and
classes and writes numbers with ``textContent``; it never parses markup. The Content
Security Policy allows that one script (by its hash) and nothing else: no network, no
other scripts, no inline event handlers, no images.
"""

from __future__ import annotations

import base64
import hashlib
import json
from html import escape

from ..model import Evidence, Provision, Statement
from ..results import ProvisionRow, ProvisionTable
from ._common import SourceGroup, by_source, covered, highlights, level, matrix, version

__all__ = ["SCRIPT", "render_html"]

_STYLE = """
:root{--ink:#1b1b1b;--muted:#5b5b5b;--line:#d9d9d9;--bg:#fff;--soft:#f5f5f4;--warn:#9b1c1c;
--h1:#dbe8f5;--h2:#9ec5e8;--h3:#4f93cf;--h4:#1c5d99}
*{box-sizing:border-box}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:75rem;padding:1rem;color:var(--ink);
background:var(--bg)}
h1{font-size:1.5rem;line-height:1.25;margin:.2rem 0 .4rem}h2{font-size:1.1rem;margin:0 0 .3rem}
.meta,.muted{color:var(--muted);font-size:.9rem}code{font-size:.85em;overflow-wrap:anywhere}
.filters{display:flex;flex-wrap:wrap;gap:.5rem 1.2rem;align-items:center;background:var(--soft);padding:.6rem .8rem;
border-radius:.4rem;margin:1rem 0;position:sticky;top:0;z-index:3}
.filters label{font-size:.9rem}.filters select,.filters input{font:inherit;font-size:.9rem}
.matrix-wrap{overflow-x:auto;border:1px solid var(--line);border-radius:.4rem;max-height:80vh}
table{border-collapse:collapse}
.matrix{font-size:.8rem;width:100%}
.matrix th,.matrix td{border-bottom:1px solid var(--line);padding:0 .3rem;line-height:1.35rem;white-space:nowrap}
.matrix thead th{position:sticky;top:0;background:var(--bg);z-index:2;font-weight:600;text-align:center}
.matrix th.prov{position:sticky;left:0;background:var(--bg);z-index:1;text-align:left;font-weight:normal;max-width:22rem;
white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.matrix thead th.prov{z-index:4}
.matrix th.prov a{color:inherit;text-decoration:none}.matrix .ref{display:inline-block;min-width:2.2rem;font-weight:600}
.matrix td.cell{min-width:1.8rem;text-align:center;font-variant-numeric:tabular-nums}
.matrix td.total{text-align:right;font-weight:600;padding-left:.6rem}
.l1{background:var(--h1)}.l2{background:var(--h2)}.l3{background:var(--h3);color:#fff}.l4{background:var(--h4);color:#fff}
.beyond{background:repeating-linear-gradient(45deg,var(--h1),var(--h1) 3px,#fff 3px,#fff 6px)}
td.cell.below{background:none;color:var(--muted)}
tr.none th.prov,.none{color:var(--warn)}
.legend{display:flex;flex-wrap:wrap;gap:.3rem .9rem;align-items:center;font-size:.8rem;margin:.5rem 0}
.legend span.sw{display:inline-block;width:1rem;height:1rem;vertical-align:middle;border:1px solid var(--line);margin-right:.2rem}
ol.sources{font-size:.85rem;padding-left:2rem}ol.sources li{overflow-wrap:anywhere}
section.group{border-top:1px solid var(--line);padding:.9rem 0;scroll-margin-top:6rem}section.group>p{margin:.2rem 0}
.tags span{display:inline-block;font-size:.75rem;background:var(--soft);border:1px solid var(--line);border-radius:1rem;
padding:0 .5rem;margin-right:.25rem}
ol.evidence{list-style:none;padding:0;margin:.5rem 0 0}
li.ev{border-left:3px solid var(--h2);padding:.3rem .7rem;margin:.6rem 0;background:var(--soft);border-radius:0 .3rem .3rem 0}
blockquote{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
mark{background:#ffe58a;color:inherit;padding:0 .1em;border-radius:.15em}
.who{font-size:.85rem;color:var(--muted);margin:.25rem 0}
.score{font-weight:700;font-variant-numeric:tabular-nums}
.flag{color:var(--warn);font-weight:600}
details summary{cursor:pointer;font-size:.9rem}details p{font-size:.85rem;margin:.3rem 0}
table.parts{font-size:.8rem;margin:.2rem 0}
table.parts td,table.parts th{padding:.1rem .5rem;border-bottom:1px solid var(--line);text-align:left}
table.parts td.n{text-align:right;font-variant-numeric:tabular-nums}
table.coverage{width:100%;font-size:.9rem}
table.coverage th,table.coverage td{border-bottom:1px solid var(--line);padding:.3rem;text-align:left}
table.coverage td.n,table.coverage th.n{text-align:right}
[hidden]{display:none !important}
@media (max-width:40rem){body{padding:.6rem;font-size:15px}h1{font-size:1.2rem}
.matrix th.prov{max-width:8rem}.matrix td.cell{min-width:1.4rem;padding:0 .15rem}.matrix .ref{min-width:1.8rem}
table.coverage{font-size:.8rem}table.coverage .tagcol{display:none}}
"""

SCRIPT = """
(function () {
  "use strict";
  var tag = document.getElementById("f-tag"), min = document.getElementById("f-min");
  var shown = document.getElementById("f-shown");
  function tagsOf(el) { return el.hasAttribute("data-tags") ? JSON.parse(el.getAttribute("data-tags")) : null; }
  function apply() {
    var t = tag.value, m = parseFloat(min.value);
    if (isNaN(m)) { m = 0; }
    function tagOk(el) { var ts = tagsOf(el); return t === "" || ts === null || ts.indexOf(t) >= 0; }
    document.querySelectorAll(".ev").forEach(function (el) {
      el.hidden = !(parseFloat(el.getAttribute("data-score")) >= m && tagOk(el));
    });
    var groups = 0, visible = 0;
    document.querySelectorAll(".group").forEach(function (el) {
      var ok = tagOk(el);
      if (ok && el.hasAttribute("data-needs-evidence")) { ok = el.querySelector(".ev:not([hidden])") !== null; }
      el.hidden = !ok; groups += 1; if (ok) { visible += 1; }
    });
    document.querySelectorAll("tr.mrow").forEach(function (el) { el.hidden = !tagOk(el); });
    document.querySelectorAll("td.cell[data-scores]").forEach(function (el) {
      var n = JSON.parse(el.getAttribute("data-scores")).filter(function (s) { return s >= m; }).length;
      el.textContent = n > 0 ? String(n) : "";
      el.classList.toggle("below", n === 0);
    });
    shown.textContent = visible + " of " + groups + " shown";
  }
  tag.addEventListener("change", apply);
  min.addEventListener("input", apply);
  document.getElementById("filters").hidden = false;
  apply();
})();
"""
"""The page's only script: the tag and minimum-score filters."""


def _csp() -> str:
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; style-src 'unsafe-inline'; "
        f"script-src 'sha256-{digest}'; img-src 'none'; base-uri 'none'; form-action 'none'"
    )


def _attr(value: object) -> str:
    return escape(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False), quote=True)


def _marked(text: str, evidence: list[Evidence]) -> str:
    """The text escaped, with the matched terms of every given evidence in ``<mark>``."""
    spans: list[tuple[int, int]] = []
    for ev in evidence:
        spans.extend(highlights(ev))
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    parts, pos = [], 0
    for s, e in merged:
        parts.append(escape(text[pos:s]))
        parts.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    parts.append(escape(text[pos:]))
    return "".join(parts)


def _anchor(p: Provision) -> str:
    return "p-" + "".join(c if c.isalnum() or c in "-_" else "_" for c in p.id)


def _who(s: Statement) -> str:
    bits = []
    if s.speaker:
        bits.append(f'<span class="speaker">{escape(s.speaker)}</span>')
    if s.outlet:
        cited = f" (citing {escape(s.cited)})" if s.cited else ""
        bits.append(f'<span class="outlet">{escape(s.outlet)}</span>{cited}')
    if not bits:
        bits.append('<span class="muted">speaker and outlet unknown</span>')
    bits.append(f"<code>{escape(s.path)}:{s.start}-{s.end}</code>")
    return '<p class="who">' + " · ".join(bits) + "</p>"


def _why(ev: Evidence) -> str:
    flags = f' <span class="flag">{escape(", ".join(ev.flags))}</span>' if ev.flags else ""
    parts = "".join(
        f'<tr><td>{escape(c.name)}</td><td>{escape(c.label)}</td><td class="n">{c.value:.2f}</td>'
        f'<td class="n">{c.points:.1f}</td></tr>'
        for c in ev.components
    )
    table = (
        '<table class="parts"><thead><tr><th>part</th><th>measures</th><th>value</th><th>points</th></tr></thead>'
        f"<tbody>{parts}</tbody></table>"
        if parts else ""
    )
    return (
        f'<details><summary>score <span class="score">{ev.score:.1f}</span>{flags} — why?</summary>'
        f"<p>{escape(ev.explain())}</p>{table}</details>"
    )


def _head(table: ProvisionTable) -> list[str]:
    opts = table.options
    top = opts.get("top")
    return [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_attr(_csp())}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{escape(table.plan.title)}</title><style>{_STYLE}</style></head><body>",
        "<header>",
        f"<h1>{escape(table.plan.title)}</h1>",
        f'<p class="meta">Plan <code>{escape(table.plan.id)}</code> · {len(table.sources)} source(s) · '
        f"{table.statements} statement(s) read · min score {opts.get('min_score', 0):g} · "
        f"top {top if top is not None else 'all'} · planlib {escape(version())}</p>",
        f'<p class="coverage-line"><strong>{covered(table)} of {len(table.rows)}</strong> provisions have '
        "supporting statements.</p>",
        "</header>",
    ]


def _filters(table: ProvisionTable) -> list[str]:
    tags = sorted({t for r in table.rows for t in r.provision.tags})
    options = "".join(f'<option value="{_attr(t)}">{escape(t)}</option>' for t in tags)
    floor = table.options.get("min_score", 0)
    return [
        '<form class="filters" id="filters" hidden>',
        f'<label>Tag <select id="f-tag"><option value="">all tags</option>{options}</select></label>',
        f'<label>Min score <input id="f-min" type="number" min="0" max="100" step="5" value="{floor:g}"></label>',
        '<span class="muted" id="f-shown" aria-live="polite"></span>',
        "</form>",
    ]


def _matrix(table: ProvisionTable, link: bool) -> list[str]:
    cols = "".join(
        f'<th scope="col" title="{_attr(str(s["path"]))}">{i}</th>' for i, s in enumerate(table.sources, 1)
    )
    out = [
        '<h2 id="matrix">Coverage: provisions × sources</h2>',
        '<div class="matrix-wrap"><table class="matrix">',
        f'<thead><tr><th class="prov" scope="col">Provision</th>{cols}<th scope="col" title="supporting statements'
        ' (all sources)">Σ</th></tr></thead><tbody>',
    ]
    for row, cells in matrix(table):
        p = row.provision
        label = f'<span class="ref">{escape(p.ref)}</span> {escape(p.title)}'
        if link:
            label = f'<a href="#{_anchor(p)}">{label}</a>'
        tds = []
        for i, c in enumerate(cells, 1):
            if c.best is not None:
                tip = f"source {i}: {len(c.scores)} listed, best score {c.best:.1f}"
                tds.append(
                    f'<td class="cell l{level(c.best)}" data-scores="{_attr([round(s, 1) for s in c.scores])}" '
                    f'title="{_attr(tip)}">{len(c.scores)}</td>'
                )
            elif c.supported:
                tds.append(f'<td class="cell beyond" title="source {i}: supports it beyond the listed top"></td>')
            else:
                tds.append('<td class="cell"></td>')
        total = str(row.support) if row.support else "⚠ 0"
        cls = "mrow" if row.support else "mrow none"
        out.append(
            f'<tr class="{cls}" data-tags="{_attr(list(p.tags))}"><th class="prov" scope="row" title="{_attr(p.title)}">'
            f'{label}</th>{"".join(tds)}<td class="total">{total}</td></tr>'
        )
    out.append("</tbody></table></div>")
    out.append(
        '<div class="legend"><span>Cells: statements listed from that source; shade: best score</span>'
        '<span><span class="sw l1"></span>below 70</span><span><span class="sw l2"></span>70–80</span>'
        '<span><span class="sw l3"></span>80–90</span><span><span class="sw l4"></span>90+</span>'
        '<span><span class="sw beyond"></span>supports, beyond top</span><span class="none">⚠ none: no support</span></div>'
    )
    items = "".join(
        f'<li><code>{escape(str(s["path"]))}</code>'
        + (f" — {escape(str(s['title']))}" if s.get("title") else "")
        + "</li>"
        for s in table.sources
    )
    out.append(f'<details open><summary>Sources ({len(table.sources)})</summary><ol class="sources">{items}</ol></details>')
    return out


def _provision_section(row: ProvisionRow) -> list[str]:
    p = row.provision
    tags = "".join(f"<span>{escape(t)}</span>" for t in p.tags)
    counts = (
        f"{row.support} supporting statement(s) from {len(row.supporting_sources)} source(s)"
        + (f" · {row.conflicts} with a conflicting figure" if row.conflicts else "")
    )
    out = [
        f'<section class="group" id="{_anchor(p)}" data-tags="{_attr(list(p.tags))}">',
        f"<h2>{escape(p.ref)} · {escape(p.title)}</h2>",
        f'<p class="tags">{tags}</p>' if tags else "",
        f'<p class="muted">{escape(p.summary)}</p>',
        f'<p class="meta{"" if row.support else " none"}">{counts if row.support else "⚠ no supporting statement found"}'
        + (f" (listed: {len(row.evidence)})" if row.evidence and len(row.evidence) < row.support else "")
        + "</p>",
    ]
    if row.evidence:
        out.append('<ol class="evidence">')
        for ev in row.evidence:
            out.append(
                f'<li class="ev" data-score="{ev.score:.1f}"><blockquote>{_marked(ev.statement.text, [ev])}</blockquote>'
                f"{_who(ev.statement)}{_why(ev)}</li>"
            )
        out.append("</ol>")
    out.append("</section>")
    return out


def _source_section(g: SourceGroup) -> list[str]:
    s = g.statement
    tags = sorted({t for p, _ev in g.links for t in p.tags})
    out = [
        f'<section class="group" data-needs-evidence="1" data-tags="{_attr(tags)}">',
        f"<blockquote>{_marked(s.text, [ev for _p, ev in g.links])}</blockquote>",
        _who(s),
        '<ol class="evidence">',
    ]
    for p, ev in g.links:
        out.append(
            f'<li class="ev" data-score="{ev.score:.1f}" data-tags="{_attr(list(p.tags))}">'
            f"<strong>{escape(p.ref)}</strong> {escape(p.title)}{_why(ev)}</li>"
        )
    out += ["</ol>", "</section>"]
    return out


def _coverage(table: ProvisionTable) -> list[str]:
    out = [
        '<table class="coverage"><thead><tr><th>Ref</th><th>Provision</th><th class="tagcol">Tags</th>'
        '<th class="n" title="supporting statements">Statements</th><th class="n">Sources</th>'
        '<th class="n" title="statements giving a conflicting figure">Conflicts</th></tr></thead><tbody>',
    ]
    for r in table.rows:
        p = r.provision
        support = str(r.support) if r.support else '<span class="none">0 ⚠ none</span>'
        out.append(
            f'<tr class="group" data-tags="{_attr(list(p.tags))}"><td>{escape(p.ref)}</td><td>{escape(p.title)}</td>'
            f'<td class="tagcol">{escape(", ".join(p.tags))}</td><td class="n">{support}</td>'
            f'<td class="n">{len(r.supporting_sources)}</td><td class="n">{r.conflicts}</td></tr>'
        )
    out.append("</tbody></table>")
    return out


def render_html(table: ProvisionTable, layout: str = "provision") -> str:
    """The table as one HTML page: the heat map, then sections by provision, by statement, or a coverage table."""
    out = _head(table) + _filters(table) + ["<main>"] + _matrix(table, link=layout == "provision")
    if layout == "coverage":
        out.append('<h2 id="layout">Coverage</h2>')
        out += _coverage(table)
    elif layout == "source":
        out.append('<h2 id="layout">Statements and the provisions they support</h2>')
        groups = by_source(table)
        for g in groups:
            out += _source_section(g)
        if not groups:
            out.append('<p class="none">No statement supports any provision.</p>')
    else:
        out.append('<h2 id="layout">Provisions and their evidence</h2>')
        for r in table.rows:
            out += _provision_section(r)
    out += ["</main>", f"<script>{SCRIPT}</script>", "</body></html>", ""]
    return "\n".join(line for line in out if line)
