"""The JSON contract (docs/json.md): fields may be added, never renamed or removed."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import attrs

from ..model import Evidence, Statement
from ..results import ProvisionTable, SpooledEvidence
from ._common import by_source, covered, version

__all__ = [
    "EVIDENCE_LEVEL", "JSON_EVIDENCE", "Each", "JsonEvidence", "dumps", "evidence_dict", "iter_dumps", "iter_json",
    "layout_dict", "render_json", "statement_dict", "table_dict",
]


def statement_dict(s: Statement) -> dict[str, Any]:
    """A statement as the contract lists it."""
    return {
        "source": s.source, "path": s.path, "statement": s.id, "start": s.start, "end": s.end,
        "text": s.text, "kind": s.kind, "speaker": s.speaker, "outlet": s.outlet, "cited": s.cited,
        "cue": s.cue,
    }


def evidence_dict(ev: Evidence) -> dict[str, Any]:
    """One piece of evidence: the statement, the score and every reason for it."""
    out = statement_dict(ev.statement)
    out["score"] = ev.score
    out["explanation"] = ev.explain()
    out["flags"] = list(ev.flags)
    out["concepts"] = [
        {
            "concept": c.concept, "kind": c.kind, "weight": c.weight,
            "hits": [
                {"term": h.term, "surface": h.surface, "start": h.start, "end": h.end, "fold": h.fold,
                 "similarity": h.similarity}
                for h in c.hits
            ],
        }
        for c in ev.concepts
    ]
    out["components"] = [{"name": c.name, "label": c.label, "value": c.value, "points": c.points} for c in ev.components]
    return out


def table_dict(table: ProvisionTable, *, lazy: bool = False) -> dict[str, Any]:
    """The whole table as the contract's dict. ``lazy``: for :func:`iter_dumps` only, each
    provision's evidence is made into text one piece at a time as it is written
    (:func:`evidence_text`), so that a table of many thousand pieces is never held as dicts
    or text all at once."""
    def listed(evidence: Sequence[Evidence]) -> list[dict[str, Any]] | Each:
        return Each(evidence, evidence_text, JsonEvidence) if lazy else [evidence_dict(e) for e in evidence]

    return {
        "planlib": version(),
        "plan": {"id": table.plan.id, "title": table.plan.title},
        "settings": table.options,
        "sources": list(table.sources),  # read, never changed: no copies of what may be many listings
        "statements_read": table.statements,
        "provisions": [
            {
                "id": r.provision.id, "ref": r.provision.ref, "title": r.provision.title,
                "tags": list(r.provision.tags), "support": r.support,
                "supporting_sources": len(r.supporting_sources), "conflicts": r.conflicts,
                "evidence": listed(r.evidence),
            }
            for r in table.rows
        ],
    }


class Each:
    """A list :func:`iter_dumps` writes item by item, each as ``text(item, level)`` gives its JSON
    at indent ``level``, made only as it is written (:func:`dumps` and ``json`` do not take it).
    ``made``: for items that are :class:`~planlib.results.SpooledEvidence`, what makes the
    :class:`~planlib.results.Prerender` of ``text`` at a level, so that text made ahead is
    taken (:meth:`~planlib.results.SpooledEvidence.texts`) rather than made again."""

    __slots__ = ("items", "made", "text")

    def __init__(
        self, items: Sequence[Any], text: Callable[[Any, int], str], made: Callable[[int], JsonEvidence] | None = None,
    ) -> None:
        self.items = items
        self.text = text
        self.made = made


@attrs.frozen
class JsonEvidence:
    """Evidence as :func:`iter_json` writes it at indent ``level`` (:func:`evidence_text`): a
    :class:`~planlib.results.Prerender` for :func:`planlib.match`, so that workers make the
    text of the evidence they find, side by side, and writing the table only copies it."""

    level: int

    @property
    def key(self) -> tuple[str, int]:
        """``("json", level)``: what names the text it makes."""
        return ("json", self.level)

    def __call__(self, ev: Evidence) -> str:
        """:func:`evidence_text` at this level."""
        return evidence_text(ev, self.level)


EVIDENCE_LEVEL = 4
"""The indent level of each piece of evidence in the JSON of a table, in every layout (the
document, its ``provisions``, a provision, its ``evidence``, the piece)."""

JSON_EVIDENCE = JsonEvidence(EVIDENCE_LEVEL)
"""The prerender of ``planlib table --format json``: each piece as :func:`iter_json` writes it."""


def evidence_text(ev: Evidence, level: int) -> str:
    """``evidence_dict(ev)`` as :func:`iter_dumps` writes it at indent ``level``, written
    straight from the evidence, without the dicts and the walk over them: a large table's JSON
    is mostly evidence, and this takes a third of the time. Each value is written by the
    function json's encoder uses for its type; evidence holding anything else (a subclass, a
    list where a name should be) is written the long way. A test holds the two to the same
    text for any evidence."""
    try:
        return _evidence_text(ev, level)
    except _NotScalar:
        out: list[str] = []
        _encode(evidence_dict(ev), level, out)
        return "".join(out)


class _NotScalar(Exception):
    """A value of a type :data:`_WRITERS` does not write."""


def _evidence_text(ev: Evidence, level: int) -> str:
    # Each value is written by the writer for its exact type, looked up inline (``w[type(v)](v)``):
    # no call of ours between a value and json's C functions, a third of the time.
    i1, i2, i3, i4, i5 = (_indent(level + k) for k in range(1, 6))
    w = _WRITERS
    s = ev.statement
    head = (
        f'{{{i1}"source": {w[type(s.source)](s.source)},{i1}"path": {w[type(s.path)](s.path)},'
        f'{i1}"statement": {w[type(s.id)](s.id)},{i1}"start": {w[type(s.start)](s.start)},'
        f'{i1}"end": {w[type(s.end)](s.end)},{i1}"text": {w[type(s.text)](s.text)},{i1}"kind": {w[type(s.kind)](s.kind)},'
        f'{i1}"speaker": {w[type(s.speaker)](s.speaker)},{i1}"outlet": {w[type(s.outlet)](s.outlet)},'
        f'{i1}"cited": {w[type(s.cited)](s.cited)},{i1}"cue": {w[type(s.cue)](s.cue)},'
        f'{i1}"score": {w[type(ev.score)](ev.score)},{i1}"explanation": {_quote(ev.explain())},{i1}"flags": '
    )
    concepts = [
        f'{{{i3}"concept": {w[type(c.concept)](c.concept)},{i3}"kind": {w[type(c.kind)](c.kind)},'
        f'{i3}"weight": {w[type(c.weight)](c.weight)},{i3}"hits": '
        + _listed([
            f'{{{i5}"term": {w[type(h.term)](h.term)},{i5}"surface": {w[type(h.surface)](h.surface)},'
            f'{i5}"start": {w[type(h.start)](h.start)},{i5}"end": {w[type(h.end)](h.end)},'
            f'{i5}"fold": {w[type(h.fold)](h.fold)},{i5}"similarity": {w[type(h.similarity)](h.similarity)}{i4}}}'
            for h in c.hits
        ], i4, i3) + i2 + "}"
        for c in ev.concepts
    ]
    components = [
        f'{{{i3}"name": {w[type(p.name)](p.name)},{i3}"label": {w[type(p.label)](p.label)},'
        f'{i3}"value": {w[type(p.value)](p.value)},{i3}"points": {w[type(p.points)](p.points)}{i2}}}'
        for p in ev.components
    ]
    return (head + _listed([w[type(f)](f) for f in ev.flags], i2, i1) + "," + i1 + '"concepts": ' + _listed(concepts, i2, i1)
            + "," + i1 + '"components": ' + _listed(components, i2, i1) + _indent(level) + "}")


def _listed(items: list[str], inner: str, outer: str) -> str:
    """A JSON list of ``items`` (each already written), its members on lines indented by
    ``inner`` and its closing bracket by ``outer``; ``[]`` when empty."""
    return "[" + inner + ("," + inner).join(items) + outer + "]" if items else "[]"


def dumps(data: Any) -> str:
    """JSON text in planlib's one stable style: two-space indent, UTF-8 kept, newline at end."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def iter_dumps(data: Any) -> Iterator[str]:
    """:func:`dumps` in pieces, to write as they come: the same text, without holding it whole.

    The standard library's encoder runs in pure Python whenever it indents, one generator per
    level for every token; this one builds each small value in one list and walks only long
    lists and dicts piece by piece. A test checks it against :func:`json.dumps` on generated data.
    """
    yield from _pieces(data, 0)
    yield "\n"


_PIECE = 512  # values of at most this many parts are written in one piece; bigger ones part by part
_quote = json.encoder.encode_basestring  # the C function json itself uses for ensure_ascii=False
_CONTAINERS = (dict, list, tuple)
_NESTED = (dict, list, tuple, Each)  # what _room looks into


def _pieces(o: Any, level: int) -> Iterator[str]:
    if isinstance(o, Each):
        if not o.items:
            yield "[]"
            return
        first, after = _indent(level + 1), "," + _indent(level + 1)
        yield "["
        if o.made is not None and isinstance(o.items, SpooledEvidence):
            for i, made in enumerate(o.items.texts(o.made(level + 1))):
                yield (after if i else first) + made
        else:
            text = o.text
            for i, item in enumerate(o.items):
                yield (after if i else first) + text(item, level + 1)
        yield _indent(level) + "]"
        return
    if not isinstance(o, _CONTAINERS) or _room(o, _PIECE) >= 0:
        out: list[str] = []
        _encode(o, level, out)
        yield "".join(out)
        return
    opening, closing = _brackets(o, level)
    yield opening
    for before, value in _members(o, level):
        yield before
        yield from _pieces(value, level + 1)
    yield closing


def _room(o: dict[Any, Any] | list[Any] | tuple[Any, ...] | Each, room: int) -> int:
    """``room`` less the parts of ``o`` (itself, its values and theirs), counted only until it
    runs out (< 0). Scalars are counted in the loop, without a call each. An :class:`Each` has
    no room: it and what holds it are written piece by piece."""
    if isinstance(o, Each):
        return -1
    room -= 1
    for value in o.values() if isinstance(o, dict) else o:
        room = _room(value, room) if isinstance(value, _NESTED) else room - 1
        if room < 0:
            break
    return room


def _indent(level: int) -> str:
    """A new line and the indent of ``level`` (cached: a document has few levels)."""
    try:
        return _INDENTS[level]
    except IndexError:
        _INDENTS.extend("\n" + "  " * n for n in range(len(_INDENTS), level + 1))
        return _INDENTS[level]


_INDENTS: list[str] = []


def _brackets(o: dict[Any, Any] | list[Any] | tuple[Any, ...], level: int) -> tuple[str, str]:
    """How a non-empty dict or list at indent ``level`` opens and closes."""
    return ("{", _indent(level) + "}") if isinstance(o, dict) else ("[", _indent(level) + "]")


def _members(o: dict[Any, Any] | list[Any] | tuple[Any, ...], level: int) -> Iterator[tuple[str, Any]]:
    """Each value of a dict or list at indent ``level``, with what is written before it (the
    comma, the new line and indent, and a dict's key)."""
    inner = _indent(level + 1)
    if isinstance(o, dict):
        for i, (key, value) in enumerate(o.items()):
            yield f"{',' if i else ''}{inner}{_quote(_key(key))}: ", value
    else:
        first = inner
        after = "," + inner
        for i, value in enumerate(o):
            yield (after if i else first), value


def _encode(o: Any, level: int, out: list[str]) -> None:
    """Append the JSON of ``o`` at indent ``level`` to ``out``, exactly as json.dumps(indent=2) writes it.

    A container's members are written in its own loop; its scalars (most values) by the
    function for their exact type, without a call of this one each, and a dict's scalars in a
    row, or a list of scalars only, by json's C encoder at once (:func:`_flat`). Dicts and
    lists keep loops of their own: one shared loop over (key text, value) pairs wrote 10–15%
    slower."""
    if isinstance(o, dict):
        if not o:
            out.append("{}")
            return
        inner = _indent(level + 1)
        flat = _flat(level)
        before = "{" + inner
        run: dict[Any, Any] = {}  # scalars in a row (all of them, often), written together by the C encoder
        for key, value in o.items():
            if type(value) in _SCALARS:
                run[key] = value
                continue
            if run:
                out.append(before + "".join(flat(run, 0))[1:-1])
                before, run = "," + inner, {}
            out.append(before + _quote(key if type(key) is str else _key(key)) + ": ")
            _encode(value, level + 1, out)
            before = "," + inner
        if run:
            out.append(before + "".join(flat(run, 0))[1:-1])
        out.append(_indent(level) + "}")
    elif isinstance(o, (list, tuple)):
        if not o:
            out.append("[]")
            return
        inner = _indent(level + 1)
        if all(type(v) in _SCALARS for v in o):
            out.append("[" + inner + "".join(_flat(level)(o, 0))[1:-1] + _indent(level) + "]")
            return
        before = "[" + inner
        for value in o:
            out.append(before)
            scalar = _SCALARS.get(type(value))
            if scalar is not None:
                out.append(scalar(value))
            else:
                _encode(value, level + 1, out)
            before = "," + inner
        out.append(_indent(level) + "]")
    elif isinstance(o, str):
        out.append(_quote(o))
    elif o is None:
        out.append("null")
    elif o is True:
        out.append("true")
    elif o is False:
        out.append("false")
    elif isinstance(o, int):
        out.append(int.__repr__(o))
    elif isinstance(o, float):
        out.append(_float(o))
    else:
        raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


def _flat(level: int) -> Callable[[Any, int], Sequence[str]]:
    """json's own C encoder, for a dict or list at ``level`` holding only scalars: with the new
    line and indent of its members as the separator, it writes them as json.dumps(indent=2)
    does, all but the new line after the opening bracket and before the closing one."""
    try:
        return _FLAT[level]
    except KeyError:
        make: Any = json.encoder.c_make_encoder  # type: ignore[attr-defined]
        if make is None:  # no C accelerator: json's own pure Python encoder, as slow as ours
            encoder = json.JSONEncoder(ensure_ascii=False, separators=("," + _indent(level + 1), ": "))
            _FLAT[level] = lambda o, _level: [encoder.encode(o)]
        else:
            _FLAT[level] = make(None, None, _quote, None, ": ", "," + _indent(level + 1), False, False, True)
        return _FLAT[level]


_FLAT: dict[int, Callable[[Any, int], Sequence[str]]] = {}


def _float(o: float) -> str:
    if o != o:
        return "NaN"
    if o == float("inf"):
        return "Infinity"
    if o == -float("inf"):
        return "-Infinity"
    return float.__repr__(o)


_SCALARS: dict[type, Callable[[Any], str]] = {
    str: _quote, int: int.__repr__, float: _float, bool: lambda b: "true" if b else "false", type(None): lambda _: "null",
}
"""How a value of exactly each of these types is written (subclasses go the long way)."""


class _Floats(dict[float, str]):
    """Floats as json writes them, remembered: evidence repeats its weights, points and scores.
    Zeros are not kept (0.0 and -0.0 are one key but two texts), nor NaN (never found again),
    and the memory starts afresh past :data:`_FLOATS_KEPT` floats."""

    def __missing__(self, o: float) -> str:
        text = _float(o)
        if o and o == o:
            if len(self) >= _FLOATS_KEPT:
                self.clear()
            self[o] = text
        return text


_FLOATS_KEPT = 4096


class _Writers(dict[type, Callable[[Any], str]]):
    """:data:`_SCALARS`, floats through :class:`_Floats`; a type it lacks raises :class:`_NotScalar`."""

    def __missing__(self, key: type) -> Callable[[Any], str]:
        raise _NotScalar


_WRITERS = _Writers(_SCALARS)
_WRITERS[float] = _Floats().__getitem__


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, float):
        return _float(key)
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def layout_dict(table: ProvisionTable, layout: str, *, lazy: bool = False) -> dict[str, Any]:
    """The contract's dict, plus for the ``source`` and ``coverage`` layouts a section of that name.

    ``"layout"`` names the layout; ``"by_source"`` lists each statement with the provisions it
    supports (plan order); ``"coverage"`` gives, per provision, the counts and the ids of the
    supporting sources. The default (``provision``) layout is exactly the contract.
    """
    data = table_dict(table, lazy=lazy)
    if layout == "source":
        data["layout"] = "source"
        data["by_source"] = [
            {
                **statement_dict(g.statement),
                "provisions": [
                    {"id": p.id, "ref": p.ref, "title": p.title, "score": ev.score, "flags": list(ev.flags)}
                    for p, ev in g.links
                ],
            }
            for g in by_source(table)
        ]
    elif layout == "coverage":
        data["layout"] = "coverage"
        data["coverage"] = {
            "covered": covered(table),
            "total": len(table.rows),
            "provisions": [
                {
                    "id": r.provision.id, "ref": r.provision.ref, "title": r.provision.title,
                    "tags": list(r.provision.tags), "support": r.support,
                    "supporting_sources": sorted(r.supporting_sources), "conflicts": r.conflicts,
                    "best_score": r.evidence[0].score if r.evidence else None,
                }
                for r in table.rows
            ],
        }
    return data


def render_json(table: ProvisionTable, layout: str = "provision") -> str:
    """The table as JSON text (see :func:`layout_dict` for what the other layouts add)."""
    return dumps(layout_dict(table, layout))


def iter_json(table: ProvisionTable, layout: str = "provision") -> Iterator[str]:
    """:func:`render_json` in pieces (what ``planlib table --format json`` writes), each piece of
    evidence made into its text only as it is written."""
    return iter_dumps(layout_dict(table, layout, lazy=True))
