"""Hypothesis strategies for property-testing the matcher on any plan: plans, statements, sources
and whole corpora with planted evidence and distractors whose outcome is known beforehand.

Needs the ``hypothesis`` extra (``pip install 'planlib[hypothesis]'``). What a planted corpus
guarantees is stated on :func:`planted_corpus` and in docs/testing.md.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any

import attrs

try:
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - exercised in a subprocess by tests/test_strategies.py
    raise ImportError(
        "planlib.strategies needs Hypothesis, which is not installed: pip install 'planlib[hypothesis]'"
    ) from None

from anyascii import anyascii
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .matching import SKIPPED_KINDS, typo_budget
from .model import CONCEPT_KINDS, Concept, Plan, Provision, Source, Statement
from .places import Gazetteer, load_gazetteer
from .sources import read_text
from .text import figures, fold_word, lexicon, tokens

__all__ = [
    "PLANTED_KINDS",
    "VARIANTS",
    "Corpus",
    "Planted",
    "concepts",
    "distractor_statements",
    "distractor_words",
    "guaranteed",
    "plans",
    "planted_corpus",
    "planted_statements",
    "provisions",
    "source_of",
    "sources",
    "statements",
    "terms",
    "words",
]

VARIANTS = ("case", "inflection", "spelling", "transliteration", "typo", "gazetteer", "hyphen", "order", "filler")
"""Surface variants a planted statement may use, each of which the matcher must see through."""

PLANTED_KINDS = ("sentence", "turn", "bullet", "record")
"""Statement kinds planted evidence takes: matched, and scored without a kind deduction."""

_KINDS = ("none", "none", "case", "inflection", "transliteration", "typo")
_KINDS_RESPELT = ("none", "case", "spelling", "spelling", "inflection", "transliteration", "typo")
_INFLECTIONS = ("s", "es", "ed", "ing", "d", "'s")
_LETTERS = string.ascii_lowercase


# ---------------------------------------------------------------------------------------------
# What a plan's vocabulary holds, computed here from the documented rules (not from the matcher)


@attrs.frozen
class _Form:
    """A surface form planted for a concept: its words (stop words dropped) and their keys."""

    words: tuple[str, ...]
    keys: frozenset[str]
    gazetteer: bool = False
    figure: str | None = None
    hyphen: bool = False


@attrs.frozen
class _Index:
    plan: Plan
    keys: frozenset[str]
    concept_keys: tuple[tuple[frozenset[str], ...], ...]
    clean: tuple[tuple[tuple[_Form, ...], ...], ...]
    safe: tuple[tuple[_Form, ...] | None, ...]
    typo_choices: tuple[str, ...]


def _content(text: str) -> tuple[str, ...]:
    """The words of a term the matcher needs: stop words dropped, unless fewer than two words
    would be left ("in exchange" keeps its "in")."""
    stop = lexicon().stopwords
    surfaces = tuple(t.surface for t in tokens(text))
    content = tuple(w for w in surfaces if fold_word(w).key not in stop)
    return content if len(content) >= 2 else surfaces


def _figure_text(value: float) -> str | None:
    """The number as a statement writes it, when planlib reads it back as exactly ``value``."""
    if value < 0:
        return None
    text = f"{int(value):,}" if float(value).is_integer() else repr(float(value))
    got = figures(f"({text})")
    return text if len(got) == 1 and abs(got[0].value - value) < 1e-6 * max(1.0, abs(value)) else None


def _forms(concept: Concept, gaz: Gazetteer) -> list[_Form]:
    out: list[_Form] = []
    if concept.kind == "figure" and concept.value is not None:
        text = _figure_text(concept.value)
        if text is not None:
            words = tuple(t.surface for t in tokens(text))
            out.append(_Form(words, frozenset(fold_word(w).key for w in words), figure=f"({text})"))
        return out  # a figure concept is planted as its number
    for term in concept.terms:
        words = _content(term)
        if words:
            out.append(_Form(words, frozenset(fold_word(w).key for w in words)))
    listed = {tuple(fold_word(w).key for w in f.words) for f in out}
    for term in concept.terms:  # the lexicon's hyphen_prefixes: "nonaggression" for "non-aggression"
        for other in lexicon().hyphen_forms(term):
            words = _content(other)
            keys = tuple(fold_word(w).key for w in words)
            if words and keys not in listed:
                listed.add(keys)
                out.append(_Form(words, frozenset(keys), hyphen=True))
    for form, place in gaz.surface_forms(concept.places):
        words = _content(form)
        if words:
            sub = place not in concept.places or form != place
            out.append(_Form(words, frozenset(fold_word(w).key for w in words), gazetteer=sub))
    return list(dict.fromkeys(out))


def _negative(provision: Provision) -> bool:
    lex = lexicon()
    return any(lex.negates(t.surface) for t in tokens(f"{provision.title} {provision.summary}"))


@cache
def _index(plan: Plan, gaz: Gazetteer) -> _Index:
    lex = lexicon()
    all_forms = [[_forms(c, gaz) for c in p.concepts] for p in plan.provisions]
    concept_keys = tuple(
        tuple(
            frozenset(k for f in forms for k in f.keys if f.figure is None)
            | frozenset(fold_word(t.surface).key for term in c.terms for t in tokens(term) if c.kind == "figure")
            for c, forms in zip(p.concepts, all_forms[pi], strict=True)
        )
        for pi, p in enumerate(plan.provisions)
    )
    keys = frozenset(k for per in concept_keys for ks in per for k in ks)
    spelled = sorted({
        fold_word(w).spelled for per in all_forms for forms in per for f in forms for w in f.words
        if fold_word(w).spelled.isalpha() and len(fold_word(w).spelled) >= 6
    } | {
        fold_word(t.surface).spelled for p in plan.provisions for c in p.concepts for term in c.terms
        for t in tokens(term) if fold_word(t.surface).spelled.isalpha() and len(fold_word(t.surface).spelled) >= 6
    })
    clean: list[tuple[tuple[_Form, ...], ...]] = []
    safe: list[tuple[_Form, ...] | None] = []
    for pi, p in enumerate(plan.provisions):
        negative = _negative(p)
        per: list[tuple[_Form, ...]] = []
        for ci, forms in enumerate(all_forms[pi]):
            others = frozenset(k for cj, ks in enumerate(concept_keys[pi]) if cj != ci for k in ks)
            per.append(tuple(
                f for f in forms
                if not (f.keys & others) and (negative or not any(lex.negates(w) for w in f.words))
            ))
        clean.append(tuple(per))
        safe.append(_safe_choice(plan, pi, per, concept_keys))
    return _Index(plan, keys, concept_keys, tuple(clean), tuple(safe), tuple(spelled))


def _explainable(plan: Plan, pi: int, chosen: Sequence[_Form], concept_keys: Sequence[Sequence[frozenset[str]]]) -> bool:
    """Whether another provision could match more concepts than ``pi`` in a statement made of
    ``chosen`` (and so explain its evidence away): an upper bound, counting every concept of
    the other provision that shares a word with the statement (and its figures, if any)."""
    keys = frozenset(k for f in chosen for k in f.keys)
    digits = any(f.figure is not None for f in chosen) or any(k.isdigit() for k in keys)
    n = len(plan.provisions[pi].concepts)
    for qi, q in enumerate(plan.provisions):
        if qi == pi:
            continue
        reach = sum(1 for cj, c in enumerate(q.concepts) if concept_keys[qi][cj] & keys or (c.kind == "figure" and digits))
        if reach > n:
            return True
    return False


def _safe_choice(
    plan: Plan, pi: int, clean: Sequence[tuple[_Form, ...]], concept_keys: Sequence[Sequence[frozenset[str]]]
) -> tuple[_Form, ...] | None:
    """One clean form per concept that no other provision can explain away; ``None`` if the
    provision's concepts cannot all be planted apart (their terms share words)."""
    if any(not forms for forms in clean) or all(f.figure is not None for forms in clean for f in forms):
        return None  # the matcher weighs figures only in provisions some term of which it found
    figs = [f.figure for forms in clean for f in forms[:1] if f.figure is not None]
    if len(set(figs)) != len(figs):
        return None

    def foreign(f: _Form) -> int:
        return sum(1 for qi, per in enumerate(concept_keys) if qi != pi for ks in per if ks & f.keys)

    chosen = tuple(min(forms, key=lambda f: (foreign(f), len(f.words), f.words)) for forms in clean)
    return None if _explainable(plan, pi, chosen, concept_keys) else chosen


def guaranteed(plan: Plan, *, gazetteer: Gazetteer | None = None) -> tuple[str, ...]:
    """Ids of the provisions :func:`planted_corpus` can plant guaranteed evidence for.

    A provision qualifies when each of its concepts has a surface form sharing no folded word
    with the provision's other concepts (and no negator, unless the provision is phrased
    negatively), figure concepts have distinct numbers, at least one concept is not a figure,
    and no other provision could match more concepts in a statement made of those forms.
    """
    idx = _index(plan, gazetteer if gazetteer is not None else load_gazetteer())
    return tuple(p.id for p, s in zip(plan.provisions, idx.safe, strict=True) if s is not None)


def _effective_key(idx: _Index, surface: str) -> str | None:
    """The vocabulary key a corpus word meets under the documented look-up: its folded key when
    the vocabulary has it, else the key of the nearest term word within the typo budget (None
    when there is none, or when the nearest are several words with different keys)."""
    f = fold_word(surface)
    if f.key in idx.keys:
        return f.key
    budget = typo_budget(len(f.spelled))
    if not budget or not f.spelled.isalpha() or not idx.typo_choices:
        return None
    near = process.extract(f.spelled, idx.typo_choices, scorer=Levenshtein.distance, score_cutoff=budget, limit=None)
    if not near:
        return None
    best = min(d for _c, d, _i in near)
    found = {fold_word(c).key for c, d, _i in near if d == best}
    return found.pop() if len(found) == 1 else ""


# ---------------------------------------------------------------------------------------------
# Surface variants of one word, each checked to fold back to the same vocabulary key


@cache
def _transliterations() -> dict[str, tuple[str, ...]]:
    """Non-ASCII letters (Cyrillic, accented Latin) that the transliteration fold reads as one
    ASCII letter, by that letter."""
    out: dict[str, list[str]] = {}
    for code in (*range(0x00C0, 0x0180), *range(0x0400, 0x0460)):
        ch = chr(code)
        if not ch.isalpha() or unicodedata.normalize("NFKC", ch) != ch:
            continue
        plain = anyascii(ch).casefold()
        if len(plain) == 1 and plain in _LETTERS:
            out.setdefault(plain, []).append(ch)
    return {k: tuple(v) for k, v in out.items()}


@cache
def _respellings(word: str) -> tuple[str, ...]:
    """Words one edit (or one swap of neighbours) away that the lexicon's spelling rules fold
    to the same spelling as ``word``: the US/UK and other spelling variants the lexicon knows."""
    base = fold_word(word)
    if not base.ascii.isalpha():
        return ()
    w = base.ascii
    cands: set[str] = set()
    for i in range(len(w) + 1):
        for ch in _LETTERS:
            cands.add(w[:i] + ch + w[i:])
            if i < len(w):
                cands.add(w[:i] + ch + w[i + 1 :])
        if i < len(w):
            cands.add(w[:i] + w[i + 1 :])
        if i + 1 < len(w):
            cands.add(w[:i] + w[i + 1] + w[i] + w[i + 2 :])
    cands.update(w[:i] for i in range(len(w) - 3, len(w)))
    respell = lexicon().respell
    return tuple(c for c in sorted(cands) if c != w and respell(c) == base.spelled)


def _variant(draw: Callable[[Any], Any], idx: _Index, word: str, kind: str) -> str | None:
    """``word`` under the variant ``kind``, or None when the variant does not apply to it."""
    key = fold_word(word).key
    options: list[str] = []
    if kind == "case":
        options = [v for v in (word.upper(), word.lower(), word.title(), word.swapcase()) if v != word]
    elif kind == "inflection":
        low = word.casefold()
        options = [low + s for s in _INFLECTIONS] + [low[:-1] + s for s in _INFLECTIONS if low.endswith("e")]
        options = [v for v in options if fold_word(v).key == key and fold_word(v).spelled != fold_word(word).spelled]
    elif kind == "spelling":
        options = list(_respellings(word))
    elif kind == "transliteration":
        table = _transliterations()
        spots = [i for i, ch in enumerate(word) if ch.casefold() in table]
        if spots:
            chosen = draw(st.lists(st.sampled_from(spots), min_size=1, unique=True))
            chars = list(word)
            for i in chosen:
                chars[i] = draw(st.sampled_from(table[chars[i].casefold()]))
            options = ["".join(chars)]
    elif kind == "typo":
        spelled = fold_word(word).spelled
        if spelled.isalpha() and typo_budget(len(spelled)):
            i = draw(st.integers(1, len(spelled) - 2))
            edit = draw(st.sampled_from(("substitute", "delete", "insert")))
            ch = draw(st.sampled_from(_LETTERS))
            if edit == "substitute":
                cand = spelled[:i] + ch + spelled[i + 1 :]
            elif edit == "delete":
                cand = spelled[:i] + spelled[i + 1 :]
            else:
                cand = spelled[:i] + ch + spelled[i:]
            if fold_word(cand).key not in idx.keys:
                options = [cand]
    options = [
        v for v in options
        if [t.surface for t in tokens(v)] == [v] and _effective_key(idx, v) == key
    ]
    return draw(st.sampled_from(options)) if options else None


# ---------------------------------------------------------------------------------------------
# Distractors: words no concept can meet, after folding and beyond the typo budget


def _is_distractor(idx: _Index, word: str) -> bool:
    lex = lexicon()
    f = fold_word(word)
    if [t.surface for t in tokens(word)] != [word] or not f.spelled.isalpha():
        return False
    if f.key in idx.keys or f.case in lex.stopwords or lex.negates(word) or f.case in lex.multipliers:
        return False
    if not idx.typo_choices:
        return True
    limit = max(typo_budget(len(f.spelled)), 2)
    near = process.extractOne(f.spelled, idx.typo_choices, scorer=Levenshtein.distance, score_cutoff=limit)
    return near is None


def distractor_words(plan: Plan, *, gazetteer: Gazetteer | None = None) -> st.SearchStrategy[str]:
    """Words that no concept of ``plan`` can meet: their folded key is no term word's key, they
    lie more than two edits (beyond any typo budget) from every term word, and they are no stop
    word, negator or number word."""
    return _distractors(plan, gazetteer if gazetteer is not None else load_gazetteer())


@cache
def _distractors(plan: Plan, gaz: Gazetteer) -> st.SearchStrategy[str]:
    idx = _index(plan, gaz)
    return st.text(_LETTERS + "éöñ", min_size=3, max_size=10).filter(lambda w: _is_distractor(idx, w))


def distractor_statements(plan: Plan, *, gazetteer: Gazetteer | None = None) -> st.SearchStrategy[str]:
    """Statements made only of :func:`distractor_words`: evidence for no provision."""
    return st.lists(distractor_words(plan, gazetteer=gazetteer), min_size=1, max_size=12).map(
        lambda ws: (" ".join(ws)).capitalize() + "."
    )


# ---------------------------------------------------------------------------------------------
# Planted statements


@attrs.frozen
class Planted:
    """A statement's text built to support one provision, and the variants it went through."""

    provision: str
    text: str
    variants: tuple[str, ...]


def planted_statements(
    plan: Plan, provision: str, *, gazetteer: Gazetteer | None = None
) -> st.SearchStrategy[Planted]:
    """Statement texts that support the provision with id ``provision`` (one of
    :func:`guaranteed`): one surface form of every concept, each word possibly varied (case,
    inflection, spelling, transliteration, typo), a place possibly named by an alias or a place
    within it, multi-word forms in any order, distractor words between them."""
    return _planted(plan, provision, gazetteer if gazetteer is not None else load_gazetteer())


@cache
def _planted(plan: Plan, provision: str, gaz: Gazetteer) -> st.SearchStrategy[Planted]:
    idx = _index(plan, gaz)
    pi = next((i for i, p in enumerate(plan.provisions) if p.id == provision), None)
    if pi is None or idx.safe[pi] is None:
        raise ValueError(f"provision {provision!r} is not one planted_corpus can guarantee; see guaranteed(plan)")
    safe = idx.safe[pi]
    assert safe is not None
    filler = distractor_words(plan, gazetteer=gaz)

    @st.composite
    def build(draw: Callable[[Any], Any]) -> Planted:
        used: list[str] = []
        chosen = [draw(st.sampled_from(forms)) for forms in idx.clean[pi]]
        if _explainable(plan, pi, chosen, idx.concept_keys):
            chosen = list(safe)
        parts: list[str] = []
        for f in chosen:
            if f.gazetteer:
                used.append("gazetteer")
            if f.hyphen:
                used.append("hyphen")
            if f.figure is not None:
                parts.append(f.figure)
                continue
            out = []
            for w in f.words:
                kind = draw(st.sampled_from(_KINDS_RESPELT if _respellings(w) else _KINDS))
                v = _variant(draw, idx, w, kind) if kind != "none" else None
                if v is not None:
                    used.append(kind)
                out.append(v if v is not None else w)
            if len(out) > 1:
                order = draw(st.permutations(range(len(out))))
                if list(order) != sorted(order):
                    used.append("order")
                out = [out[i] for i in order]
                if draw(st.booleans()):
                    at = draw(st.integers(1, len(out) - 1))
                    out.insert(at, draw(filler))
                    used.append("filler")
            parts.append(" ".join(out))
        order = draw(st.permutations(range(len(parts))))
        pieces: list[str] = []
        for i in order:
            pieces.extend(draw(st.lists(filler, max_size=2)))
            pieces.append(parts[i])
        pieces.extend(draw(st.lists(filler, max_size=2)))
        if len(pieces) > len(parts):
            used.append("filler")
        return Planted(provision, " ".join(pieces) + ".", tuple(dict.fromkeys(used)))

    return build()


# ---------------------------------------------------------------------------------------------
# Sources and corpora


def source_of(texts: Sequence[str], *, source: str, kinds: Sequence[str] | None = None, sep: str = "\n") -> Source:
    """A source whose statements are ``texts`` in order, joined by ``sep``; statement ``n``
    (from 1) has id ``SOURCE#n`` and a span that indexes the source's text exactly."""
    stmts = []
    pos = 0
    for n, text in enumerate(texts, 1):
        kind = kinds[n - 1] if kinds is not None else "sentence"
        stmts.append(Statement(f"{source}#{n}", source, source, pos, pos + len(text), text, kind))
        pos += len(text) + len(sep)
    return Source(id=source, path=source, kind="generated", text=sep.join(texts), statements=stmts)


def _source_tuple(value: Sequence[Source]) -> tuple[Source, ...]:
    return tuple(value)


@attrs.frozen
class Corpus:
    """Sources with planted evidence and distractors, and what matching them must find.

    ``expected`` maps every provision id of the plan to the ids of the statements planted for
    it (empty when none); ``planted`` maps each planted statement id to its provision and
    ``variants`` to the surface variants it used; ``distractors`` holds the ids of statements
    that support no provision.
    """

    sources: tuple[Source, ...] = attrs.field(converter=_source_tuple)
    expected: Mapping[str, frozenset[str]]
    planted: Mapping[str, str]
    distractors: frozenset[str]
    variants: Mapping[str, tuple[str, ...]]

    @property
    def statements(self) -> tuple[Statement, ...]:
        """Every statement of every source, in order."""
        return tuple(s for src in self.sources for s in src.statements)


def planted_corpus(
    plan: Plan,
    *,
    gazetteer: Gazetteer | None = None,
    provisions: Sequence[str] | None = None,
    max_sources: int = 3,
    max_statements: int = 6,
) -> st.SearchStrategy[Corpus]:
    """Corpora of 1..``max_sources`` sources, each of 1..``max_statements`` statements, every
    statement either planted for a provision (of ``provisions``, by default all of
    :func:`guaranteed`) or a distractor.

    Guaranteed, for the bundled folds and scoring (see docs/testing.md): with the plan's own
    vocabulary and gazetteer, every planted statement contains a form of *every* concept of its
    provision (so every required concept and at least ``needed``), on spans of its own, is of
    a kind scored in full (:data:`PLANTED_KINDS`), and cannot be explained away by another
    provision; so ``planlib.match(plan, corpus.sources, top=None)`` lists it for that provision
    at full coverage, scoring at least 65 (above the default ``min_score`` of 60). Distractor
    statements match no provision. With a ``top`` limit, only the best ``top`` are listed.
    """
    gaz = gazetteer if gazetteer is not None else load_gazetteer()
    ids = tuple(provisions) if provisions is not None else guaranteed(plan, gazetteer=gaz)
    unknown = sorted(set(ids) - set(guaranteed(plan, gazetteer=gaz)))
    if unknown:
        raise ValueError(f"provisions {unknown} cannot be planted with a guarantee; see guaranteed(plan)")
    def distractor(text: str) -> tuple[str | None, str, tuple[str, ...]]:
        return (None, text, ())

    def planted(p: Planted) -> tuple[str | None, str, tuple[str, ...]]:
        return (p.provision, p.text, p.variants)

    options = [distractor_statements(plan, gazetteer=gaz).map(distractor)]
    if ids:
        drawn = st.sampled_from(ids).flatmap(lambda pid: planted_statements(plan, pid, gazetteer=gaz))
        options.insert(0, drawn.map(planted))
    item = st.tuples(st.one_of(options), st.sampled_from(PLANTED_KINDS))

    @st.composite
    def build(draw: Callable[[Any], Any]) -> Corpus:
        n = draw(st.integers(1, max_sources))
        srcs = []
        expected: dict[str, set[str]] = {p.id: set() for p in plan.provisions}
        planted_ids: dict[str, str] = {}
        variants: dict[str, tuple[str, ...]] = {}
        distractors: set[str] = set()
        for k in range(n):
            sid = f"generated/{k:02d}.txt"
            items = draw(st.lists(item, min_size=1, max_size=max_statements))
            texts = [t for (_p, t, _v), _k in items]
            srcs.append(source_of(texts, source=sid, kinds=[kd for _i, kd in items]))
            for j, ((pid, _t, used), _k) in enumerate(items, 1):
                stmt_id = f"{sid}#{j}"
                if pid is None:
                    distractors.add(stmt_id)
                else:
                    expected[pid].add(stmt_id)
                    planted_ids[stmt_id] = pid
                    variants[stmt_id] = used
        return Corpus(srcs, {k: frozenset(v) for k, v in expected.items()}, planted_ids, frozenset(distractors), variants)

    return build()


def statements(
    plan: Plan, *, gazetteer: Gazetteer | None = None, max_words: int = 12, negators: bool = True
) -> st.SearchStrategy[Statement]:
    """Statements mixing the plan's own words (possibly varied as in planted statements), stop
    words, negators, numbers and distractor words, in any order: inputs on which a matcher
    must agree with a reference, whatever they support."""
    gaz = gazetteer if gazetteer is not None else load_gazetteer()
    idx = _index(plan, gaz)
    lex = lexicon()
    own = sorted({w for per in idx.clean for forms in per for f in forms for w in f.words} | {
        t.surface for p in plan.provisions for c in p.concepts for term in c.terms for t in tokens(term)
    } | {w for forms in (_forms(c, gaz) for p in plan.provisions for c in p.concepts) for f in forms for w in f.words})

    @st.composite
    def word(draw: Callable[[Any], Any]) -> str:
        pick = draw(st.integers(0, 9))
        if pick < 5 and own:
            w = draw(st.sampled_from(own))
            kind = draw(st.sampled_from(_KINDS_RESPELT if _respellings(w) else _KINDS))
            v = _variant(draw, idx, w, kind) if kind != "none" else None
            return v if v is not None else w
        if pick == 5:
            return str(draw(st.sampled_from(sorted(lex.stopwords))))
        if pick == 6 and negators:
            return str(draw(st.sampled_from(sorted(lex.negators))))
        if pick == 7:
            return str(draw(st.integers(0, 10**7)))
        return str(draw(distractor_words(plan, gazetteer=gaz)))

    @st.composite
    def build(draw: Callable[[Any], Any]) -> Statement:
        text = " ".join(draw(st.lists(word(), min_size=1, max_size=max_words)))
        kind = draw(st.sampled_from((*PLANTED_KINDS, "headline")))
        return Statement("generated#1", "generated", "generated", 0, len(text), text, kind)

    return build()


def sources(*, source: str = "generated.txt") -> st.SearchStrategy[Source]:
    """Sources read by :func:`planlib.read_text` from arbitrary text: any letters, punctuation,
    line breaks and blank lines (for properties of the readers: exact spans, no crash)."""
    alphabet = st.characters(blacklist_categories=["Cs"])
    pieces = st.one_of(
        st.text(alphabet, max_size=30),
        st.sampled_from(("\n", "\n\n", "\r\n", ". ", ": ", "- ", "• ", "“", "”", "(", ")", "[", "]", "U.S. ", "Mr. ")),
    )
    return st.lists(pieces, max_size=20).map(lambda ps: read_text("".join(ps), source=source))


# ---------------------------------------------------------------------------------------------
# Plans


def words(*, min_size: int = 3, max_size: int = 9) -> st.SearchStrategy[str]:
    """Lower-case ASCII words, some ending in a suffix the lexicon's spelling rules rewrite."""
    suffix = st.sampled_from(("", "", "", "isation", "ise", "ising", "our", "ence", "ation", "ing", "ed", "s"))
    return st.tuples(st.text(_LETTERS, min_size=min_size, max_size=max_size), suffix).map("".join)


def terms() -> st.SearchStrategy[str]:
    """Concept terms: one to three words, sometimes with a stop word between."""
    stop = st.sampled_from(sorted(lexicon().stopwords))
    word = words()
    two = st.tuples(word, st.one_of(st.just(""), stop), word).map(lambda t: " ".join(w for w in t if w))
    three = st.tuples(word, word, word).map(" ".join)
    return st.one_of(word, word, two, three)


@st.composite
def _concept(draw: Callable[[Any], Any], name: str, place_names: tuple[str, ...]) -> Concept:
    kind = draw(st.sampled_from(CONCEPT_KINDS))
    if kind == "figure":
        value = float(draw(st.integers(1, 10**7)))
        extra = draw(st.lists(terms(), max_size=2, unique=True))
        return Concept(name=name, kind=kind, terms=extra, value=value, required=draw(st.booleans()))
    places: list[str] = []
    if place_names and draw(st.integers(0, 3)) == 0:
        places = draw(st.lists(st.sampled_from(place_names), min_size=1, max_size=2, unique=True))
    t = draw(st.lists(terms(), min_size=0 if places else 1, max_size=3, unique=True))
    return Concept(name=name, kind=kind, terms=t, places=places, required=draw(st.booleans()))


def concepts(*, name: str = "concept", gazetteer: Gazetteer | None = None) -> st.SearchStrategy[Concept]:
    """Valid concepts of any kind: terms from :func:`terms`, sometimes gazetteer places, figures
    with a value."""
    gaz = gazetteer if gazetteer is not None else load_gazetteer()
    return _concept(name, tuple(p.name for p in gaz.places))


@st.composite
def _provision(draw: Callable[[Any], Any], pid: str, ref: str, place_names: tuple[str, ...]) -> Provision:
    n = draw(st.integers(1, 4))
    cs = [draw(_concept(f"c{i + 1}", place_names)) for i in range(n)]
    title = " ".join(draw(st.lists(words(), min_size=1, max_size=4))).capitalize()
    summary = " ".join(draw(st.lists(words(), min_size=1, max_size=8))).capitalize() + "."
    min_concepts = draw(st.one_of(st.none(), st.integers(1, n)))
    return Provision(id=pid, ref=ref, title=title, summary=summary, concepts=cs, min_concepts=min_concepts)


def provisions(*, id: str = "p1", ref: str = "1", gazetteer: Gazetteer | None = None) -> st.SearchStrategy[Provision]:
    """Valid provisions of one to four concepts (see :func:`concepts`)."""
    gaz = gazetteer if gazetteer is not None else load_gazetteer()
    return _provision(id, ref, tuple(p.name for p in gaz.places))


def plans(*, max_provisions: int = 4, gazetteer: Gazetteer | None = None) -> st.SearchStrategy[Plan]:
    """Valid plans of 1..``max_provisions`` provisions, built through the public records (places
    drawn from the gazetteer, so ``load_plan`` would accept the same plan as a file)."""
    gaz = gazetteer if gazetteer is not None else load_gazetteer()
    names = tuple(p.name for p in gaz.places)

    @st.composite
    def build(draw: Callable[[Any], Any]) -> Plan:
        n = draw(st.integers(1, max_provisions))
        ps = [draw(_provision(f"p{i + 1}", str(i + 1), names)) for i in range(n)]
        return Plan(id="generated", title="Generated plan", provisions=ps)

    return build()


assert not set(PLANTED_KINDS) & set(SKIPPED_KINDS)
