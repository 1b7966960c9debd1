"""Sentence spans from a maintained splitter (pysbd), checked against the text they index."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pysbd

__all__ = ["sentence_spans"]

PYSBD_LIMIT = 50_000
"""Blocks longer than this many characters are split by a plain punctuation rule."""

MAX_SENTENCE = 2_000
"""A "sentence" longer than this many characters (a run of text with no sentence ends) is cut
at white space into pieces of at most this length: no statement that long says one thing."""

_FALLBACK = re.compile(r"[^.!?…]+(?:[.!?…]+[\"'”’)\]]*|$)")
_BRACKET_EDGE = re.compile(r"^\[[^\[\]]{1,60}\]|\[[^\[\]]{1,60}\]$")


@cache
def _segmenter() -> pysbd.Segmenter:
    import pysbd  # imported when a text file is first split: a JSONL run never needs it

    return pysbd.Segmenter(language="en", clean=False, char_span=False)


def _strip(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the sentences of ``text[start:end]``, in order, trimmed of white space.

    The spans are disjoint and every non-space character of the range lies in one of them.
    A bracketed aside at a sentence's edge (``[laughs]``) becomes a span of its own.
    """
    stop = len(text) if end is None else end
    chunk = text[start:stop]
    if len(chunk) > PYSBD_LIMIT:  # the splitter is quadratic on huge blocks: a plain rule instead
        pieces: list[str] = []
    else:
        # The splitter's sentences, before segment() looks each one up again in the text with a
        # pattern of its own (compiled per sentence, and a scan of the whole block each time):
        # the loop below finds them itself, and falls back to a plain rule for any it cannot.
        pieces = _segmenter().processor(chunk).process() if chunk.strip() else []
    spans: list[tuple[int, int]] = []
    pos = 0
    for piece in pieces:
        at = chunk.find(piece, pos) if piece else -1
        if at < 0:  # the splitter changed the text: fall back to a plain rule for the rest
            spans.extend(_fallback(chunk, pos))
            pos = len(chunk)
            break
        spans.append((at, at + len(piece)))
        pos = at + len(piece)
    if pos < len(chunk) and chunk[pos:].strip():
        spans.extend(_fallback(chunk, pos))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        for part in _split_brackets(chunk, s, e):
            trimmed = _strip(chunk, *part)
            if trimmed:
                for a, b in _cut(chunk, *trimmed):
                    out.append((a + start, b + start))
    return out


def _cut(chunk: str, s: int, e: int) -> list[tuple[int, int]]:
    """An overlong span cut at the last white space before each MAX_SENTENCE boundary."""
    out: list[tuple[int, int]] = []
    while e - s > MAX_SENTENCE:
        at = s + MAX_SENTENCE
        space = chunk.rfind(" ", s + MAX_SENTENCE // 2, at)
        cut = space if space > s else at
        piece = _strip(chunk, s, cut)
        if piece:
            out.append(piece)
        s = cut
        while s < e and chunk[s].isspace():
            s += 1
    if s < e:
        out.append((s, e))
    return out


def _fallback(chunk: str, pos: int) -> list[tuple[int, int]]:
    return [(pos + m.start(), pos + m.end()) for m in _FALLBACK.finditer(chunk[pos:]) if m.group().strip()]


def _split_brackets(chunk: str, s: int, e: int) -> list[tuple[int, int]]:
    trimmed = _strip(chunk, s, e)
    if trimmed is None:
        return []
    s, e = trimmed
    piece = chunk[s:e]
    if piece.startswith("[") and piece.endswith("]") and piece.count("[") == 1:
        return [(s, e)]
    m = _BRACKET_EDGE.search(piece)
    if not m:
        return [(s, e)]
    if m.start() == 0:
        return [(s, s + m.end()), (s + m.end(), e)]
    return [(s, s + m.start()), (s + m.start(), e)]
