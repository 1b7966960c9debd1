"""The provision-to-source table a run produces: ranked evidence per provision, mergeable."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs
from attrs import field

from .model import Evidence, Plan, Provision

__all__ = ["ProvisionRow", "ProvisionTable"]


def _freeze(settings: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> tuple[tuple[str, Any], ...]:
    items = settings.items() if isinstance(settings, Mapping) else settings
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in items))


def _evidence(value: Iterable[Evidence]) -> tuple[Evidence, ...]:
    return tuple(value)


def _rows(value: Iterable[ProvisionRow]) -> tuple[ProvisionRow, ...]:
    return tuple(value)


def _infos(value: Iterable[dict[str, str | None]]) -> tuple[dict[str, str | None], ...]:
    return tuple(value)


@attrs.frozen
class ProvisionRow:
    """One provision with its best evidence (at most ``top``), and counts over all support.

    ``support`` counts every statement that scored at least ``min_score`` without a
    conflicting figure; ``supporting_sources`` names the sources they came from.
    """

    provision: Provision
    evidence: tuple[Evidence, ...] = field(converter=_evidence)
    support: int = 0
    supporting_sources: frozenset[str] = frozenset()
    conflicts: int = 0


@attrs.frozen
class ProvisionTable:
    """Provisions of a plan, each with its ranked evidence, and the sources read.

    Tables from disjoint parts of a corpus, made with the same plan and settings, merge with
    :meth:`merge` into exactly the table of the whole, whatever the split or the order.
    """

    plan: Plan
    settings: tuple[tuple[str, Any], ...] = field(converter=_freeze)
    sources: tuple[dict[str, str | None], ...] = field(converter=_infos)
    rows: tuple[ProvisionRow, ...] = field(converter=_rows)
    statements: int = 0

    @property
    def options(self) -> dict[str, Any]:
        """The settings as a dict."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.settings}

    @classmethod
    def build(
        cls,
        plan: Plan,
        settings: Mapping[str, Any],
        sources: Iterable[dict[str, str | None]],
        evidence: Iterable[Evidence],
        statements: int,
    ) -> ProvisionTable:
        """Collect scored evidence (already thresholded) into ranked rows."""
        top = settings.get("top")
        per: dict[str, list[Evidence]] = {p.id: [] for p in plan.provisions}
        for ev in evidence:
            per[ev.provision].append(ev)
        rows = []
        for p in plan.provisions:
            items = sorted(per[p.id], key=lambda e: e.sort_key)
            support = [e for e in items if "conflicting_figure" not in e.flags]
            rows.append(
                ProvisionRow(
                    p, items[:top] if top is not None else items, len(support),
                    frozenset(e.statement.source for e in support), len(items) - len(support),
                )
            )
        srcs = sorted({s["id"]: s for s in sources}.values(), key=lambda s: str(s["id"]))
        return cls(plan, settings, srcs, rows, statements)

    def merge(self, other: ProvisionTable) -> ProvisionTable:
        """The table of both parts' statements together (the parts must be disjoint)."""
        if self.plan.id != other.plan.id or self.settings != other.settings:
            raise ValueError("only tables of the same plan and settings merge")
        top = self.options.get("top")
        rows = []
        for a, b in zip(self.rows, other.rows, strict=True):
            seen: dict[str, Evidence] = {}
            for ev in (*a.evidence, *b.evidence):
                seen.setdefault(ev.statement.id, ev)
            items = sorted(seen.values(), key=lambda e: e.sort_key)
            rows.append(
                ProvisionRow(
                    a.provision, items[:top] if top is not None else items, a.support + b.support,
                    a.supporting_sources | b.supporting_sources, a.conflicts + b.conflicts,
                )
            )
        srcs = sorted({s["id"]: s for s in (*self.sources, *other.sources)}.values(), key=lambda s: str(s["id"]))
        return ProvisionTable(self.plan, self.settings, srcs, rows, self.statements + other.statements)

    def row(self, key: str) -> ProvisionRow:
        """The row of the provision with this id (or ref)."""
        for r in self.rows:
            if r.provision.id == key:
                return r
        for r in self.rows:
            if r.provision.ref == key:
                return r
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        """The table as the JSON contract's dict (see docs/json.md)."""
        from .render.json import table_dict

        return table_dict(self)

    def to_json(self, layout: str = "provision") -> str:
        """The table as JSON text, byte-for-byte the same on every run (the contract, docs/json.md)."""
        from .render.json import render_json

        return render_json(self, layout=layout)

    def to_markdown(self, layout: str = "provision") -> str:
        """The table as GitHub-flavoured Markdown."""
        from .render.markdown import render_markdown

        return render_markdown(self, layout=layout)

    def to_csv(self, layout: str = "provision") -> str:
        """The table as RFC 4180 CSV, one row per (provision, evidence)."""
        from .render.csv import render_csv

        return render_csv(self, layout=layout)

    def to_html(self, layout: str = "provision") -> str:
        """The table as one self-contained HTML page."""
        from .render.html import render_html

        return render_html(self, layout=layout)
