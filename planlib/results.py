"""The provision-to-source table a run produces: ranked evidence per provision, mergeable."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import attrs
from attrs import field

from . import _spool
from ._spool import Prerender, Run, Spool, SpooledEvidence, Texts
from .model import Evidence, Plan, Provision

__all__ = ["SPILL_AT", "Prerender", "ProvisionRow", "ProvisionTable", "SortKey", "SpooledEvidence", "Tally"]

SPILL_AT = 4096
"""With ``top=None``, the pieces of evidence a run holds in memory before it writes them out to
a temporary file (:class:`SpooledEvidence`), so that its memory does not grow with the corpus."""


def _freeze(settings: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> tuple[tuple[str, Any], ...]:
    items = settings.items() if isinstance(settings, Mapping) else settings
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in items))


def _evidence(value: Iterable[Evidence]) -> Sequence[Evidence]:
    return value if isinstance(value, SpooledEvidence) else tuple(value)


def _rows(value: Iterable[ProvisionRow]) -> tuple[ProvisionRow, ...]:
    return tuple(value)


def _infos(value: Iterable[dict[str, str | None]]) -> tuple[dict[str, str | None], ...]:
    return tuple(value)


@attrs.frozen
class ProvisionRow:
    """One provision with its best evidence (at most ``top``), and counts over all support.

    ``support`` counts every statement that scored at least ``min_score`` without a
    conflicting figure; ``supporting_sources`` names the sources they came from. ``evidence``
    is a tuple, best first, or, when a run kept more than :data:`SPILL_AT` pieces, a
    :class:`SpooledEvidence` read from disk as it is iterated (equal to the tuple of it).
    """

    provision: Provision
    evidence: Sequence[Evidence] = field(converter=_evidence)
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
        tally = Tally(plan, settings)
        for info in sources:
            tally.add_source(info)
        for ev in evidence:
            tally.add(ev)
        tally.statements = statements
        return tally.table(plan)

    def merge(self, other: ProvisionTable) -> ProvisionTable:
        """The table of both parts' statements together (the parts must be disjoint).

        Associative and commutative: evidence is ranked by :attr:`Evidence.sort_key`, which
        no two statements share, and the best ``top`` of a union are the best of the parts' best.
        """
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
        return ProvisionTable(self.plan, self.settings, _sorted_infos((*self.sources, *other.sources)), rows,
                              self.statements + other.statements)

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


def _info_key(info: Mapping[str, str | None]) -> tuple[str, ...]:
    return tuple("" if info.get(k) is None else "\x01" + str(info.get(k)) for k in ("id", "path", "kind", "title"))


def _sorted_infos(infos: Iterable[dict[str, str | None]]) -> list[dict[str, str | None]]:
    """One info per source id, sorted by id; of two infos with one id the least wins, so the
    outcome does not depend on the order parts arrive in."""
    best: dict[str, dict[str, str | None]] = {}
    for info in infos:
        sid = str(info["id"])
        if sid not in best or _info_key(info) < _info_key(best[sid]):
            best[sid] = info
    return [best[k] for k in sorted(best)]


class Tally:
    """What a run keeps while it reads: at most ``top`` best evidence per provision, the counts,
    the supporting source ids and the sources read. With a ``top``, memory does not grow with
    the statements. With ``top=None`` every piece is kept; given ``spill_at``, the tally writes
    its evidence out to a temporary file whenever it holds more than that many pieces, each
    provision's sorted, and :meth:`table` reads them back merged (:class:`SpooledEvidence`).

    Tallies of disjoint parts of a corpus :meth:`merge` into the tally of the whole, in any
    grouping and order; :meth:`table` turns one into the :class:`ProvisionTable`. Picklable
    while nothing is spilled, so workers can send theirs back. ``prerender``: what :meth:`pack`
    also makes each packed piece into, ahead of writing (see :class:`Prerender`).
    """

    def __init__(
        self, plan: Plan, settings: Mapping[str, Any], spill_at: int | None = None,
        prerender: Prerender | None = None,
    ) -> None:
        self.ids = tuple(p.id for p in plan.provisions)
        self._index = {pid: i for i, pid in enumerate(self.ids)}
        self.settings = _freeze(settings)
        top = dict(self.settings).get("top")
        self.top: int | None = top
        self._cut = None if top is None else 2 * top + 32  # sort and cut only now and then
        self.evidence: list[list[Evidence]] = [[] for _ in self.ids]
        self.support = [0] * len(self.ids)
        self.conflicts = [0] * len(self.ids)
        self.supporting: dict[str, int] = {}
        """Per supporting source id, the provisions it supports, as a mask (bit ``i``: provision
        ``i``): one entry a source, where a set per provision held it once for each of them."""
        self.sources: dict[str, dict[str, str | None]] = {}
        self.statements = 0
        if spill_at is not None and spill_at < 1:
            raise ValueError(f"spill_at must be at least 1 or None, got {spill_at}")
        self._spill_at = spill_at if top is None else None  # with a top, the cut keeps memory flat
        self._held = 0
        self._spool: Spool | None = None
        self._runs: list[list[Run]] = [[] for _ in self.ids]
        self._spilled = [0] * len(self.ids)
        self.prerender = prerender
        # per provision: blocks of pack(), their counts, and the prerender's key and texts of them, if any
        self._packed: list[list[tuple[bytes, int, tuple[Hashable, bytes] | None]]] = [[] for _ in self.ids]
        self._texts: list[list[Texts | None]] = [[] for _ in self.ids]  # per run of _runs: its texts, if any

    def add_source(self, info: dict[str, str | None]) -> None:
        """Note a source read (one entry per source id, whatever the order)."""
        sid = str(info["id"])
        held = self.sources.get(sid)
        if held is None or (held != info and _info_key(info) < _info_key(held)):
            self.sources[sid] = info

    def add(self, ev: Evidence) -> None:
        """Count one piece of evidence (already at or above the threshold)."""
        i = self._index[ev.provision]
        if "conflicting_figure" in ev.flags:
            self.conflicts[i] += 1
        else:
            self.support[i] += 1
            source = ev.statement.source
            self.supporting[source] = self.supporting.get(source, 0) | 1 << i
        kept = self.evidence[i]
        kept.append(ev)
        if self._cut is not None and len(kept) > self._cut:
            self.evidence[i] = self._best(kept)
        elif self._spill_at is not None:
            self._held += 1
            if self._held > self._spill_at:
                self._spill()

    def _spill(self) -> None:
        """Write every provision's evidence held in memory out as one sorted run."""
        if self._spool is None:
            self._spool = Spool()
        for i, kept in enumerate(self.evidence):
            if kept:
                kept.sort(key=_sort_key)
                self._runs[i].append(self._spool.write(kept))
                self._texts[i].append(None)
                self._spilled[i] += len(kept)
        self.evidence = [[] for _ in self.ids]
        self._held = 0

    def pack(self, keep: str | None = None) -> None:
        """Ready the evidence to go back from a worker and out to the driver's temporary file
        unread: with ``top=None``, each provision's evidence is sorted and pickled into one
        block, which :meth:`merge` into a tally that spills writes out as it is, sparing the
        driver the reading and the writing of every piece. With a :attr:`prerender`, each block
        also goes with the text it makes of each piece, which the driver writes out unread too,
        and a writer of that text takes from there (:meth:`SpooledEvidence.texts`) rather than
        make it again: the making is done on the workers, side by side. Evidence of the source
        ``keep`` stays as it is (a worker keeps the document its chunk began in, whose offsets
        the driver may yet move). It is the same tally: what reads its evidence reads the blocks
        too, and :meth:`unpack` turns them back at once (their texts dropped). With a ``top``
        nothing is packed: such a tally holds few pieces, and the driver's bars must still cut them."""
        if self.top is not None:
            return
        for i, kept in enumerate(self.evidence):
            stay = [ev for ev in kept if ev.statement.source == keep] if keep is not None else []
            going = [ev for ev in kept if ev.statement.source != keep] if stay else kept
            if going:
                going.sort(key=_sort_key)
                render = self.prerender
                texts = None if render is None else (render.key, _spool.pack_texts(going, render))
                self._packed[i].append((_spool.pack(going), len(going), texts))
                self.evidence[i] = stay
                if self._spill_at is not None:
                    self._held -= len(going)

    def unpack(self) -> None:
        """Turn the blocks :meth:`pack` made back into evidence held in memory."""
        for i, blocks in enumerate(self._packed):
            for data, count, _texts in blocks:
                self.evidence[i].extend(_spool.unpack(data))
                if self._spill_at is not None:
                    self._held += count
            blocks.clear()
        if self._spill_at is not None and self._held > self._spill_at:
            self._spill()

    def _take_packed(self, i: int, data: bytes, count: int, texts: tuple[Hashable, bytes] | None) -> None:
        """Take a block of another tally's :meth:`pack` for provision ``i``, with its texts if
        any: out to the temporary file unread if this tally spills, else kept as a block."""
        if self._spill_at is None:
            self._packed[i].append((data, count, texts))
            return
        if self._spool is None:
            self._spool = Spool()
        self._runs[i].append(self._spool.write_packed(data))
        self._texts[i].append(None if texts is None else (texts[0], self._spool.write_packed(texts[1])))
        self._spilled[i] += count

    def _all(self, i: int) -> list[Evidence]:
        """Provision ``i``'s evidence, spilled or not, in memory (unsorted)."""
        if self._spool is None or not self._runs[i]:
            return self.evidence[i]
        return [ev for run in self._runs[i] for ev in self._spool.read(run)] + self.evidence[i]

    def _best(self, items: list[Evidence]) -> list[Evidence]:
        items.sort(key=_sort_key)
        return items[: self.top] if self.top is not None else items

    def trim(self, bars: Sequence[SortKey | None] | None = None) -> None:
        """Keep only the ``top`` best evidence per provision (what a merge could still use) and,
        given the :meth:`bars` of the tally this one will merge into, only what beats them."""
        if self.top is not None:
            self.evidence = [self._best(kept) for kept in self.evidence]
        if bars is not None and any(bar is not None for bar in bars):
            self.unpack()
            self.evidence = [
                kept if bar is None else [ev for ev in kept if ev.sort_key < bar]
                for kept, bar in zip(self.evidence, bars, strict=True)
            ]

    def bars(self) -> tuple[SortKey | None, ...]:
        """Per provision, the sort key evidence must beat to still make this tally's ``top``
        (``None`` while there is room). Merging only adds evidence, so a bar only ever rises:
        evidence that does not beat it now never makes the table."""
        top = self.top
        return tuple(
            None if top is None or len(kept) < top else self._best(kept)[top - 1].sort_key
            for kept in self.evidence
        )

    def merge(self, other: Tally) -> Tally:
        """Add another tally of a disjoint part into this one (in place) and return this one."""
        if self.ids != other.ids or self.settings != other.settings:
            raise ValueError("only tallies of the same plan and settings merge")
        for i in range(len(self.ids)):
            if self.top is None:
                incoming = other._all(i)
                self.evidence[i].extend(incoming)
                self._held += len(incoming)
                for data, count, texts in other._packed[i]:
                    self._take_packed(i, data, count, texts)
            else:
                self.evidence[i] = self._best(self.evidence[i] + other.evidence[i])
            self.support[i] += other.support[i]
            self.conflicts[i] += other.conflicts[i]
        if self._spill_at is not None and self._held > self._spill_at:
            self._spill()
        for source, mask in other.supporting.items():
            self.supporting[source] = self.supporting.get(source, 0) | mask
        for info in other.sources.values():
            self.add_source(info)
        self.statements += other.statements
        return self

    def table(self, plan: Plan) -> ProvisionTable:
        """The provision table of everything tallied (``plan`` is the one the tally was made for)."""
        if tuple(p.id for p in plan.provisions) != self.ids:
            raise ValueError("the tally was made for another plan")
        self.unpack()
        masks = self.supporting.items()
        rows = [  # each provision's set built straight from the masks: no lists of them all besides
            ProvisionRow(p, self._listed(i), self.support[i],
                         frozenset(source for source, mask in masks if mask >> i & 1), self.conflicts[i])
            for i, p in enumerate(plan.provisions)
        ]
        sources = [self.sources[sid] for sid in sorted(self.sources)]  # one info per id already: no copy to dedupe
        return ProvisionTable(plan, self.settings, sources, rows, self.statements)

    def _listed(self, i: int) -> Sequence[Evidence]:
        """Provision ``i``'s evidence as its row lists it, best first."""
        rest = self._best(list(self.evidence[i]))
        if self._spool is None or not self._runs[i]:
            return rest
        return SpooledEvidence(self._spool, self._runs[i], rest, self._spilled[i] + len(rest), self._texts[i])

    def __getstate__(self) -> dict[str, Any]:
        if self._spool is not None:
            raise TypeError("a tally that has spilled evidence to disk does not pickle; merge tallies that have not")
        return self.__dict__


SortKey = tuple[float, str, int, int, str]
"""The ranking key of a piece of evidence (:attr:`~planlib.model.Evidence.sort_key`)."""


def _sort_key(ev: Evidence) -> SortKey:
    return ev.sort_key
