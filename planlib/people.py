"""The speaker registry: canonical people and the many ways their names are written."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import attrs
from attrs import field
from rapidfuzz import fuzz, process

from . import _data
from .errors import RegistryFormatError
from .text import fold_word, tokens


def _people(value: Iterable[Person]) -> tuple[Person, ...]:
    return tuple(value)


__all__ = ["Person", "Registry", "load_people"]

_PERSON_KEYS = {"id", "name", "role", "aliases"}


@attrs.frozen
class Person:
    """A canonical person: the name reports should show, and the spellings seen in sources."""

    id: str
    name: str
    role: str | None = None
    aliases: tuple[str, ...] = field(default=(), converter=tuple)

    @classmethod
    def from_toml(cls, table: dict[str, Any], where: str) -> Person:
        """Build from one ``[[person]]`` table, naming ``where`` in any error."""
        unknown = set(table) - _PERSON_KEYS
        if unknown:
            raise RegistryFormatError(f"unknown key {sorted(unknown)[0]!r}", where=where, hint=f"keys are {sorted(_PERSON_KEYS)}")
        for key in ("id", "name"):
            if not isinstance(table.get(key), str) or not table[key].strip():
                raise RegistryFormatError(f"person needs a non-empty {key}", where=where)
        aliases = table.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise RegistryFormatError("aliases must be a list of non-empty strings", where=f"{where} ({table['name']})")
        role = table.get("role")
        return cls(table["id"], table["name"], role if isinstance(role, str) else None, aliases)


def _fold_name(name: str) -> str:
    return " ".join(fold_word(t.surface).ascii for t in tokens(name))


@attrs.frozen
class Registry:
    """Resolves a name as written (a label, a surname, a transliteration) to a canonical person.

    ``threshold`` is the least rapidfuzz ``ratio`` (0–100) between folded names for a fuzzy
    match; a name as close to two different people is left unresolved, never merged.
    """

    people: tuple[Person, ...] = field(converter=_people)
    threshold: float = 82.0
    _forms: dict[str, str] = field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        forms: dict[str, str] = {}
        for person in self.people:
            for written in (person.name, *person.aliases):
                forms.setdefault(_fold_name(written), person.name)
            surname = _fold_name(person.name).split(" ")[-1]
            forms.setdefault(surname, person.name)
        object.__setattr__(self, "_forms", forms)

    def resolve(self, name: str) -> str | None:
        """The canonical name for ``name`` as written, or ``None`` if no one fits well enough."""
        folded = _fold_name(name)
        if not folded:
            return None
        exact = self._forms.get(folded)
        if exact is not None:
            return exact
        parts = folded.split(" ")
        if len(parts) > 1:  # initials and titles: "K. Surname", "Mr Surname"
            exact = self._forms.get(parts[-1])
            if exact is not None and len(parts[-1]) > 2:
                return exact
        best = process.extract(folded, list(self._forms), scorer=fuzz.ratio, limit=5, score_cutoff=self.threshold)
        if not best and len(parts) > 1 and len(parts[-1]) > 3:
            best = process.extract(parts[-1], list(self._forms), scorer=fuzz.ratio, limit=5, score_cutoff=self.threshold)
        people = {self._forms[form] for form, _score, _i in best}
        if len(people) == 1:
            return people.pop()
        return None

    def person(self, name: str) -> Person | None:
        """The registry entry of a canonical name."""
        for p in self.people:
            if p.name == name:
                return p
        return None


def load_people(path: Path | str | None = None) -> Registry:
    """Read a people file (the bundled ``data/people.toml`` by default)."""
    if path is None:
        return _bundled()
    return _read(Path(path))


@cache
def _bundled() -> Registry:
    return _read(_data.data_file("people.toml"))


def _read(path: Path) -> Registry:
    people = [Person.from_toml(row, where) for where, row in _data.registry_rows(path, "person")]
    ids = [p.id for p in people]
    if len(set(ids)) != len(ids):
        raise RegistryFormatError("person ids repeat", where=str(path))
    return Registry(people)
