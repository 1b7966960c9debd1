"""The JSON contract (docs/json.md): fields may be added, never renamed or removed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..model import Evidence, Statement
from ..results import ProvisionTable
from ._common import by_source, covered, version

__all__ = ["dumps", "evidence_dict", "iter_dumps", "iter_json", "layout_dict", "render_json", "statement_dict", "table_dict"]


def statement_dict(s: Statement) -> dict[str, Any]:
    """A statement as the contract lists it."""
    return {
        "source": s.source, "path": s.path, "statement": s.id, "start": s.start, "end": s.end,
        "text": s.text, "kind": s.kind, "speaker": s.speaker, "outlet": s.outlet, "cited": s.cited,
        "cue": s.cue,
    }


def evidence_dict(ev: Evidence) -> dict[str, Any]:
    """One piece of evidence: the statement, the score and every reason for it."""
    out = statement_dict(ev.statement)
    out["score"] = ev.score
    out["explanation"] = ev.explain()
    out["flags"] = list(ev.flags)
    out["concepts"] = [
        {
            "concept": c.concept, "kind": c.kind, "weight": c.weight,
            "hits": [
                {"term": h.term, "surface": h.surface, "start": h.start, "end": h.end, "fold": h.fold,
                 "similarity": h.similarity}
                for h in c.hits
            ],
        }
        for c in ev.concepts
    ]
    out["components"] = [{"name": c.name, "label": c.label, "value": c.value, "points": c.points} for c in ev.components]
    return out


def table_dict(table: ProvisionTable) -> dict[str, Any]:
    """The whole table as the contract's dict."""
    return {
        "planlib": version(),
        "plan": {"id": table.plan.id, "title": table.plan.title},
        "settings": table.options,
        "sources": list(table.sources),  # read, never changed: no copies of what may be many listings
        "statements_read": table.statements,
        "provisions": [
            {
                "id": r.provision.id, "ref": r.provision.ref, "title": r.provision.title,
                "tags": list(r.provision.tags), "support": r.support,
                "supporting_sources": len(r.supporting_sources), "conflicts": r.conflicts,
                "evidence": [evidence_dict(e) for e in r.evidence],
            }
            for r in table.rows
        ],
    }


def dumps(data: Any) -> str:
    """JSON text in planlib's one stable style: two-space indent, UTF-8 kept, newline at end."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def iter_dumps(data: Any) -> Iterator[str]:
    """:func:`dumps` in pieces, to write as they come: the same text, without holding it (or
    the million small strings it is joined from) whole."""
    yield from _ENCODER.iterencode(data)
    yield "\n"


_ENCODER = json.JSONEncoder(ensure_ascii=False, indent=2)


def layout_dict(table: ProvisionTable, layout: str) -> dict[str, Any]:
    """The contract's dict, plus for the ``source`` and ``coverage`` layouts a section of that name.

    ``"layout"`` names the layout; ``"by_source"`` lists each statement with the provisions it
    supports (plan order); ``"coverage"`` gives, per provision, the counts and the ids of the
    supporting sources. The default (``provision``) layout is exactly the contract.
    """
    data = table_dict(table)
    if layout == "source":
        data["layout"] = "source"
        data["by_source"] = [
            {
                **statement_dict(g.statement),
                "provisions": [
                    {"id": p.id, "ref": p.ref, "title": p.title, "score": ev.score, "flags": list(ev.flags)}
                    for p, ev in g.links
                ],
            }
            for g in by_source(table)
        ]
    elif layout == "coverage":
        data["layout"] = "coverage"
        data["coverage"] = {
            "covered": covered(table),
            "total": len(table.rows),
            "provisions": [
                {
                    "id": r.provision.id, "ref": r.provision.ref, "title": r.provision.title,
                    "tags": list(r.provision.tags), "support": r.support,
                    "supporting_sources": sorted(r.supporting_sources), "conflicts": r.conflicts,
                    "best_score": r.evidence[0].score if r.evidence else None,
                }
                for r in table.rows
            ],
        }
    return data


def render_json(table: ProvisionTable, layout: str = "provision") -> str:
    """The table as JSON text (see :func:`layout_dict` for what the other layouts add)."""
    return dumps(layout_dict(table, layout))


def iter_json(table: ProvisionTable, layout: str = "provision") -> Iterator[str]:
    """:func:`render_json` in pieces (what ``planlib table --format json`` writes)."""
    return iter_dumps(layout_dict(table, layout))
