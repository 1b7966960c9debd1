"""Two versions of a plan side by side: which provisions were kept, changed, added or removed, and how."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
from attrs import field, validators
from rapidfuzz import fuzz

from .model import Plan, Provision
from .text import cue_form, figures, lexicon, normalize, tokens

__all__ = [
    "MIN_SIMILARITY",
    "REF_MIN_SIMILARITY",
    "STATUSES",
    "Change",
    "Comparison",
    "FigureChange",
    "compare",
    "similarity",
]

STATUSES = ("unchanged", "modified", "added", "removed")
"""What became of a provision between two versions."""

MIN_SIMILARITY = 60.0
"""The least similarity (0–100) at which provisions under different refs are paired as one."""

REF_MIN_SIMILARITY = 20.0
"""The least similarity (0–100) at which provisions sharing a ref but not an id are paired."""


def _figures(value: Iterable[FigureChange]) -> tuple[FigureChange, ...]:
    return tuple(value)


def _strs(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _diff(value: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((op, text) for op, text in value)


def _changes(value: Iterable[Change]) -> tuple[Change, ...]:
    return tuple(value)


def _provisions(value: Iterable[Provision]) -> tuple[Provision, ...]:
    return tuple(value)


@attrs.frozen
class FigureChange:
    """A number of the old version and what it became (``None`` on the side that lacks it)."""

    old: float | None
    new: float | None

    def describe(self) -> str:
        """The change in words: ``600,000 → 800,000``, ``100,000,000,000 → none``."""
        return f"{_number(self.old)} → {_number(self.new)}"


@attrs.frozen
class Change:
    """What became of one provision: its status, both sides, and for modified ones what changed.

    ``old`` and ``new`` are the provision in each version (``None`` where it has none);
    ``report`` is the record of a version that reports the provision dropped (``status =
    "dropped"``), with ``reported_by`` and ``confirmed``. ``similarity`` (0–100) is the score
    the pair was aligned with, ``None`` for a provision without a partner. ``diff`` is the
    word-level diff of the summaries: ``(op, words)`` pieces, ``op`` one of equal, delete,
    insert.
    """

    status: str = field(validator=validators.in_(STATUSES))
    old: Provision | None
    new: Provision | None
    similarity: float | None = None
    report: Provision | None = None
    figures: tuple[FigureChange, ...] = field(default=(), converter=_figures)
    places_added: tuple[str, ...] = field(default=(), converter=_strs)
    places_removed: tuple[str, ...] = field(default=(), converter=_strs)
    actors_added: tuple[str, ...] = field(default=(), converter=_strs)
    actors_removed: tuple[str, ...] = field(default=(), converter=_strs)
    negations_added: tuple[str, ...] = field(default=(), converter=_strs)
    negations_removed: tuple[str, ...] = field(default=(), converter=_strs)
    diff: tuple[tuple[str, str], ...] = field(default=(), converter=_diff)

    @property
    def ref(self) -> str:
        """The ref to show: the old version's, else the new one's, else the report's."""
        side = self.old or self.new or self.report
        assert side is not None
        return side.ref

    @property
    def explanation(self) -> str:
        """What happened to the provision, in one line of words."""
        if self.report is not None:
            who = ", ".join(self.report.reported_by) or "the version"
            sure = "" if self.report.confirmed else " (unconfirmed)"
            verb = "dropped in the new version" if self.status == "removed" else "dropped in the old version"
            return f"reported {verb} by {who}{sure}"
        if self.status == "added":
            return "only in the new version"
        if self.status == "removed":
            return "only in the old version"
        if self.old is not None and self.new is not None and self.old.status == self.new.status == "dropped":
            return "reported dropped in both versions"
        if self.status == "unchanged":
            kept = self.new if self.new is not None and self.new.reported_by else self.old
            if kept is not None and kept.status == "kept" and kept.reported_by:
                sure = "" if kept.confirmed else " (unconfirmed)"
                return f"same title, summary and concepts; reported kept by {', '.join(kept.reported_by)}{sure}"
            return "same title, summary and concepts"
        parts = [f"figure {f.describe()}" for f in self.figures]
        for label, items in (
            ("places added", self.places_added), ("places removed", self.places_removed),
            ("actors added", self.actors_added), ("actors removed", self.actors_removed),
            ("negation added", self.negations_added), ("negation removed", self.negations_removed),
        ):
            if items:
                parts.append(f"{label}: " + ", ".join(f"“{i}”" for i in items))
        if any(op != "equal" for op, _ in self.diff):
            parts.append("summary: " + diff_text(self.diff))
        elif self.old is not None and self.new is not None and self.old.title != self.new.title:
            parts.append(f"title: “{self.old.title}” → “{self.new.title}”")
        else:
            parts.append("concepts or tags changed")
        return "; ".join(parts)

    def sides(self) -> tuple[Provision | None, Provision | None]:
        """The record each version holds for this change: a report of a drop stands on the side
        of the version that made it (the new one for ``removed``, the old one for ``added``)."""
        old = self.old if self.old is not None else (self.report if self.status == "added" else None)
        new = self.new if self.new is not None else (self.report if self.status == "removed" else None)
        return old, new

    def mirrored(self) -> Change:
        """The same change seen from the other side: old and new swapped, added ↔ removed."""
        swap = {"added": "removed", "removed": "added"}
        return attrs.evolve(
            self, status=swap.get(self.status, self.status), old=self.new, new=self.old,
            figures=[FigureChange(f.new, f.old) for f in self.figures],
            places_added=self.places_removed, places_removed=self.places_added,
            actors_added=self.actors_removed, actors_removed=self.actors_added,
            negations_added=self.negations_removed, negations_removed=self.negations_added,
            diff=[({"delete": "insert", "insert": "delete"}.get(op, op), t) for op, t in self.diff],
        )


@attrs.frozen
class Comparison:
    """Two plan versions aligned provision by provision.

    Every provision of both plans is accounted for exactly once: as ``old``, ``new`` or
    ``report`` of one change, or, where the other version is ``partial`` (known only through
    reports), in ``unreported_old`` / ``unreported_new``: provisions the other version says
    nothing about. Changes come in the old plan's order, added ones after, in the new plan's
    order.
    """

    old: Plan
    new: Plan
    changes: tuple[Change, ...] = field(converter=_changes)
    unreported_old: tuple[Provision, ...] = field(default=(), converter=_provisions)
    unreported_new: tuple[Provision, ...] = field(default=(), converter=_provisions)

    def counts(self) -> dict[str, int]:
        """How many changes have each status (every status listed, in ``STATUSES`` order)."""
        return {s: sum(1 for c in self.changes if c.status == s) for s in STATUSES}

    def change(self, key: str) -> Change:
        """The change whose old (else new) provision has this id, or else this ref."""
        for attr in ("id", "ref"):
            for c in self.changes:
                for side in (c.old, c.new, c.report):
                    if side is not None and getattr(side, attr) == key:
                        return c
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        """The comparison as the JSON contract's dict (see docs/json.md)."""
        from .render.compare import comparison_dict

        return comparison_dict(self)

    def to_json(self) -> str:
        """The comparison as JSON text, byte-for-byte the same on every run."""
        from .render.compare import COMPARE_FORMATS

        return COMPARE_FORMATS["json"](self)

    def to_markdown(self) -> str:
        """The comparison as a GitHub-flavoured Markdown table."""
        from .render.compare import comparison_markdown

        return comparison_markdown(self)

    def to_csv(self) -> str:
        """The comparison as RFC 4180 CSV, one row per change."""
        from .render.compare import comparison_csv

        return comparison_csv(self)

    def to_html(self) -> str:
        """The comparison as one self-contained HTML page, the versions side by side."""
        from .render.compare import comparison_html

        return comparison_html(self)


def similarity(a: Provision, b: Provision) -> float:
    """How alike two provisions are, 0–100 (symmetric): half concept overlap, half text.

    The concept half is the Jaccard overlap of their concepts' folded terms, places and
    figure values; the text half is rapidfuzz's ``token_sort_ratio`` of title and summary.
    Rounded to one decimal.
    """
    sa, sb = _signature(a), _signature(b)
    overlap = len(sa & sb) / len(sa | sb) if sa | sb else 1.0
    text = fuzz.token_sort_ratio(normalize(f"{a.title} {a.summary}"), normalize(f"{b.title} {b.summary}"))
    return round(50.0 * overlap + 0.5 * float(text), 1)


def compare(old: Plan, new: Plan) -> Comparison:
    """Align the provisions of two versions of a plan one-to-one and say what became of each.

    Pairs are made by ref first (within a shared ref: same id, then the most similar, at
    least ``REF_MIN_SIMILARITY``), then within a shared point number (``21`` with ``21b``,
    same floor), then by similarity across refs (at least ``MIN_SIMILARITY``); ties go to the
    pair whose ids sort first. A pair is ``unchanged``
    when title, summary, tags and concepts are equal, else ``modified``; a provision the new
    version reports ``status = "dropped"`` is ``removed`` (``added`` if the old one does).
    Unpaired provisions are ``removed`` or ``added``, except that where the other version is
    ``partial`` they are unreported (see :class:`Comparison`). ``compare(b, a)`` mirrors
    ``compare(a, b)``.
    """
    pairs = _align(old.provisions, new.provisions)
    by_old = {id(o): (n, s) for o, n, s in pairs}
    paired_new = {id(n) for _o, n, _s in pairs}
    changes: list[Change] = []
    unreported_old: list[Provision] = []
    unreported_new: list[Provision] = []
    for o in old.provisions:
        if id(o) in by_old:
            n, sim = by_old[id(o)]
            changes.append(_pair(o, n, sim))
        elif new.partial:
            unreported_old.append(o)
        else:
            changes.append(_alone(o, "removed"))
    for n in new.provisions:
        if id(n) in paired_new:
            continue
        if old.partial:
            unreported_new.append(n)
        else:
            changes.append(_alone(n, "added"))
    return Comparison(old, new, changes, unreported_old, unreported_new)


def diff_text(diff: Iterable[tuple[str, str]]) -> str:
    """A word diff in one line: deleted words as ``[-…-]``, inserted ones as ``{+…+}``."""
    out = []
    for op, text in diff:
        out.append({"delete": f"[-{text}-]", "insert": f"{{+{text}+}}"}.get(op, text))
    return " ".join(out)


def _signature(p: Provision) -> frozenset[str]:
    out: set[str] = set()
    for c in p.concepts:
        out.update(normalize(t) for t in c.terms)
        out.update(f"place:{normalize(pl)}" for pl in c.places)
        if c.value is not None:
            out.add(f"figure:{c.value:g}")
    return frozenset(out)


def _align(
    olds: tuple[Provision, ...], news: tuple[Provision, ...]
) -> list[tuple[Provision, Provision, float]]:
    """One-to-one pairs (old, new, similarity): same ref and id, same ref, same point, then most similar."""
    pairs: list[tuple[Provision, Provision, float]] = []
    free_old = list(olds)
    free_new = list(news)

    def take(candidates: list[tuple[Provision, Provision]], floor: float) -> None:
        scored = [(similarity(o, n), o, n) for o, n in candidates]
        scored = [t for t in scored if t[0] >= floor]
        scored.sort(key=lambda t: (-t[0], *sorted((t[1].id, t[2].id))))
        used_o: set[int] = set()
        used_n: set[int] = set()
        for sim, o, n in scored:
            if id(o) in used_o or id(n) in used_n:
                continue
            used_o.add(id(o))
            used_n.add(id(n))
            pairs.append((o, n, sim))
        _drop(free_old, used_o)
        _drop(free_new, used_n)

    take([(o, n) for o in free_old for n in free_new if o.ref == n.ref and o.id == n.id], 0.0)
    take([(o, n) for o in free_old for n in free_new if o.ref == n.ref], REF_MIN_SIMILARITY)
    take([(o, n) for o in free_old for n in free_new if _point(o.ref) == _point(n.ref)], REF_MIN_SIMILARITY)
    take([(o, n) for o in free_old for n in free_new], MIN_SIMILARITY)
    return pairs


def _point(ref: str) -> str:
    """The point a ref belongs to: ``21`` for ``21``, ``21a`` and ``21d``."""
    return ref.rstrip("abcdefghijklmnopqrstuvwxyz") or ref


def _drop(free: list[Provision], used: set[int]) -> None:
    free[:] = [p for p in free if id(p) not in used]


def _alone(p: Provision, status: str) -> Change:
    if p.status == "dropped":
        # A report of a drop with no partner: the new version reports a removal (the old one,
        # mirrored, an addition); neither side holds the provision itself.
        return Change("removed" if status == "added" else "added", None, None, None, report=p)
    return Change(status, p if status == "removed" else None, p if status == "added" else None)


def _pair(o: Provision, n: Provision, sim: float) -> Change:
    if n.status == "dropped" and o.status != "dropped":
        return Change("removed", o, None, sim, report=n)
    if o.status == "dropped" and n.status != "dropped":
        return Change("added", None, n, sim, report=o)
    if o.status == "dropped" and n.status == "dropped":
        return Change("unchanged", o, n, sim)
    if _content(o) == _content(n):
        return Change("unchanged", o, n, sim)
    places = (_places(o), _places(n))
    actors = (_actors(o), _actors(n))
    negs = (_negations(o), _negations(n))
    return Change(
        "modified", o, n, sim, figures=_figure_changes(o, n),
        places_added=_sorted(places[1] - places[0]), places_removed=_sorted(places[0] - places[1]),
        actors_added=_sorted(actors[1] - actors[0]), actors_removed=_sorted(actors[0] - actors[1]),
        negations_added=_sorted(negs[1] - negs[0]), negations_removed=_sorted(negs[0] - negs[1]),
        diff=_word_diff(o.summary, n.summary),
    )


def _content(p: Provision) -> tuple[object, ...]:
    return (p.title, p.summary, p.tags, p.concepts)


def _sorted(items: set[str]) -> list[str]:
    return sorted(items, key=lambda s: (s.casefold(), s))


def _places(p: Provision) -> set[str]:
    return {pl for c in p.concepts for pl in c.places}


def _actors(p: Provision) -> set[str]:
    return {c.name for c in p.concepts if c.kind == "actor"}


def _negations(p: Provision) -> set[str]:
    lex = lexicon()
    return {cue_form(t.surface) for t in tokens(p.summary) if lex.negates(t.surface)}


def _values(p: Provision) -> set[float]:
    out = {float(c.value) for c in p.concepts if c.value is not None}
    text = f"{p.title} {p.summary}"
    out.update(f.value for f in figures(text) if not f.bare_year and _quantity(text, f.start, f.end, f.value))
    return out


def _quantity(text: str, start: int, end: int, value: float) -> bool:
    """A number that counts something (``600,000``, ``$100bn``, ``50%``), not a label (``Article 5``)."""
    surface = text[start:end]
    return value >= 1000 or not surface.isdigit() or text[max(0, start - 1):start] in {"$", "€", "£"}


def _figure_changes(o: Provision, n: Provision) -> list[FigureChange]:
    """Figures only one side has, paired in order of size: 600,000 → 800,000."""
    vo, vn = _values(o), _values(n)
    gone, came = sorted(vo - vn), sorted(vn - vo)
    out = [FigureChange(a, b) for a, b in zip(gone, came, strict=False)]
    out += [FigureChange(a, None) for a in gone[len(came):]]
    out += [FigureChange(None, b) for b in came[len(gone):]]
    return out


def _word_diff(a: str, b: str) -> list[tuple[str, str]]:
    wa, wb = a.split(), b.split()
    out: list[tuple[str, str]] = []

    def add(op: str, words: list[str]) -> None:
        if words:
            out.append((op, " ".join(words)))

    import difflib  # here, not at the top: only comparing plans uses it

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes():
        if tag == "equal":
            add("equal", wa[i1:i2])
        else:
            add("delete", wa[i1:i2])
            add("insert", wb[j1:j2])
    return out


def _number(value: float | None) -> str:
    if value is None:
        return "none"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"

