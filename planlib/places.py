"""The gazetteer: places, their spellings, and which place lies within which."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import attrs
from attrs import field

from . import _data
from .errors import RegistryFormatError


def _places(value: Iterable[Place]) -> tuple[Place, ...]:
    return tuple(value)


__all__ = ["Gazetteer", "Place", "load_gazetteer"]

_PLACE_KEYS = {"name", "kind", "aliases", "part_of"}


@attrs.frozen
class Place:
    """A place with its other spellings and the larger places it is part of."""

    name: str
    kind: str = "place"
    aliases: tuple[str, ...] = field(default=(), converter=tuple)
    part_of: tuple[str, ...] = field(default=(), converter=tuple)

    @classmethod
    def from_toml(cls, table: dict[str, Any], where: str) -> Place:
        """Build from one ``[[place]]`` table, naming ``where`` in any error."""
        unknown = set(table) - _PLACE_KEYS
        if unknown:
            raise RegistryFormatError(f"unknown key {sorted(unknown)[0]!r}", where=where, hint=f"keys are {sorted(_PLACE_KEYS)}")
        name = table.get("name")
        if not isinstance(name, str) or not name.strip():
            raise RegistryFormatError("place needs a non-empty name", where=where)
        for key in ("aliases", "part_of"):
            value = table.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise RegistryFormatError(f"{key} must be a list of non-empty strings", where=f"{where} ({name})")
        return cls(name, str(table.get("kind", "place")), table.get("aliases", ()), table.get("part_of", ()))


@attrs.frozen
class Gazetteer:
    """All known places by name; expands a place to its spellings and everything inside it."""

    places: tuple[Place, ...] = field(converter=_places)

    @places.validator
    def _check(self, _attribute: attrs.Attribute[Any], value: tuple[Place, ...]) -> None:
        names = {p.name for p in value}
        if len(names) != len(value):
            raise ValueError("place names repeat")
        for p in value:
            for parent in p.part_of:
                if parent not in names:
                    raise ValueError(f"place {p.name!r}: part_of names unknown place {parent!r}")

    def get(self, name: str) -> Place:
        """The place called ``name``; ``KeyError`` if the gazetteer has none."""
        for p in self.places:
            if p.name == name:
                return p
        raise KeyError(name)

    def within(self, name: str) -> tuple[Place, ...]:
        """``name`` and every place inside it, at any depth, in gazetteer order."""
        inside = {name}
        changed = True
        while changed:
            changed = False
            for p in self.places:
                if p.name not in inside and inside.intersection(p.part_of):
                    inside.add(p.name)
                    changed = True
        return tuple(p for p in self.places if p.name in inside)

    def surface_forms(self, names: Iterable[str]) -> tuple[tuple[str, str], ...]:
        """``(form, place name)`` for every spelling of the named places and the places within."""
        out: list[tuple[str, str]] = []
        for name in names:
            for place in self.within(name):
                out.extend((form, place.name) for form in (place.name, *place.aliases))
        return tuple(dict.fromkeys(out))


def load_gazetteer(path: Path | str | None = None) -> Gazetteer:
    """Read a places file (the bundled ``data/places.toml`` by default)."""
    if path is None:
        return _bundled()
    return _read(Path(path))


@cache
def _bundled() -> Gazetteer:
    return _read(_data.data_file("places.toml"))


@cache
def place_names() -> frozenset[str]:
    """Every name and alias of the bundled gazetteer's places, case folded: what the readers
    take for a place, not a person (a place named as a label opens no transcript turn)."""
    return frozenset(f.casefold() for p in _bundled().places for f in (p.name, *p.aliases))


def _read(path: Path) -> Gazetteer:
    places = [Place.from_toml(row, where) for where, row in _data.registry_rows(path, "place")]
    try:
        return Gazetteer(places)
    except ValueError as exc:
        raise RegistryFormatError(str(exc), where=str(path)) from None
