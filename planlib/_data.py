"""Where the bundled plans, registries and seed corpus live, in a checkout or an installed wheel."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from .errors import RegistryFormatError

__all__ = ["DEFAULT_PLAN", "bundled_root", "data_file", "load_toml", "registry_rows", "seeds_dir"]

DEFAULT_PLAN = "us-28-point-2025-11"


@cache
def bundled_root() -> Path:
    """The folder holding ``data/`` and ``seeds/``: inside the wheel, or the repository root."""
    packaged = resources.files("planlib") / "_bundled"
    if isinstance(packaged, Path) and (packaged / "data").is_dir():
        return packaged
    if isinstance(packaged, Traversable) and packaged.is_dir():  # pragma: no cover - zipped installs
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent


def data_file(*parts: str) -> Path:
    """A file under the bundled ``data/`` folder."""
    return bundled_root().joinpath("data", *parts)


def seeds_dir() -> Path:
    """The bundled seed corpus folder."""
    return bundled_root() / "seeds"


def load_toml(path: Path, error: type[Exception] = RegistryFormatError) -> dict[str, Any]:
    """Parse a TOML file, turning any failure into ``error`` naming the file and line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise error(f"cannot read the file: {exc.strerror}", where=str(path)) from None  # type: ignore[call-arg]
    try:
        return tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise error(  # type: ignore[call-arg]
            f"not UTF-8 at byte {exc.start}", where=str(path), hint="save the file as UTF-8"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"invalid TOML: {exc}", where=str(path), hint="fix the TOML syntax") from None  # type: ignore[call-arg]


def registry_rows(path: Path, key: str) -> list[tuple[str, dict[str, Any]]]:
    """The ``[[key]]`` tables of a registry file, each with where it stands
    (``"FILE key N"``), for error messages that name the entry."""
    rows = load_toml(path).get(key, [])
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise RegistryFormatError(f"[[{key}]] must be an array of tables", where=str(path))
    return [(f"{path} {key} {i}", row) for i, row in enumerate(rows, 1)]
