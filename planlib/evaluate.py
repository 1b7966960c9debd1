"""Scoring a run against labelled provision→statement links: precision, recall, F1."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import attrs
from attrs import field

from . import _data
from .errors import GoldFormatError
from .model import Evidence, Plan
from .results import ProvisionTable


def _spans(value: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    return tuple(value)


def _links(value: Iterable[Link]) -> tuple[Link, ...]:
    return tuple(value)


def _scores(value: Iterable[Score]) -> tuple[Score, ...]:
    return tuple(value)


def _evidence(value: Iterable[Evidence]) -> tuple[Evidence, ...]:
    return tuple(value)


__all__ = ["Gold", "Link", "Report", "evaluate", "load_gold"]

_LINK_KEYS = {"source", "quote", "provision", "grade", "note"}


@attrs.frozen
class Link:
    """A labelled link: ``quote`` (an exact substring of ``source``) bears on ``provision``.

    Grade 2 states or echoes the provision (must be found); grade 1 is related (allowed).
    ``spans`` are the quote's occurrences in the source text.
    """

    source: str
    quote: str
    provision: str
    grade: int
    spans: tuple[tuple[int, int], ...] = field(converter=_spans)


@attrs.frozen
class Gold:
    """A labelled-links file: its links and the source files they name, resolved."""

    path: str
    links: tuple[Link, ...] = field(converter=_links)
    files: dict[str, Path] = field(factory=dict, eq=False)

    def source_paths(self) -> list[str]:
        """The source files the links name, as paths that exist, in sorted order."""
        return sorted(str(p) for p in set(self.files.values()))


def _find_file(name: str, gold_path: Path) -> Path | None:
    candidates = [Path(name)]
    candidates += [parent / name for parent in gold_path.resolve().parents]
    if name.startswith("seeds/"):
        candidates.append(_data.seeds_dir() / name.removeprefix("seeds/"))
    for c in candidates:
        if c.is_file():
            return c
    return None


def load_gold(path: Path | str) -> Gold:
    """Read a labelled-links TOML file (the format of docs/evaluate.md) and locate each quote."""
    p = Path(path)
    table = _data.load_toml(p, GoldFormatError)
    rows = table.get("link")
    if not isinstance(rows, list) or not rows:
        raise GoldFormatError("needs at least one [[link]]", where=str(p))
    files: dict[str, Path] = {}
    texts: dict[str, str] = {}
    links = []
    for i, row in enumerate(rows, 1):
        where = f"{p} link #{i}"
        if not isinstance(row, dict):
            raise GoldFormatError("a link must be a table", where=where)
        unknown = sorted(set(row) - _LINK_KEYS)
        if unknown:
            raise GoldFormatError(f"unknown key {unknown[0]!r}", where=where, hint=f"keys: {', '.join(sorted(_LINK_KEYS))}")
        for key in ("source", "quote", "provision"):
            if not isinstance(row.get(key), str) or not row[key].strip():
                raise GoldFormatError(f"field {key!r} must be a non-empty string", where=where)
        grade = row.get("grade")
        if grade not in (1, 2) or isinstance(grade, bool):
            raise GoldFormatError(f"field 'grade' must be 1 or 2, got {grade!r}", where=where)
        name = row["source"]
        if name not in files:
            found = _find_file(name, p)
            if found is None:
                raise GoldFormatError(f"source file {name!r} not found", where=where, hint="paths are relative to the project root")
            files[name] = found
            texts[name] = found.read_bytes().decode("utf-8-sig")
        text, quote = texts[name], row["quote"]
        spans, at = [], text.find(quote)
        while at >= 0:
            spans.append((at, at + len(quote)))
            at = text.find(quote, at + 1)
        if not spans:
            raise GoldFormatError(f"quote is not in {name}: {quote[:60]!r}", where=where)
        links.append(Link(name, quote, row["provision"], grade, spans))
    return Gold(str(p), links, files)


def hits(start: int, end: int, link_span: tuple[int, int]) -> bool:
    """Whether an evidence span hits a quote: covers at least half of it, and is no longer
    than max(400, 3 × the quote's length)."""
    qs, qe = link_span
    qlen = qe - qs
    overlap = min(end, qe) - max(start, qs)
    return overlap * 2 >= qlen and (end - start) <= max(400, 3 * qlen)


@attrs.frozen
class Score:
    """Counts and rates for one provision key, or overall."""

    key: str
    true_positives: int
    false_positives: int
    found: int
    must_find: int

    @property
    def precision(self) -> float:
        n = self.true_positives + self.false_positives
        return self.true_positives / n if n else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.must_find if self.must_find else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@attrs.frozen
class Report:
    """Precision, recall and F1 overall and per provision, with the misses and false positives."""

    overall: Score
    per_provision: tuple[Score, ...] = field(converter=_scores)
    missed: tuple[Link, ...] = field(converter=_links)
    false_positives: tuple[Evidence, ...] = field(converter=_evidence)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data (the ``--format json`` of ``planlib evaluate``)."""
        def row(s: Score) -> dict[str, Any]:
            return {"provision": s.key, "precision": round(s.precision, 4), "recall": round(s.recall, 4),
                    "f1": round(s.f1, 4), "true_positives": s.true_positives, "false_positives": s.false_positives,
                    "found": s.found, "must_find": s.must_find}
        return {
            "overall": row(self.overall),
            "provisions": [row(s) for s in self.per_provision],
            "missed": [{"source": m.source, "provision": m.provision, "quote": m.quote} for m in self.missed],
            "false_positives": [
                {"provision": e.provision, "path": e.statement.path, "start": e.statement.start,
                 "end": e.statement.end, "text": e.statement.text, "score": e.score}
                for e in self.false_positives
            ],
        }

    def to_markdown(self) -> str:
        """The report as a Markdown table, overall first."""
        lines = ["| Provision | Precision | Recall | F1 | TP | FP | Found / must find |", "|---|---:|---:|---:|---:|---:|---:|"]
        for s in (self.overall, *self.per_provision):
            lines.append(f"| {s.key} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.true_positives} "
                         f"| {s.false_positives} | {s.found} / {s.must_find} |")
        if self.missed:
            lines += ["", "Missed (grade 2, not found):", ""]
            lines += [f"- {m.provision}: {m.source}: “{m.quote}”" for m in self.missed]
        if self.false_positives:
            lines += ["", "False positives:", ""]
            lines += [f"- {e.provision} ({e.score:.1f}): {e.statement.path}:{e.statement.start}-{e.statement.end}: "
                      f"“{e.statement.text[:160]}”" for e in self.false_positives]
        return "\n".join(lines) + "\n"


@lru_cache(maxsize=4096)
def _resolved(path: str) -> Path | None:
    try:
        return Path(path).resolve()
    except OSError:  # pragma: no cover
        return None


def _same_file(evidence_path: str, link_source: str, files: dict[str, Path]) -> bool:
    if evidence_path == link_source:
        return True
    target = files.get(link_source)
    if target is not None and _resolved(evidence_path) == _resolved(str(target)):
        return True
    a, b = evidence_path.split("/"), link_source.split("/")
    n = min(len(a), len(b))
    return n > 0 and a[-n:] == b[-n:]


def evaluate(table: ProvisionTable | Sequence[ProvisionTable], gold: Gold) -> Report:
    """Score the evidence of ``table`` (or of several tables of one corpus) against ``gold``.

    A gold provision names a provision id, a ref, or a bare point number (which takes in its
    sub-points). Evidence flagged ``conflicting_figure`` is not counted as support.
    """
    tables = [table] if isinstance(table, ProvisionTable) else list(table)
    plan_of: dict[str, Plan] = {}
    evidence: list[Evidence] = []
    for t in tables:
        for r in t.rows:
            plan_of[r.provision.id] = t.plan
            evidence.extend(e for e in r.evidence if "conflicting_figure" not in e.flags)
    links_for: dict[str, list[Link]] = {}
    for link in gold.links:
        for t in tables:
            for p in t.plan.select(link.provision):
                links_for.setdefault(p.id, []).append(link)

    def hit(ev: Evidence, link: Link) -> bool:
        s = ev.statement
        return _same_file(s.path, link.source, gold.files) and any(hits(s.start, s.end, span) for span in link.spans)

    tp: dict[str, int] = {}
    fp: dict[str, int] = {}
    fps = []
    key_of: dict[str, str] = {}
    for link in gold.links:
        for t in tables:
            for p in t.plan.select(link.provision):
                key_of.setdefault(p.id, link.provision)
    for ev in evidence:
        key = key_of.get(ev.provision, ev.provision)
        if any(hit(ev, link) for link in links_for.get(ev.provision, ())):
            tp[key] = tp.get(key, 0) + 1
        else:
            fp[key] = fp.get(key, 0) + 1
            fps.append(ev)
    found: dict[str, int] = {}
    must: dict[str, int] = {}
    missed = []
    by_id = {}
    for t in tables:
        for r in t.rows:
            by_id[r.provision.id] = r
    for link in gold.links:
        if link.grade != 2:
            continue
        must[link.provision] = must.get(link.provision, 0) + 1
        ids = [p.id for t in tables for p in t.plan.select(link.provision)]
        if any(hit(e, link) for e in evidence if e.provision in ids):
            found[link.provision] = found.get(link.provision, 0) + 1
        else:
            missed.append(link)
    keys = sorted(set(tp) | set(fp) | set(must), key=_natural)
    per = [Score(k, tp.get(k, 0), fp.get(k, 0), found.get(k, 0), must.get(k, 0)) for k in keys]
    overall = Score("overall", sum(tp.values()), sum(fp.values()), sum(found.values()), sum(must.values()))
    fps.sort(key=lambda e: (e.provision, e.sort_key))
    return Report(overall, per, missed, fps)


def _natural(key: str) -> tuple[int, str]:
    digits = "".join(ch for ch in key if ch.isdigit())
    return (int(digits) if digits and key[0].isdigit() else -1, key)


def provisions_in(links: Iterable[Link]) -> list[str]:
    """The distinct provision keys of some links, in natural order."""
    return sorted({link.provision for link in links}, key=_natural)
