"""Several plan versions against the same sources: one table per version, and which version each statement fits best."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs
from attrs import field

from .matching import DEFAULT_TOP, match
from .model import Evidence, Plan, Source
from .results import ProvisionTable

__all__ = ["BestVersion", "MultiTable", "match_plans"]


def _tables(value: Iterable[ProvisionTable]) -> tuple[ProvisionTable, ...]:
    return tuple(value)


def _best(value: Iterable[BestVersion]) -> tuple[BestVersion, ...]:
    return tuple(value)


def _conflicts(value: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((a, b) for a, b in value)


@attrs.frozen
class BestVersion:
    """The version a statement supports best: the plan and provision of its highest-scoring
    evidence without a conflicting figure (ties to the plan given first, then the provision
    first in that plan), and the (plan, provision) pairs where it gives a conflicting figure."""

    evidence: Evidence
    plan: str
    ref: str
    conflicts: tuple[tuple[str, str], ...] = field(default=(), converter=_conflicts)


@attrs.frozen
class MultiTable:
    """One :class:`ProvisionTable` per plan, in the order given, and the best version of
    every statement that supports any of them (in source, then text order)."""

    tables: tuple[ProvisionTable, ...] = field(converter=_tables)
    best: tuple[BestVersion, ...] = field(converter=_best)

    def table(self, plan_id: str) -> ProvisionTable:
        """The table of the plan with this id."""
        for t in self.tables:
            if t.plan.id == plan_id:
                return t
        raise KeyError(plan_id)

    def best_for(self, statement_id: str) -> BestVersion:
        """The best version of the statement with this id; ``KeyError`` if it supports none."""
        for b in self.best:
            if b.evidence.statement.id == statement_id:
                return b
        raise KeyError(statement_id)

    def to_dict(self) -> dict[str, Any]:
        """The tables and best versions as the JSON contract's dict (see docs/json.md)."""
        from .render.versions import multi_dict

        return multi_dict(self)

    def to_json(self, layout: str = "provision") -> str:
        """The tables and best versions as JSON text, as ``planlib table --plan A --plan B`` prints it."""
        from .render.versions import multi_json

        return multi_json(self, layout)

    def to_markdown(self, layout: str = "provision") -> str:
        """Each plan's table in turn, then the best version per statement, as Markdown."""
        from .render.versions import multi_markdown

        return multi_markdown(self, layout)

    def to_csv(self, layout: str = "provision") -> str:
        """One CSV of every plan's rows, with a leading ``plan`` column."""
        from .render.versions import multi_csv

        return multi_csv(self, layout)

    def to_html(self, layout: str = "provision") -> str:
        """Every plan's table and the best versions as one self-contained HTML page."""
        from .render.versions import multi_html

        return multi_html(self, layout)


def match_plans(
    plans: Sequence[Plan],
    sources: Iterable[Source] | None = None,
    *,
    top: int | None = DEFAULT_TOP,
    **options: Any,
) -> MultiTable:
    """Match the same sources against several plans (e.g. versions of one plan).

    ``options`` are those of :func:`planlib.match` (``min_score``, ``include_all``, …);
    ``top`` limits each table's listed evidence as there, while the best version is chosen
    from all evidence. Plan ids must differ.
    """
    ids = [p.id for p in plans]
    if not plans or len(set(ids)) != len(ids):
        raise ValueError(f"match_plans needs one or more plans with distinct ids, got {ids}")
    if top is not None and top < 1:
        raise ValueError(f"top must be at least 1 or None, got {top}")
    if sources is None:
        from .sources import iter_sources

        sources = iter_sources()
    read = list(sources)
    full = [match(plan, read, top=None, **options) for plan in plans]
    tables = []
    for t in full:
        everything = [e for r in t.rows for e in r.evidence]
        tables.append(ProvisionTable.build(t.plan, {**t.options, "top": top}, t.sources, everything, t.statements))
    return MultiTable(tables, _best_versions(full))


def _best_versions(tables: Sequence[ProvisionTable]) -> list[BestVersion]:
    found: dict[str, list[tuple[int, int, str, Evidence]]] = {}
    for pi, t in enumerate(tables):
        for ri, row in enumerate(t.rows):
            for ev in row.evidence:
                found.setdefault(ev.statement.id, []).append((pi, ri, row.provision.ref, ev))
    out = []
    for items in found.values():
        ok = [i for i in items if "conflicting_figure" not in i[3].flags]
        if not ok:
            continue
        pi, _ri, ref, ev = min(ok, key=lambda i: (-i[3].score, i[0], i[1]))
        conflicts = [(tables[i[0]].plan.id, i[3].provision) for i in items if "conflicting_figure" in i[3].flags]
        out.append(BestVersion(ev, tables[pi].plan.id, ref, conflicts))
    out.sort(key=lambda b: (b.evidence.statement.source, b.evidence.statement.start, b.evidence.statement.end,
                            b.evidence.statement.id))
    return out
