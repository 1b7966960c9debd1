"""Readers: files, folders and JSONL corpora become sources of exact-span statements."""

from __future__ import annotations

import itertools
import json
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, Literal, TypeVar, overload

import attrs

from .. import _data
from ..errors import SourceError, SourceFormatError
from ..model import Source, Statement, trusted_statement
from ..people import Registry, load_people
from .attribution import attribute
from .cues import Cues, load_cues
from .layout import statements as layout_statements
from .outlets import Outlet, Outlets, load_outlets
from .speakers import SpeakerCount, SpeakerIndex, speaker_index

__all__ = [
    "JsonlChunk",
    "Outlet",
    "Outlets",
    "PlanlibWarning",
    "SourcePart",
    "SpeakerCount",
    "SpeakerIndex",
    "TextFile",
    "iter_sources",
    "jsonl_info",
    "load_outlets",
    "parse_lines",
    "place_statement",
    "read_file",
    "read_sources",
    "read_text",
    "speaker_index",
    "stream_sources",
]

TEXT_SUFFIXES = (".txt", ".md", ".text", ".markdown")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
_JSONL_KEYS = {"text", "source", "speaker", "outlet", "date", "cited", "kind", "title"}


class PlanlibWarning(UserWarning):
    """Something a user should know that does not stop the run (an empty file, say)."""


def read_sources(
    paths: Sequence[Path | str] | Path | str | None = None,
    *,
    registry: Registry | None = None,
    cues: Cues | None = None,
) -> tuple[Source, ...]:
    """Read files and folders (folders recursively, in sorted order) into sources.

    With no paths, the bundled seed corpus is read. ``.txt``/``.md`` files are laid out into
    headlines, paragraphs, turns and the rest; ``.jsonl`` files hold one statement a line.
    Raises ``SourceError`` or ``SourceFormatError`` naming the file (and line or byte).
    """
    return tuple(iter_sources(paths, registry=registry, cues=cues))


def iter_sources(
    paths: Sequence[Path | str] | Path | str | None = None,
    *,
    registry: Registry | None = None,
    cues: Cues | None = None,
) -> Iterator[Source]:
    """Like :func:`read_sources`, one source at a time, reading each file only when reached."""
    return _each(paths, _jsonl_sources, _whole(registry, cues))


_T = TypeVar("_T")
_U = TypeVar("_U")


def _each(
    paths: Sequence[Path | str] | Path | str | None,
    jsonl: Callable[[str, Path], Iterator[_T]],
    text: Callable[[str, Path], _U],
) -> Iterator[_T | _U]:
    """Every file of ``paths`` in order: JSONL files through ``jsonl``, text files through ``text``."""
    for shown, real in _files(paths):
        if real.suffix.lower() in JSONL_SUFFIXES:
            yield from jsonl(shown, real)
        else:
            yield text(shown, real)


def _whole(registry: Registry | None, cues: Cues | None) -> Callable[[str, Path], Source]:
    """A reader of text files laid out whole, with these (or the bundled) registry and cues."""
    reg = registry if registry is not None else load_people()
    cue = cues if cues is not None else load_cues()
    return lambda shown, real: read_file(real, shown=shown, registry=reg, cues=cue)


def _unread(registry: Registry | None, cues: Cues | None) -> Callable[[str, Path], TextFile]:
    """A reader of text files decoded but not laid out (:class:`TextFile`)."""
    return lambda shown, real: TextFile(shown, _decoded(real, shown), registry, cues)


def _files(paths: Sequence[Path | str] | Path | str | None) -> Iterator[tuple[str, Path]]:
    if paths is None:
        root = _data.seeds_dir()
        for f in sorted(root.rglob("*")):
            if f.is_file() and f.suffix.lower() in TEXT_SUFFIXES + JSONL_SUFFIXES:
                yield f"seeds/{f.relative_to(root).as_posix()}", f
        return
    if isinstance(paths, (str, Path)):
        paths = [paths]
    if not paths:
        raise SourceError("no sources given", hint="name files or folders to read")
    first: dict[Path, str] = {}  # each file read once, however often it is named
    for shown, real in _named(paths):
        key = real.resolve()
        if key not in first:
            first[key] = shown
            yield shown, real
            continue
        again = shown if shown == first[key] else f"{shown} (the same file as {first[key]})"
        warnings.warn(f"{again}: named more than once, read once", PlanlibWarning, stacklevel=3)


def _named(paths: Sequence[Path | str]) -> Iterator[tuple[str, Path]]:
    for given in paths:
        p = Path(given)
        if p.is_dir():
            found = [
                f for f in sorted(p.rglob("*"), key=lambda f: f.as_posix())
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
                and f.suffix.lower() in TEXT_SUFFIXES + JSONL_SUFFIXES
            ]
            if not found:
                raise SourceError(
                    "folder holds no .txt, .md or .jsonl files", where=str(given),
                    hint="point at a folder of sources",
                )
            for f in found:
                yield (Path(given) / f.relative_to(p)).as_posix(), f
        elif p.is_file():
            yield Path(given).as_posix(), p
        elif p.exists():
            raise SourceError("not a regular file", where=str(given))
        else:
            raise SourceError("no such file or folder", where=str(given), hint="check the path")


def decode(raw: bytes, where: str) -> str:
    """UTF-8 text of a file's bytes (a leading BOM dropped); refuses binary and other encodings."""
    head = raw[:8192]
    if b"\x00" in head:
        raise SourceError("looks binary (NUL bytes), not text", where=where, hint="give UTF-8 text, .md or .jsonl files")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        offset = exc.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)
        raise SourceFormatError(
            f"not valid UTF-8 at byte {offset}", where=where, hint="re-save the file as UTF-8"
        ) from None


def _read_bytes(real: Path, shown: str) -> bytes:
    try:
        return real.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}", where=shown) from None


def read_text(
    text: str, *, source: str, path: str | None = None, registry: Registry | None = None, cues: Cues | None = None
) -> Source:
    """A source from text in memory: laid out, attributed, spans exact."""
    reg = registry if registry is not None else load_people()
    cue = cues if cues is not None else load_cues()
    shown = path if path is not None else source
    stmts = layout_statements(source, shown, text, registry=reg, cues=cue)
    stmts = attribute(stmts, registry=reg, cues=cue, text=text)
    title = next((s.text for s in stmts if s.kind == "headline"), None)
    return Source(id=source, path=shown, kind="text", text=text, title=title, statements=stmts)


def read_file(
    path: Path | str, *, shown: str | None = None, registry: Registry | None = None, cues: Cues | None = None
) -> Source:
    """One plain-text file as a source; its id and path are the path as given."""
    real = Path(path)
    name = shown if shown is not None else real.as_posix()
    return read_text(_decoded(real, name, stacklevel=3), source=name, path=name, registry=registry, cues=cues)


def _decoded(real: Path, name: str, stacklevel: int = 4) -> str:
    text = decode(_read_bytes(real, name), name)
    if not text.strip():
        warnings.warn(f"{name}: empty file, no statements", PlanlibWarning, stacklevel=stacklevel)
    return text


@attrs.frozen
class TextFile:
    """A text file's text, decoded but not laid out yet: what :func:`stream_sources` gives for
    a text file with ``raw=True``, so that it is laid out and attributed (sentence splitting
    is most of the cost of reading) where it is matched, on the workers of a pool or a
    cluster. :meth:`read` gives the source :func:`read_file` gives; :func:`planlib.match`
    takes text files among its sources. ``registry`` and ``cues``: those the reader was
    given (``None``: the bundled ones, loaded where the file is read)."""

    path: str
    text: str = attrs.field(repr=False)
    registry: Registry | None = attrs.field(default=None, eq=False, repr=False)
    cues: Cues | None = attrs.field(default=None, eq=False, repr=False)

    def read(self) -> Source:
        """The source, laid out and attributed: the one :func:`read_file` reads from the file."""
        return read_text(self.text, source=self.path, path=self.path, registry=self.registry, cues=self.cues)


def _jsonl_sources(shown: str, real: Path) -> Iterator[Source]:
    """Sources of a JSONL corpus, one per distinct ``source`` value (the file's name when absent),
    in order of first appearance; each source's text is its records' texts joined by newlines."""
    texts: dict[str, list[str]] = {}
    stmts: dict[str, list[Statement]] = {}
    titles: dict[str, str | None] = {}
    for doc, statement, title in iter_jsonl(real, shown):
        parts = texts.setdefault(doc, [])
        parts.append(statement.text)
        stmts.setdefault(doc, []).append(statement)
        titles.setdefault(doc, title)
    if not texts:
        warnings.warn(f"{shown}: empty file, no statements", PlanlibWarning, stacklevel=2)
    for doc, parts in texts.items():
        yield Source(id=doc, path=shown, kind="jsonl", text="\n".join(parts), title=titles[doc], statements=stmts[doc])


def iter_jsonl(real: Path, shown: str) -> Iterator[tuple[str, Statement, str | None]]:
    """(document id, statement, title) for each record of a JSONL file, read lazily."""
    with _open_jsonl(real, shown) as handle:
        yield from parse_lines(handle, shown, 1, {}, {})


def _open_jsonl(real: Path, shown: str) -> BinaryIO:
    try:
        return real.open("rb")
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}", where=shown) from None


def parse_lines(
    lines: Iterable[bytes], shown: str, first: int, offsets: dict[str, int], counts: dict[str, int]
) -> Iterator[tuple[str, Statement, str | None]]:
    """(document id, statement, title) for each record of these lines of the JSONL file
    ``shown``, the first of them line number ``first``. ``offsets`` and ``counts`` hold, per
    document, where its next record's text starts and how many records it has had; they are
    updated as records are read (empty dicts at the top of the file)."""
    loads = json.loads
    for number, raw in enumerate(lines, first):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if b"\x00" in raw:
            raise SourceError("looks binary (NUL bytes), not JSONL", where=f"{shown}:{number}")
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SourceFormatError(
                f"not valid UTF-8 at byte {exc.start} of the line", where=f"{shown}:{number}"
            ) from None
        if not line.strip():
            continue
        try:
            record = loads(line)
        except json.JSONDecodeError as exc:
            raise SourceFormatError(
                f"not valid JSON ({exc.msg} at column {exc.colno})", where=f"{shown}:{number}",
                hint='each line must be one object like {"text": "..."}',
            ) from None
        yield _record(record, shown, number, offsets, counts)


_OPTIONAL_STRINGS = ("source", "speaker", "outlet", "date", "cited", "title")
_KINDS = frozenset(("record", "sentence", "turn", "headline", "heading", "bullet"))


def _record(
    record: object, shown: str, number: int, offsets: dict[str, int], counts: dict[str, int]
) -> tuple[str, Statement, str | None]:
    """One record as a statement, checked field by field (``shown``:``number`` names it in errors).
    The checks here are the Statement's own, so it is built without running them twice."""
    if not isinstance(record, dict):
        raise SourceFormatError("a record must be a JSON object", where=f"{shown}:{number}", hint='like {"text": "..."}')
    if not record.keys() <= _JSONL_KEYS:
        unknown = sorted(record.keys() - _JSONL_KEYS)
        raise SourceFormatError(f"unknown field {unknown[0]!r}", where=f"{shown}:{number}",
                                hint=f"fields: {', '.join(sorted(_JSONL_KEYS))}")
    get = record.get
    text = get("text")
    if not isinstance(text, str) or not text.strip():
        raise SourceFormatError("field 'text' must be a non-empty string", where=f"{shown}:{number}")
    if len(record) > 1:
        for key in _OPTIONAL_STRINGS:
            value = get(key)
            if value is not None and not isinstance(value, str):
                raise SourceFormatError(f"field {key!r} must be a string", where=f"{shown}:{number}")
    kind = get("kind", "record")
    if kind not in _KINDS:
        raise SourceFormatError(f"field 'kind' cannot be {kind!r}", where=f"{shown}:{number}")
    doc = sys.intern(get("source") or shown)  # one string per document, however many records
    start = offsets.get(doc, 0)
    count = counts[doc] = counts.get(doc, 0) + 1
    offsets[doc] = start + len(text) + 1
    speaker, outlet = get("speaker"), get("outlet")
    statement = trusted_statement(
        f"{doc}#{count}", doc, shown, start, start + len(text), text, kind, speaker, outlet,
        get("cited"), "jsonl field" if speaker or outlet else None, None, get("date"),
    )
    return doc, statement, get("title")


def jsonl_info(doc: str, shown: str, title: str | None) -> dict[str, str | None]:
    """The source listing of one document of the JSONL file ``shown`` (its first record's title)."""
    return {"id": doc, "path": shown, "kind": "jsonl", "title": title}


def place_statement(statement: Statement, records: int, chars: int) -> Statement:
    """A statement read from a :class:`JsonlChunk` on its own (ids and offsets counted from the
    chunk's first line), put where it stands in the whole file: ``records`` records of its
    document came before the chunk, with ``chars`` characters of text (a newline after each)."""
    if not records and not chars:
        return statement
    s = statement
    doc, _hash, number = s.id.rpartition("#")
    return trusted_statement(
        f"{doc}#{int(number) + records}", s.source, s.path, s.start + chars, s.end + chars, s.text, s.kind,
        s.speaker, s.outlet, s.cited, s.cue, s.label, s.date,
    )


PART_STATEMENTS = 512
"""Most statements one :class:`SourcePart` of a JSONL corpus holds."""


def _part_statements(value: Iterable[Statement]) -> tuple[Statement, ...]:
    return tuple(value)


@attrs.frozen
class SourcePart:
    """Some statements of one source, with the source's listing (``info``) but not its text:
    what streaming passes on, so a JSONL corpus is never held whole. Like a :class:`Source`,
    it has ``info`` and ``statements``; spans index the source's text as documented for JSONL."""

    info: dict[str, str | None] = attrs.field(eq=False)
    statements: tuple[Statement, ...] = attrs.field(converter=_part_statements)


@attrs.frozen
class JsonlChunk:
    """Whole lines of a JSONL corpus, not parsed yet: what :func:`stream_sources` gives for a
    JSONL file with ``raw=True``, so that the records are parsed where they are matched (on
    the workers of a pool or a cluster) and the reading process only cuts lines.

    ``line`` is the number of the first line and ``lines`` how many there are (blank ones
    included); :meth:`records` parses them. :func:`planlib.match` takes chunks among its
    sources and gives the table it gives for the parsed file. ``left``: how many bytes of
    the file come after the chunk, as far as known when it was read (``None``: not known); a
    hint for sharing out the end of the file in small pieces, not part of the chunk's value."""

    path: str
    line: int
    lines: int
    data: bytes = attrs.field(repr=False)
    left: int | None = attrs.field(default=None, eq=False, repr=False)

    def records(
        self, offsets: dict[str, int] | None = None, counts: dict[str, int] | None = None
    ) -> Iterator[tuple[str, Statement, str | None]]:
        """(document id, statement, title) of each record, as :func:`parse_lines` reads them;
        with no ``offsets`` and ``counts``, ids and offsets count from this chunk alone."""
        pieces = self.data.split(b"\n")
        if pieces and not pieces[-1]:
            pieces.pop()  # the newline ending the last line
        return parse_lines(pieces, self.path, self.line, {} if offsets is None else offsets,
                           {} if counts is None else counts)

    def joined(self, other: JsonlChunk) -> JsonlChunk:
        """This chunk and the one right after it in the same file, as one chunk."""
        if other.path != self.path or other.line != self.line + self.lines:
            raise ValueError("only consecutive chunks of one file join")
        return JsonlChunk(self.path, self.line, self.lines + other.lines, self.data + other.data, other.left)


@overload
def stream_sources(
    paths: Sequence[Path | str] | Path | str | None = ..., *, registry: Registry | None = ...,
    cues: Cues | None = ..., raw: Literal[False] = ...,
) -> Iterator[Source | SourcePart]: ...


@overload
def stream_sources(
    paths: Sequence[Path | str] | Path | str | None = ..., *, registry: Registry | None = ...,
    cues: Cues | None = ..., raw: Literal[True],
) -> Iterator[TextFile | JsonlChunk]: ...


@overload
def stream_sources(
    paths: Sequence[Path | str] | Path | str | None = ..., *, registry: Registry | None = ...,
    cues: Cues | None = ..., raw: bool = ...,
) -> Iterator[Source | SourcePart] | Iterator[TextFile | JsonlChunk]: ...


def stream_sources(
    paths: Sequence[Path | str] | Path | str | None = None,
    *,
    registry: Registry | None = None,
    cues: Cues | None = None,
    raw: bool = False,
) -> Iterator[Source | SourcePart] | Iterator[TextFile | JsonlChunk]:
    """Like :func:`iter_sources`, but JSONL corpora come as :class:`SourcePart` runs of at most
    :data:`PART_STATEMENTS` records, read lazily, so memory does not grow with the file.

    Statements, ids, spans and source listings are exactly those :func:`iter_sources` gives
    (a document's listing is fixed by its first record, wherever its later records stand).
    With ``raw=True``, JSONL files come as :class:`JsonlChunk` runs of as many lines, unparsed
    (a file's errors then surface where the chunks are parsed), and text files as
    :class:`TextFile`, decoded (a file that is not UTF-8 text fails here) but not laid out.
    """
    if raw:
        return _each(paths, _jsonl_chunks, _unread(registry, cues))
    return _each(paths, _jsonl_parts, _whole(registry, cues))


def _jsonl_chunks(shown: str, real: Path) -> Iterator[JsonlChunk]:
    blank = True
    number = 1
    with _open_jsonl(real, shown) as handle:
        size = os.fstat(handle.fileno()).st_size
        while lines := list(itertools.islice(handle, PART_STATEMENTS)):
            if blank:  # blank as the parser sees it: after the BOM, in Unicode's whitespace
                if number == 1 and lines[0].startswith(b"\xef\xbb\xbf"):
                    lines[0] = lines[0][3:]
                blank = not any(line.decode("utf-8", "replace").strip() for line in lines)
            yield JsonlChunk(shown, number, len(lines), b"".join(lines), max(size - handle.tell(), 0))
            number += len(lines)
    if blank:
        warnings.warn(f"{shown}: empty file, no statements", PlanlibWarning, stacklevel=2)


def _jsonl_parts(shown: str, real: Path) -> Iterator[SourcePart]:
    infos: dict[str, dict[str, str | None]] = {}  # one small listing per document, not per record
    run: list[Statement] = []
    doc: str | None = None
    for record_doc, statement, title in iter_jsonl(real, shown):
        if record_doc != doc or len(run) >= PART_STATEMENTS:
            if run and doc is not None:
                yield SourcePart(infos[doc], run)
            run, doc = [], record_doc
        if record_doc not in infos:
            infos[record_doc] = jsonl_info(record_doc, shown, title)
        run.append(statement)
    if run and doc is not None:
        yield SourcePart(infos[doc], run)
    if not infos:
        warnings.warn(f"{shown}: empty file, no statements", PlanlibWarning, stacklevel=2)
