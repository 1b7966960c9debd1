"""The immutable records everything else passes around: plans, sources, statements, evidence."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

import attrs
from attrs import field, validators

__all__ = [
    "CONCEPT_KINDS",
    "STATEMENT_KINDS",
    "Component",
    "Concept",
    "ConceptHit",
    "Evidence",
    "Plan",
    "Provision",
    "Source",
    "Statement",
    "TermHit",
]

CONCEPT_KINDS = ("place", "act", "object", "actor", "figure", "qualifier")
"""What a concept names: the matcher treats them alike, readers and reports tell them apart."""

STATEMENT_KINDS = (
    "headline",
    "heading",
    "dateline",
    "sentence",
    "bullet",
    "turn",
    "label",
    "stage-direction",
    "boilerplate",
    "record",
)
"""Kinds of statement a reader produces. ``label``, ``stage-direction`` and ``boilerplate``
are kept (nothing is dropped) but skipped by matching unless asked for."""

_str = validators.instance_of(str)
_opt_str = validators.optional(validators.instance_of(str))


def _nonempty(_inst: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if not value.strip():
        raise ValueError(f"{attribute.name} must not be empty")


def _str_tuple(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _concepts(value: Iterable[Concept]) -> tuple[Concept, ...]:
    return tuple(value)


def _provisions(value: Iterable[Provision]) -> tuple[Provision, ...]:
    return tuple(value)


def _statements(value: Iterable[Statement]) -> tuple[Statement, ...]:
    return tuple(value)


def _term_hits(value: Iterable[TermHit]) -> tuple[TermHit, ...]:
    return tuple(value)


def _concept_hits(value: Iterable[ConceptHit]) -> tuple[ConceptHit, ...]:
    return tuple(value)


def _components(value: Iterable[Component]) -> tuple[Component, ...]:
    return tuple(value)


@attrs.frozen
class Concept:
    """One idea a provision needs present in a statement: a place, an act, an object, a figure.

    ``terms`` are surface forms (matched through the folds); ``places`` name gazetteer entries,
    which expand to their variants and sub-places; ``value`` is the number a figure concept
    stands for.
    """

    name: str = field(validator=[_str, _nonempty])
    kind: str = field(validator=validators.in_(CONCEPT_KINDS))
    terms: tuple[str, ...] = field(default=(), converter=_str_tuple)
    places: tuple[str, ...] = field(default=(), converter=_str_tuple)
    required: bool = field(default=False, validator=validators.instance_of(bool))
    value: float | None = field(default=None)

    @value.validator
    def _check_value(self, _attribute: attrs.Attribute[Any], value: float | None) -> None:
        if self.kind == "figure" and value is None:
            raise ValueError(f"concept {self.name!r}: a figure concept needs a value")
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise ValueError(f"concept {self.name!r}: value must be a number, got {value!r}")
        if self.kind != "figure" and not (self.terms or self.places):
            raise ValueError(f"concept {self.name!r}: needs terms or places")


@attrs.frozen
class Provision:
    """One point (or sub-point) of a plan, with the concepts a supporting statement contains."""

    id: str = field(validator=[_str, _nonempty])
    ref: str = field(validator=[_str, _nonempty])
    title: str = field(validator=[_str, _nonempty])
    summary: str = field(validator=[_str, _nonempty])
    concepts: tuple[Concept, ...] = field(converter=_concepts)
    tags: tuple[str, ...] = field(default=(), converter=_str_tuple)
    note: str | None = field(default=None, validator=_opt_str)
    min_concepts: int | None = field(default=None)
    status: str | None = field(
        default=None, validator=validators.optional(validators.in_(("kept", "dropped", "changed", "new")))
    )
    reported_by: tuple[str, ...] = field(default=(), converter=_str_tuple)
    confirmed: bool = field(default=True, validator=validators.instance_of(bool))

    @concepts.validator
    def _check_concepts(self, _attribute: attrs.Attribute[Any], value: tuple[Concept, ...]) -> None:
        if not value:
            raise ValueError(f"provision {self.id!r}: needs at least one concept")
        names = [c.name for c in value]
        if len(set(names)) != len(names):
            raise ValueError(f"provision {self.id!r}: concept names repeat: {names}")

    @min_concepts.validator
    def _check_min(self, _attribute: attrs.Attribute[Any], value: int | None) -> None:
        if value is not None and not (1 <= value <= len(self.concepts)):
            raise ValueError(
                f"provision {self.id!r}: min_concepts must lie in 1..{len(self.concepts)}, got {value}"
            )

    @property
    def needed(self) -> int:
        """How many concepts a statement must contain to support this provision."""
        return self.min_concepts if self.min_concepts is not None else min(2, len(self.concepts))


@attrs.frozen
class Plan:
    """A named version of a peace plan: its provisions in the plan's own order.

    ``partial`` marks a version known only through reports: a provision it does not list is
    unknown, not removed.
    """

    id: str = field(validator=[_str, _nonempty])
    title: str = field(validator=[_str, _nonempty])
    provisions: tuple[Provision, ...] = field(converter=_provisions)
    date: str | None = field(default=None, validator=_opt_str)
    issuer: str | None = field(default=None, validator=_opt_str)
    description: str | None = field(default=None, validator=_opt_str)
    note: str | None = field(default=None, validator=_opt_str)
    basis: str | None = field(default=None, validator=_opt_str)
    partial: bool = field(default=False, validator=validators.instance_of(bool))
    path: str | None = field(default=None, validator=_opt_str, eq=False)

    @provisions.validator
    def _check_ids(self, _attribute: attrs.Attribute[Any], value: tuple[Provision, ...]) -> None:
        seen: set[str] = set()
        for provision in value:
            if provision.id in seen:
                raise ValueError(f"provision id {provision.id!r} appears twice")
            seen.add(provision.id)

    def provision(self, key: str) -> Provision:
        """The provision whose id, or else whose ref, is ``key``; ``KeyError`` if none."""
        for provision in self.provisions:
            if provision.id == key:
                return provision
        for provision in self.provisions:
            if provision.ref == key:
                return provision
        raise KeyError(key)

    def select(self, key: str) -> tuple[Provision, ...]:
        """Provisions that ``key`` names: by id, by ref, or a bare point number and its sub-points."""
        by_id = tuple(p for p in self.provisions if p.id == key)
        if by_id:
            return by_id
        exact = tuple(p for p in self.provisions if p.ref == key)
        subs = tuple(p for p in self.provisions if p.ref != key and p.ref.rstrip("abcdefghij") == key)
        return exact + subs


@attrs.frozen
class Source:
    """A text that statements come from: a file, or one named document of a JSONL corpus.

    ``path`` is the path as the user gave it (bundled files show as ``seeds/NAME``);
    ``text`` is the file decoded as UTF-8, line endings as they are (for a JSONL corpus, the
    texts of the document's records joined by newlines); every statement of the source
    satisfies ``source.text[s.start:s.end] == s.text``.
    """

    id: str = field(validator=[_str, _nonempty])
    path: str = field(validator=_str)
    kind: str = field(validator=_str)
    text: str = field(validator=_str, repr=False)
    title: str | None = field(default=None, validator=_opt_str)
    statements: tuple[Statement, ...] = field(default=(), converter=_statements, repr=False)

    @property
    def info(self) -> dict[str, str | None]:
        """The source as the JSON contract lists it: id, path, kind, title."""
        return {"id": self.id, "path": self.path, "kind": self.kind, "title": self.title}


@attrs.frozen
class Statement:
    """A span of a source that says one thing: a sentence, a transcript turn, a heading.

    ``speaker`` is the canonical person who says it, ``outlet`` the news organisation that
    publishes or is cited for it, ``cited`` whom that outlet relies on, ``cue`` the rule that
    decided them; each is ``None`` when unknown.
    """

    id: str = field(validator=_str)
    source: str = field(validator=_str)
    path: str = field(validator=_str)
    start: int = field(validator=[validators.instance_of(int), validators.ge(0)])
    end: int = field(validator=validators.instance_of(int))
    text: str = field(validator=_str)
    kind: str = field(validator=validators.in_(STATEMENT_KINDS))
    speaker: str | None = field(default=None, validator=_opt_str)
    outlet: str | None = field(default=None, validator=_opt_str)
    cited: str | None = field(default=None, validator=_opt_str)
    cue: str | None = field(default=None, validator=_opt_str)
    label: str | None = field(default=None, validator=_opt_str)
    date: str | None = field(default=None, validator=_opt_str)

    @end.validator
    def _check_end(self, _attribute: attrs.Attribute[Any], value: int) -> None:
        if value - self.start != len(self.text):
            raise ValueError(
                f"statement {self.id!r}: span {self.start}:{value} does not fit a text of {len(self.text)} characters"
            )


@attrs.frozen(cache_hash=True)  # hits are looked up in sets and dicts while a statement is scored
class TermHit:
    """Where one concept term was found: the surface form, its span and the fold that matched it."""

    concept: str
    term: str
    surface: str
    start: int
    end: int
    fold: str
    similarity: float = 100.0


@attrs.frozen
class ConceptHit:
    """A concept of the provision found in the statement, with the hits that found it."""

    concept: str
    kind: str
    weight: float
    hits: tuple[TermHit, ...] = field(converter=_term_hits)


@attrs.frozen
class Component:
    """One part of a score: its name, what it measures in words, its value 0–1 and its points."""

    name: str
    label: str
    value: float
    points: float


@attrs.frozen
class Evidence:
    """A statement that supports a provision, with the score and the reasons for it.

    ``flags`` name caveats a reader must see, such as ``conflicting_figure`` (the statement
    gives another figure than the provision).
    """

    provision: str
    statement: Statement
    score: float
    concepts: tuple[ConceptHit, ...] = field(converter=_concept_hits)
    components: tuple[Component, ...] = field(converter=_components)
    flags: tuple[str, ...] = field(default=(), converter=_str_tuple)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled as one tuple of plain values and rebuilt without the validators (they held when
        it was made): half the cost of pickling each object in it, each way. Evidence is pickled
        by the million on a large corpus: back from the workers, and out to disk and back."""
        s = self.statement
        return _unpack_evidence, ((
            self.provision, tuple([getattr(s, name) for name in _STATEMENT_FIELDS]), self.score,
            tuple([(c.concept, c.kind, c.weight,
                    tuple([(h.concept, h.term, h.surface, h.start, h.end, h.fold, h.similarity) for h in c.hits]))
                   for c in self.concepts]),
            tuple([(c.name, c.label, c.value, c.points) for c in self.components]), self.flags,
        ),)

    @property
    def sort_key(self) -> tuple[float, str, int, int, str]:
        """Best first: score descending, then source, start, end and statement id."""
        s = self.statement
        return (-self.score, s.source, s.start, s.end, s.id)

    def explain(self) -> str:
        """The reasons for the score in one line of words."""
        parts = []
        for c in self.concepts:
            forms = ", ".join(
                f"“{h.surface}” ({h.fold}{'' if h.fold != 'typo' else f' {h.similarity:.0f}'})" for h in c.hits
            )
            parts.append(f"{c.concept}: {forms}")
        comps = " + ".join(f"{c.name} {c.points:.1f}" for c in self.components)
        text = "; ".join(parts) + f" — score {self.score:.1f} = {comps}"
        if self.flags:
            text += " [" + ", ".join(self.flags) + "]"
        return text


_STATEMENT_FIELDS = tuple(f.name for f in attrs.fields(Statement))
"""The names of a :class:`Statement`'s fields, in order (what :func:`trusted_statement` takes)."""
(_put_id, _put_source, _put_path, _put_start, _put_end, _put_text, _put_kind, _put_speaker, _put_outlet, _put_cited,
 _put_cue, _put_label, _put_date) = (getattr(Statement, name).__set__ for name in _STATEMENT_FIELDS)


def trusted_statement(
    id: str, source: str, path: str, start: int, end: int, text: str, kind: str, speaker: str | None,
    outlet: str | None, cited: str | None, cue: str | None, label: str | None, date: str | None,
) -> Statement:
    """A :class:`Statement` of field values already checked (all of them, in field order),
    built without running its validators again: for readers that checked each field
    themselves and for statements coming back from a worker. Anything else uses the class.
    One slot set after another, unrolled: reading a large corpus builds a statement a line."""
    s = _new(Statement)
    _put_id(s, id)
    _put_source(s, source)
    _put_path(s, path)
    _put_start(s, start)
    _put_end(s, end)
    _put_text(s, text)
    _put_kind(s, kind)
    _put_speaker(s, speaker)
    _put_outlet(s, outlet)
    _put_cited(s, cited)
    _put_cue(s, cue)
    _put_label(s, label)
    _put_date(s, date)
    return s


_new = object.__new__


_EVIDENCE_SET = tuple(getattr(Evidence, f.name).__set__ for f in attrs.fields(Evidence))
_CONCEPT_HIT_SET = tuple(getattr(ConceptHit, f.name).__set__ for f in attrs.fields(ConceptHit))
_COMPONENT_SET = tuple(getattr(Component, f.name).__set__ for f in attrs.fields(Component))


def _unpack_evidence(packed: tuple[Any, ...]) -> Evidence:
    """The :class:`Evidence` that :meth:`Evidence.__reduce__` packed, its parts rebuilt slot by slot."""
    provision, statement, score, concepts, components, flags = packed
    hits = []
    for concept, kind, weight, found in concepts:
        c = _new(ConceptHit)
        for put, value in zip(_CONCEPT_HIT_SET, (concept, kind, weight, tuple(itertools.starmap(TermHit, found))),
                              strict=True):
            put(c, value)
        hits.append(c)
    parts = []
    for values in components:
        part = _new(Component)
        for put, value in zip(_COMPONENT_SET, values, strict=True):
            put(part, value)
        parts.append(part)
    ev = _new(Evidence)
    for put, value in zip(_EVIDENCE_SET, (provision, trusted_statement(*statement), score, tuple(hits), tuple(parts), flags),
                          strict=True):
        put(ev, value)
    return ev
