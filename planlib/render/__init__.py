"""Renderers: a ProvisionTable as Markdown, CSV, JSON or HTML, byte-identical on every run."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..results import ProvisionTable
from .csv import iter_csv, read_csv, render_csv
from .html import render_html
from .json import iter_json, render_json
from .markdown import render_markdown

__all__ = ["FORMATS", "LAYOUTS", "read_csv", "render", "render_pieces"]

FORMATS: dict[str, Callable[..., str]] = {
    "md": render_markdown,
    "csv": render_csv,
    "json": render_json,
    "html": render_html,
}
"""Output formats by name."""

LAYOUTS = ("provision", "source", "coverage")
"""Table layouts: evidence by provision, provisions by source statement, coverage counts."""


def render(table: ProvisionTable, fmt: str = "md", layout: str = "provision") -> str:
    """The table in format ``fmt`` (md, csv, json, html) and layout ``layout``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose from {', '.join(LAYOUTS)}")
    return FORMATS[fmt](table, layout=layout)


def render_pieces(table: ProvisionTable, fmt: str = "md", layout: str = "provision") -> Iterator[str]:
    """:func:`render` as pieces whose concatenation is exactly its text, to write as they come
    (JSON and CSV are produced piece by piece, so a table of many sources or many pieces of
    evidence is never held as text; Markdown and HTML come as one piece)."""
    streamed = _STREAMED.get(fmt)
    if streamed is not None and layout in LAYOUTS:
        return streamed(table, layout)
    return iter((render(table, fmt, layout),))


_STREAMED: dict[str, Callable[[ProvisionTable, str], Iterator[str]]] = {"json": iter_json, "csv": iter_csv}
