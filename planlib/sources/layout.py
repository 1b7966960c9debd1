"""A text file's layout: blocks (headline, headings, paragraphs, bullets, transcript turns,
stage directions, boilerplate) cut into statements whose spans index the text exactly."""

from __future__ import annotations

import re

import attrs

from ..model import Statement
from ..people import Registry
from ..places import place_names
from .cues import Cues
from .sentences import sentence_spans

__all__ = ["Block", "blocks", "statements"]

_NAME = r"(?:[A-ZА-ЯЁІЇЄ]\.\s?){0,2}[A-ZА-ЯЁІЇЄ][\w'’.\-]*(?:\s(?:[A-ZА-ЯЁІЇЄ][\w'’.\-]*|de|van|von|al)){0,3}"
_LABEL = re.compile(
    rf"(?P<label>{_NAME})(?:,\s(?P<role>[A-Z][A-Z.'’\- ]{{1,30}}))?(?:\s\([^()]{{1,24}}\)){{0,2}}\s?:(?=\s|$)"
)
"""A turn label: a name, perhaps a role after a comma, up to two asides in brackets (a
parliamentary record's constituency and party: ``Jane Roe (Northtown) (Lab):``)."""
_OFFICE_LABEL = re.compile(rf"(?P<office>[A-ZА-ЯЁІЇЄ][\w'’\-]*(?:\s[\w'’\-]+){{1,7}}?)\s\((?P<label>{_NAME})\)\s?:(?=\s|$)")
"""An office holder's turn label, the name in brackets after the office
(``The Minister for Trade (John Doe):``, as parliamentary records write them)."""
_MD_HEADING = re.compile(r"#{1,6}\s+\S")
_BULLET = re.compile(r"(?:[•\-*–·▪●◦]|\d{1,2}[.)])\s+")
_STAGE = re.compile(r"\[[^\[\]]+\]|\([A-Za-z][^()]{0,40}\)")
_TERMINAL = tuple(".!?…:;\"”’)»")


@attrs.frozen
class Block:
    """Lines of a source between blank lines: ``lines`` holds each line's (start, end)."""

    start: int
    end: int
    lines: tuple[tuple[int, int], ...]


def blocks(text: str) -> list[Block]:
    """The blank-line separated blocks of ``text``, each line trimmed of white space."""
    out: list[Block] = []
    current: list[tuple[int, int]] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        line_start, line_end = pos, pos + len(raw)
        pos = line_end
        s, e = line_start, line_end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s == e:
            if current:
                out.append(Block(current[0][0], current[-1][1], tuple(current)))
                current = []
            continue
        current.append((s, e))
    if current:
        out.append(Block(current[0][0], current[-1][1], tuple(current)))
    return out


def _label_at(text: str, start: int, end: int, cues: Cues) -> re.Match[str] | None:
    """The turn label opening ``text[start:end]``, if any; its ``label`` group is the name.
    An office label counts when the office reads as a phrase, not a name (it opens with a
    phrase word or holds a word in lower case): ``Jane Roe (Northtown):`` names Jane Roe."""
    m = _LABEL.match(text, start, end)
    if m is None or _phrase_like(m.group("label"), cues):
        office = _OFFICE_LABEL.match(text, start, end)
        if office is not None and _office_like(office.group("office"), cues):
            m = office
    if not m or len(m.group("label")) > 40:
        return None
    return m


def _office_like(office: str, cues: Cues) -> bool:
    words = office.split()
    return words[0].casefold() in cues.phrase_words or any(w.islower() for w in words[1:])


class _Builder:
    def __init__(self, source: str, path: str, text: str) -> None:
        self.source, self.path, self.text = source, path, text
        self.out: list[Statement] = []

    def add(self, start: int, end: int, kind: str, **extra: str | None) -> None:
        self.out.append(
            Statement(
                id=f"{self.source}#{len(self.out) + 1}", source=self.source, path=self.path,
                start=start, end=end, text=self.text[start:end], kind=kind, **extra,
            )
        )

    def sentences(self, start: int, end: int, kind: str, **extra: str | None) -> None:
        for s, e in sentence_spans(self.text, start, end):
            piece = self.text[s:e]
            k = "stage-direction" if _STAGE.fullmatch(piece) else kind
            self.add(s, e, k, **(extra if k == kind else {}))


def _heading_like(text: str, block: Block) -> bool:
    if len(block.lines) != 1:
        return False
    line = text[block.start : block.end]
    return len(line) <= 120 and not line.endswith(_TERMINAL) and len(line.split()) <= 16


def statements(
    source: str, path: str, text: str, *, registry: Registry, cues: Cues
) -> list[Statement]:
    """Every statement of a plain-text source, in order, spans exact.

    Speakers of transcript turns are resolved through ``registry``; a label that resolves to
    no one stays as written. Attribution of prose is left to :mod:`planlib.sources.attribution`.
    """
    b = _Builder(source, path, text)
    blist = blocks(text)
    turn_blocks = _turn_blocks(text, blist, registry, cues)
    in_tail = False
    seen_prose = False
    seen_labels: list[str] = []
    open_turn: dict[str, str | None] = {}  # a bare label's turn, going on in the next paragraphs
    for block, is_turn in _split_items(text, blist, turn_blocks):
        whole = text[block.start : block.end]
        if in_tail or cues.starts_tail(whole):
            in_tail = True
            for s, e in block.lines:
                b.add(s, e, "boilerplate")
            continue
        if is_turn:
            open_turn = _turns(b, block, registry, cues, seen_labels)
            continue
        if all(cues.is_boilerplate(text[s:e]) for s, e in block.lines):
            for s, e in block.lines:
                b.add(s, e, "boilerplate")
            continue
        if _STAGE.fullmatch(whole):
            b.add(block.start, block.end, "stage-direction")
            continue
        bullet = _BULLET.match(text, block.start, block.end)
        if bullet:
            b.add(block.start, bullet.end() - 1 if text[bullet.end() - 1].isspace() else bullet.end(), "label")
            b.sentences(bullet.end(), block.end, "bullet")
            seen_prose = True
            continue
        if len(whole) <= 60 and cues.is_dateline(whole):
            b.add(block.start, block.end, "dateline")
            continue
        if _heading_like(text, block) or (len(block.lines) == 1 and _MD_HEADING.match(whole)):
            b.add(block.start, block.end, "heading" if seen_prose or _has_headline(b) else "headline")
            open_turn = {}
            continue
        if open_turn:
            b.sentences(block.start, block.end, "turn", **open_turn)
            continue
        b.sentences(block.start, block.end, "sentence")
        seen_prose = True
    return b.out


def _title_like(text: str, block: Block) -> bool:
    """A single short line that does not end a sentence (closing quotes aside): a title."""
    line = text[block.start : block.end].rstrip("\"'”’»)")
    return len(block.lines) == 1 and len(line.split()) <= 16 and not line.endswith((".", "!", "?", "…"))


def _split_items(text: str, blist: list[Block], turn_blocks: set[int]) -> list[tuple[Block, bool]]:
    """(block, is a turn block): blocks with Markdown headings and bullet items are cut at each
    ``# heading`` or item line, so every item is a block of its own; turn blocks stay whole."""
    out: list[tuple[Block, bool]] = []
    for i, block in enumerate(blist):
        if i in turn_blocks or len(block.lines) == 1:
            out.append((block, i in turn_blocks))
            continue
        groups: list[list[tuple[int, int]]] = [[]]
        for s, e in block.lines:
            starts = _MD_HEADING.match(text, s, e) or _BULLET.match(text, s, e)
            if starts and groups[-1]:
                groups.append([])
            groups[-1].append((s, e))
            if _MD_HEADING.match(text, s, e):
                groups.append([])
        for g in groups:
            if g:
                out.append((Block(g[0][0], g[-1][1], tuple(g)), False))
    return out


def _has_headline(b: _Builder) -> bool:
    return any(s.kind == "headline" for s in b.out)


def _phrase_like(label: str, cues: Cues) -> bool:
    """A label that reads as a phrase, not a name: a possessive ("THE LEADER'S CHOICE") or one
    opening with a word of ``[blocks] phrase_words`` ("THE WEEKLY EDIT", "ON THE GROUND")."""
    words = label.split()
    return any(w.endswith(("'S", "’S", "'s", "’s")) for w in words) or words[0].casefold() in cues.phrase_words


def _turn_blocks(text: str, blist: list[Block], registry: Registry, cues: Cues) -> set[int]:
    """Indices of blocks that are transcript turns: a label that names a known person, a
    Q/A label, an upper-case label with a role ("NAME, HOST:"), or any label within a run of
    two or more labelled blocks. An upper-case label that names no one counts only in a run,
    and a label that reads as a phrase never does (a Q/A label is never taken for a phrase,
    though "A" opens phrases too)."""
    candidate: dict[int, bool] = {}
    for i, block in enumerate(blist):
        s, e = block.lines[0]
        m = _label_at(text, s, e, cues)
        if not m:
            continue
        label = m.group("label")
        qa = cues.is_qa_label(label)  # "A" is a phrase word too
        if label.casefold() in cues.not_labels or (not qa and _phrase_like(label, cues)):
            continue
        if label.casefold() in place_names() and registry.resolve(label) is None:
            continue  # "PLACE: talks resume" heads a text: a place is not a speaker
        strong = (
            qa
            or registry.resolve(label) is not None
            or (label.isupper() and len(label) > 1 and m.groupdict().get("role") is not None)
        )
        candidate[i] = strong
    chosen = set()
    for i, strong in candidate.items():
        run = (i - 1) in candidate or (i + 1) in candidate
        s, e = blist[i].lines[0]
        bare = len(blist[i].lines) == 1 and _label_at(text, s, e, cues) is not None and text[s:e].endswith(":")
        if not run and not bare and _title_like(text, blist[i]):
            continue  # "Smith: talks went well" is a heading that names its speaker
        if strong or run:
            chosen.add(i)
    return chosen


def _speaker(label: str, registry: Registry, cues: Cues, seen: list[str]) -> str | None:
    """The canonical speaker of a turn label; Q/A labels name no one; a surname alone is the
    fuller label seen earlier in the source (``seen``); others stay as written."""
    if cues.is_qa_label(label):
        return None
    found = registry.resolve(label)
    if found is not None:
        return found
    words = label.split()
    if len(words) == 1:
        for full in reversed(seen):
            if full.split()[-1].casefold() == label.casefold():
                return full
    elif label not in seen:
        seen.append(label)
    return label


def _turns(b: _Builder, block: Block, registry: Registry, cues: Cues, seen: list[str]) -> dict[str, str | None]:
    """Cut a turn block into labels and turn sentences; returns the speaker fields of a last
    label with no words after it (its turn goes on in the next paragraphs), else ``{}``."""
    text = b.text
    current: tuple[str, int, int, str | None] | None = None  # label, body start, body end, speaker

    def flush() -> None:
        if current is not None:
            label, s, e, speaker = current
            if s < e:
                b.sentences(s, e, "turn", speaker=speaker, label=label, cue="turn label" if speaker else None)

    for s, e in block.lines:
        m = _label_at(text, s, e, cues)
        if m:
            flush()
            label = m.group("label")
            who = _speaker(label, registry, cues, seen)
            b.add(s, m.end(), "label", speaker=who, label=label, cue="turn label")
            current = (label, m.end(), e, who)
        elif current is not None:
            current = (current[0], current[1], e, current[3])
        else:  # a continuation before any label: prose
            b.sentences(s, e, "sentence")
    flush()
    if current is not None and current[1] >= current[2]:
        return {"speaker": current[3], "label": current[0], "cue": "turn label" if current[3] else None}
    return {}

