"""News organisations from ``data/outlets.toml``: canonical names and the ways reports write them."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import attrs
from attrs import field

from .. import _data
from ..errors import RegistryFormatError

__all__ = ["Outlet", "Outlets", "load_outlets"]

_OUTLET_KEYS = {"name", "aliases"}


def _str_tuple(value: Any) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen
class Outlet:
    """A news organisation: the name reports show and the aliases seen in text."""

    name: str
    aliases: tuple[str, ...] = field(default=(), converter=_str_tuple)

    @classmethod
    def from_toml(cls, table: dict[str, Any], where: str) -> Outlet:
        """Build from one ``[[outlet]]`` table, naming ``where`` in any error."""
        unknown = set(table) - _OUTLET_KEYS
        if unknown:
            raise RegistryFormatError(f"unknown key {sorted(unknown)[0]!r}", where=where, hint="keys are name, aliases")
        name = table.get("name")
        if not isinstance(name, str) or not name.strip():
            raise RegistryFormatError("outlet needs a non-empty name", where=where)
        aliases = table.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise RegistryFormatError("aliases must be a list of non-empty strings", where=f"{where} ({name})")
        return cls(name, aliases)


def _outlets(value: Any) -> tuple[Outlet, ...]:
    return tuple(value)


@attrs.frozen
class Outlets:
    """All outlets, and one regular expression alternation matching any of their forms."""

    outlets: tuple[Outlet, ...] = field(converter=_outlets)
    _canonical: dict[str, str] = field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        canonical: dict[str, str] = {}
        for outlet in self.outlets:
            for form in (outlet.name, *outlet.aliases):
                for variant in (form, form.upper()):
                    canonical.setdefault(variant, outlet.name)
        object.__setattr__(self, "_canonical", canonical)

    @property
    def pattern(self) -> str:
        """A regex alternation of every form, longest first, bounded as whole words."""
        forms = sorted(self._canonical, key=lambda f: (-len(f), f))
        return r"(?<![\w])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w])"

    def canonical(self, written: str) -> str | None:
        """The canonical name of an outlet as written (exact form, or case-folded), else ``None``."""
        found = self._canonical.get(written)
        if found is not None:
            return found
        folded = written.casefold()
        for form, name in sorted(self._canonical.items()):
            if form.casefold() == folded:
                return name
        return None


def load_outlets(path: Path | str | None = None) -> Outlets:
    """Read an outlets file (the bundled ``data/outlets.toml`` by default)."""
    if path is None:
        return _bundled()
    return _read(Path(path))


@cache
def _bundled() -> Outlets:
    return _read(_data.data_file("outlets.toml"))


def _read(path: Path) -> Outlets:
    return Outlets([Outlet.from_toml(row, where) for where, row in _data.registry_rows(path, "outlet")])
