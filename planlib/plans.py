"""Plan files (TOML) to validated ``Plan`` records, with errors that name file, provision, field."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import _data
from .errors import PlanFormatError
from .model import CONCEPT_KINDS, Concept, Plan, Provision
from .places import Gazetteer, load_gazetteer

__all__ = ["bundled_plans", "load_plan"]

_TOP_KEYS = {"format", "plan", "provision"}
_PLAN_KEYS = {"id", "title", "date", "issuer", "description", "note", "basis", "partial"}
_PROVISION_KEYS = {
    "id", "ref", "title", "summary", "tags", "note", "min_concepts", "status", "reported_by", "confirmed", "concept",
}
_CONCEPT_KEYS = {"name", "kind", "terms", "places", "required", "value"}
_TYPES: dict[str, tuple[type, ...]] = {
    "id": (str,), "ref": (str,), "title": (str,), "summary": (str,), "note": (str,), "date": (str,),
    "issuer": (str,), "description": (str,), "basis": (str,), "name": (str,), "kind": (str,),
    "status": (str,), "tags": (list,), "terms": (list,), "places": (list,), "reported_by": (list,),
    "required": (bool,), "confirmed": (bool,), "partial": (bool,), "min_concepts": (int,), "value": (int, float),
}
_OPTIONAL = {"note", "date", "issuer", "description", "basis", "partial", "tags", "terms", "places", "reported_by",
             "required", "confirmed", "min_concepts", "value", "status"}


def bundled_plans() -> tuple[str, ...]:
    """Ids of the plans that ship with planlib."""
    return tuple(sorted(p.stem for p in _data.data_file("plans").glob("*.toml")))


def load_plan(path: Path | str | None = None, *, gazetteer: Gazetteer | None = None) -> Plan:
    """Read and validate a plan file.

    ``path`` is a file, or the id of a bundled plan; ``None`` means the bundled US 28-point
    plan. Place names in concepts must exist in ``gazetteer`` (the bundled one by default).
    Raises ``PlanFormatError`` naming the file, the provision and the field at fault.
    """
    file = _resolve(path)
    where = str(path) if path is not None and Path(str(path)).exists() else f"data/plans/{file.name}"
    table = _data.load_toml(file, PlanFormatError)
    gaz = gazetteer if gazetteer is not None else load_gazetteer()
    return _build(table, where, gaz)


def _resolve(path: Path | str | None) -> Path:
    if path is None:
        return _data.data_file("plans", f"{_data.DEFAULT_PLAN}.toml")
    p = Path(path)
    if p.exists():
        return p
    bundled = _data.data_file("plans", f"{path}.toml")
    if bundled.exists():
        return bundled
    raise PlanFormatError(
        "no such plan file", where=str(path), hint=f"give a path, or one of: {', '.join(bundled_plans())}"
    )


def _check_keys(table: Any, allowed: set[str], required: Iterable[str], where: str) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise PlanFormatError("expected a table", where=where)
    for key in sorted(table):
        if key not in allowed:
            raise PlanFormatError(f"unknown key {key!r}", where=where, hint=f"allowed keys: {', '.join(sorted(allowed))}")
    for key in required:
        if key not in table:
            raise PlanFormatError(f"missing field {key!r}", where=where)
    for key, value in table.items():
        types = _TYPES.get(key)
        if types is None:
            continue
        if isinstance(value, bool) and bool not in types:
            ok = False
        else:
            ok = isinstance(value, types)
        if not ok:
            want = " or ".join(t.__name__ for t in types)
            raise PlanFormatError(f"field {key!r} must be {want}, got {type(value).__name__} {value!r}", where=where)
        if isinstance(value, str) and not value.strip():
            raise PlanFormatError(f"field {key!r} is empty", where=where)
        if isinstance(value, list):
            for item in value:
                if not isinstance(item, str) or not item.strip():
                    raise PlanFormatError(f"field {key!r} must hold non-empty strings, got {item!r}", where=where)
    return table


def _build(table: dict[str, Any], where: str, gaz: Gazetteer) -> Plan:
    _check_keys(table, _TOP_KEYS, ("plan", "provision"), where)
    if table.get("format", 1) != 1:
        raise PlanFormatError(f"unsupported format {table['format']!r}", where=where, hint="this planlib reads format = 1")
    head = _check_keys(table["plan"], _PLAN_KEYS, ("id", "title"), f"{where} [plan]")
    rows = table["provision"]
    if not isinstance(rows, list) or not rows:
        raise PlanFormatError("needs at least one [[provision]]", where=where)
    provisions: list[Provision] = []
    seen: dict[str, int] = {}
    for n, row in enumerate(rows, 1):
        pid = row.get("id") if isinstance(row, dict) else None
        pwhere = f"{where} provision {pid!r}" if isinstance(pid, str) else f"{where} provision #{n}"
        provision = _provision(row, pwhere, gaz)
        if provision.id in seen:
            raise PlanFormatError(
                f"duplicate id {provision.id!r} (first used by provision #{seen[provision.id]})", where=pwhere
            )
        seen[provision.id] = n
        provisions.append(provision)
    try:
        return Plan(
            id=head["id"], title=head["title"], provisions=provisions, date=head.get("date"),
            issuer=head.get("issuer"), description=head.get("description"), note=head.get("note"),
            basis=head.get("basis"), partial=head.get("partial", False), path=where,
        )
    except (TypeError, ValueError) as exc:
        raise PlanFormatError(str(exc), where=where) from None


def _provision(row: Any, where: str, gaz: Gazetteer) -> Provision:
    _check_keys(row, _PROVISION_KEYS, ("id", "ref", "title", "summary", "concept"), where)
    raw_concepts = row["concept"]
    if not isinstance(raw_concepts, list) or not raw_concepts:
        raise PlanFormatError("needs at least one [[provision.concept]]", where=where)
    concepts = []
    for i, raw in enumerate(raw_concepts, 1):
        name = raw.get("name") if isinstance(raw, dict) else None
        cwhere = f"{where} concept {name!r}" if isinstance(name, str) else f"{where} concept #{i}"
        concepts.append(_concept(raw, cwhere, gaz))
    try:
        return Provision(
            id=row["id"], ref=row["ref"], title=row["title"], summary=row["summary"], concepts=concepts,
            tags=row.get("tags", ()), note=row.get("note"), min_concepts=row.get("min_concepts"),
            status=row.get("status"), reported_by=row.get("reported_by", ()), confirmed=row.get("confirmed", True),
        )
    except (TypeError, ValueError) as exc:
        raise PlanFormatError(str(exc), where=where) from None


def _concept(raw: Any, where: str, gaz: Gazetteer) -> Concept:
    _check_keys(raw, _CONCEPT_KEYS, ("name", "kind"), where)
    if raw["kind"] not in CONCEPT_KINDS:
        raise PlanFormatError(f"field 'kind' must be one of {', '.join(CONCEPT_KINDS)}, got {raw['kind']!r}", where=where)
    for place in raw.get("places", ()):
        try:
            gaz.get(place)
        except KeyError:
            raise PlanFormatError(
                f"field 'places' names {place!r}, which the gazetteer does not know", where=where,
                hint="add it to data/places.toml or fix the spelling",
            ) from None
    try:
        return Concept(
            name=raw["name"], kind=raw["kind"], terms=raw.get("terms", ()), places=raw.get("places", ()),
            required=raw.get("required", False), value=raw.get("value"),
        )
    except (TypeError, ValueError) as exc:
        raise PlanFormatError(str(exc), where=where) from None
