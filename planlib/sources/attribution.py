"""Who says or is cited for each prose sentence, and through which outlet, from data cues."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import attrs

from ..errors import RegistryFormatError
from ..model import Statement
from ..people import Registry
from ..places import place_names as _places
from .cues import Cues
from .outlets import Outlets, load_outlets

__all__ = ["Rules", "attribute", "compile_rules"]

_UP = "A-ZÀ-ÖØ-ÞА-ЯЁІЇЄҐ"
_TOKEN = rf"(?:[{_UP}]\.(?:\s?[{_UP}]\.)*|[{_UP}][a-z]{{1,3}}\.(?=\s[{_UP}])|[{_UP}][\w'’\-]*)"
NAME = rf"(?<![\w'’.-]){_TOKEN}(?:\s(?:{_TOKEN}|von|van|der|de|al|bin|da|di|le)){{0,5}}"
"""A capitalised name as written: "Anna Smith", "K. Surname", "Anna van der Berg", "Mr. Smith"
(a short abbreviation with its full stop counts when a capitalised word follows)."""

_DETERMINERS = ("a", "an", "one", "two", "three", "four", "five", "several", "some", "many", "other",
                "the", "its", "his", "her", "their")
_SPEECH_KINDS = ("sentence", "bullet", "headline", "heading", "turn")
_PROSE_KINDS = ("sentence", "bullet", "headline", "heading")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_HOUSE_BLOCKS = 4


def _words(table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    raw = table.get(key, [])
    if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
        raise RegistryFormatError(f"[attribution] {key} must be a list of non-empty strings", where=where)
    return tuple(raw)


def _role_phrases(table: dict[str, Any], where: str) -> dict[str, str]:
    raw = table.get("role_phrases", {})
    if not isinstance(raw, dict) or not all(isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in raw.items()):
        raise RegistryFormatError("[attribution.role_phrases] must map phrases to role words", where=where)
    return {k.casefold(): v.casefold() for k, v in raw.items()}


def _alternation(words: Sequence[str]) -> str:
    return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w))) + ")"


@attrs.frozen
class Rule:
    """One attribution cue: a name that says what it is, and its compiled pattern."""

    name: str
    pattern: re.Pattern[str]


@attrs.frozen
class Rules:
    """The compiled attribution cues of ``data/cues.toml`` with the word lists they use."""

    rules: tuple[Rule, ...]
    house: tuple[Rule, ...]
    pronouns: frozenset[str]
    source_nouns: frozenset[str]
    institutions: frozenset[str]
    titles: frozenset[str]
    generic_roles: frozenset[str]
    role_phrases: dict[str, str]
    name: re.Pattern[str]
    honorifics: frozenset[str] = frozenset()


def compile_rules(cues: Cues, outlets: Outlets, where: str = "data/cues.toml") -> Rules:
    """Expand the placeholders of the ``[attribution]`` cues and compile them."""
    table = cues.extra.get("attribution", {})
    if not isinstance(table, dict):
        raise RegistryFormatError("[attribution] must be a table", where=where)
    verbs = _words(table, "verbs", where)
    aux = _words(table, "aux", where)
    pronouns = _words(table, "pronouns", where)
    nouns = _words(table, "source_nouns", where)
    parts = {
        "{verb}": f"(?i:{_alternation(verbs)})",
        "{aux}": f"(?:(?i:{_alternation(aux)})\\s+){{0,3}}",
        "{name}": NAME,
        "{outlet}": outlets.pattern,
        "{anon}": f"(?i:{_alternation(nouns)})",
    }
    det = f"\\b(?i:{_alternation(_DETERMINERS)})"
    qualifier = r"(?:\s+(?i:familiar|briefed|close|speaking|who|with|in|from|on|at|of|for)\b[^,;:!?\"“”]{0,60}?)?"
    parts["{subject}"] = (
        f"(?:\\b(?i:{_alternation(pronouns)})\\b|{det}\\s+[^,;:!?\"“”]{{1,80}}?|{NAME}\\s+{parts['{anon}']}{qualifier}|{NAME})"
    )

    def expand(raw: str) -> str:
        for key, value in parts.items():
            raw = raw.replace(key, value)
        return raw

    def rules(key: str) -> tuple[Rule, ...]:
        rows = table.get(key, [])
        if not isinstance(rows, list):
            raise RegistryFormatError(f"[[attribution.{key}]] must be an array of tables", where=where)
        out = []
        for i, row in enumerate(rows, 1):
            if not isinstance(row, dict) or not isinstance(row.get("name"), str) or not isinstance(row.get("pattern"), str):
                raise RegistryFormatError(f"attribution.{key} {i} needs a name and a pattern", where=where)
            try:
                out.append(Rule(row["name"], re.compile(expand(row["pattern"]))))
            except re.error as exc:
                raise RegistryFormatError(f"attribution.{key} {i} ({row['name']}): bad pattern: {exc}", where=where) from None
        return tuple(out)

    return Rules(
        rules=rules("rule"), house=rules("house"),
        pronouns=frozenset(p.casefold() for p in pronouns),
        source_nouns=frozenset(n.casefold() for n in nouns),
        institutions=frozenset(w.casefold() for w in _words(table, "institutions", where)),
        titles=frozenset(w.casefold().rstrip(".") for w in _words(table, "titles", where)),
        generic_roles=frozenset(w.casefold() for w in _words(table, "generic_roles", where)),
        role_phrases=_role_phrases(table, where),
        name=re.compile(NAME),
        honorifics=frozenset(w.casefold().rstrip(".") for w in _words(table, "honorifics", where)),
    )


_RULES: dict[tuple[int, int], tuple[Cues, Outlets, Rules]] = {}
_KEEP_RULES = 8


def _rules_for(cues: Cues, outlets: Outlets) -> Rules:
    """:func:`compile_rules` once per pair of cues and outlets objects. Compiling them costs
    more than attributing a short source, and the ``re`` module's own cache does not keep
    them: sentence splitting fills it with patterns of its own, and it drops the oldest."""
    key = (id(cues), id(outlets))
    hit = _RULES.get(key)
    if hit is not None and hit[0] is cues and hit[1] is outlets:
        return hit[2]
    rules = compile_rules(cues, outlets)
    if len(_RULES) >= _KEEP_RULES:
        _RULES.clear()
    _RULES[key] = (cues, outlets, rules)  # holding both keeps their ids from being reused
    return rules




@attrs.frozen
class _Decision:
    kind: str  # speaker | carry | cited
    value: str
    written: str = ""


class _Reader:
    """Attribution state over one source: the last person named, the last outlet cited."""

    def __init__(self, rules: Rules, registry: Registry, outlets: Outlets) -> None:
        self.rules, self.registry, self.outlets = rules, registry, outlets
        self.topic: str | None = None
        self.last_outlet: str | None = None
        self.names: list[str] = []  # full names outside the registry seen in this source

    def person(self, run: str, *, learn: bool = True) -> tuple[str, str] | None:
        """(canonical name, name as written) for a capitalised run, if it names a person;
        ``learn`` remembers a full name outside the registry for later surname-only mentions."""
        tokens = run.split()
        if not tokens or tokens[-1].endswith(("'s", "’s")):
            return None
        if self.outlets.canonical(run) is not None:
            return None
        if run.casefold() in _places() or tokens[-1].casefold() in _places():
            return None
        for k in range(len(tokens)):
            suffix = " ".join(tokens[k:])
            if suffix.casefold().rstrip(".") in self.rules.titles:
                break
            found = self.registry.resolve(suffix)
            if found is not None:
                return found, suffix
        if any(t.casefold() in self.rules.institutions or t.casefold() in _places() or "'" in t or "’" in t
               for t in tokens):
            return None
        kept = list(tokens)
        while kept and kept[0].casefold().rstrip(".") in self.rules.titles:
            kept.pop(0)
        if all(t.isupper() for t in kept):  # an all-caps run is a heading unless the registry knows it
            return None
        if kept != tokens and self.outlets.canonical(" ".join(kept)) is not None:  # "As The Telegraph reported"
            return None
        if len(kept) >= 2 and all(t[0].isupper() and not (t.isupper() and len(t) <= 3) for t in kept):
            written = " ".join(kept)
            if learn and written not in self.names:
                self.names.append(written)
            return written, written
        if len(kept) == 1:
            for full in reversed(self.names):
                if full.split()[-1] == kept[0]:
                    return full, kept[0]
            before = tokens[-2] if len(tokens) >= 2 else ""
            if before.casefold().rstrip(".") in self.rules.honorifics and kept[0][0].isupper() and not kept[0].isupper():
                titled = f"{before} {kept[0]}"  # no one of that surname was named: kept as written
                if learn and titled not in self.names:
                    self.names.append(titled)
                return titled, titled
        return None

    def classify(self, subject: str) -> _Decision | None:
        """What a subject phrase decides: a speaker, a carry-over, or an unnamed source."""
        subject = subject.strip()
        words = subject.split()
        if not words:
            return None
        low = [w.casefold().strip(".,") for w in words]
        if len(words) == 1 and low[0] in self.rules.pronouns:
            return _Decision("carry", self.topic) if self.topic else None
        if self.outlets.canonical(subject) is not None:
            return None
        if low[0] in _DETERMINERS:
            role = self.rules.role_phrases.get(" ".join(low[1:]))
            if low[0] == "the" and self.topic and self._role_matches(role.split() if role else low[1:]):
                return _Decision("carry", self.topic)
            named = self._trailing_person(subject)
            if named is not None:
                return named
            if any(w in self.rules.source_nouns or w in self.rules.institutions for w in low[1:]):
                return _Decision("cited", subject)
            return None
        found = self.person(subject)
        if found is not None:
            return _Decision("speaker", found[0], found[1])
        if any(w in self.rules.source_nouns for w in low) or any(w in self.rules.institutions for w in low):
            return _Decision("cited", subject)
        if len(words) == 1 and (subject.casefold() in _places()):
            return _Decision("cited", subject)
        return None

    def _trailing_person(self, subject: str) -> _Decision | None:
        """The person a noun phrase ends with ("the President of the Republic Anna Smith")."""
        runs = list(self.rules.name.finditer(subject))
        if not runs or runs[-1].end() != len(subject):
            return None
        found = self.person(runs[-1].group())
        return _Decision("speaker", found[0], found[1]) if found is not None else None

    def _role_matches(self, words: list[str]) -> bool:
        person = self.registry.person(self.topic) if self.topic else None
        if person is None or not person.role or not words:
            return False
        role = [w.casefold().strip("(),'’s") for w in person.role.split()]
        specific = 0
        for w in words:
            if w in self.rules.generic_roles:
                continue
            if not any(w == r or (min(len(w), len(r)) >= 5 and (w.startswith(r) or r.startswith(w))) for r in role):
                return False
            specific += 1
        return specific > 0

    def mentions(self, text: str) -> str | None:
        """The first registry person named in a text, if any."""
        for m in self.rules.name.finditer(text):
            found = self.person(m.group(), learn=False)
            if found is not None and (self.registry.person(found[0]) is not None or found[0] in self.names):
                return found[0]
        return None

    def attribute(self, s: Statement, house: tuple[str, str] | None) -> Statement:
        """The statement with its speaker, outlet, cited and cue filled from the rules."""
        speaker_fixed = s.kind == "turn" and s.speaker is not None
        speaker: str | None = s.speaker
        outlet: str | None = None
        cited: str | None = None
        written: str | None = s.label
        cues: list[str] = [s.cue] if s.cue else []
        subject_done = False
        asks = s.text.rstrip("\"”’)").endswith("?")  # a question in a turn reports no one
        for rule in self.rules.rules:
            for m in rule.pattern.finditer(s.text):
                groups = m.groupdict()
                decided = False
                if outlet is None and groups.get("outlet"):
                    outlet = self.outlets.canonical(groups["outlet"])
                    if outlet is not None:
                        self.last_outlet = outlet
                        decided = True
                if outlet is None and groups.get("outlet_ref") and self.last_outlet:
                    outlet = self.last_outlet
                    decided = True
                if cited is None and groups.get("cited"):
                    # "citing officials", not "citing security concerns": a source the subject rules know
                    c = self.classify(groups["cited"])
                    if c is not None and c.value:
                        cited = c.value
                        decided = True
                if not subject_done and groups.get("subject"):
                    d = self.classify(groups["subject"])
                    if d is not None and d.kind in ("speaker", "carry") and not (speaker_fixed and asks):
                        # a turn that reports someone's words names that person as speaker
                        subject_done = decided = True
                        speaker, written = d.value, d.written or None
                    elif d is not None and not speaker_fixed:
                        subject_done = decided = True
                        if cited is None:
                            cited = d.value
                if decided and rule.name not in cues:
                    cues.append(rule.name)
        if outlet is None and house is not None:
            outlet = house[0]
            cues.append(house[1])
        if speaker is not None:
            self.topic = speaker if self.registry.person(speaker) or speaker in self.names else self.topic
        else:
            self.topic = self.mentions(s.text) or self.topic
        return attrs.evolve(s, speaker=speaker, outlet=outlet, cited=cited, cue="; ".join(cues) or None, label=written)


def _house(statements: Sequence[Statement], rules: Rules, outlets: Outlets) -> tuple[str, str] | None:
    """The outlet that publishes the whole source, from a wire credit or headline."""
    for s in statements[: _HOUSE_BLOCKS * 3]:
        for rule in rules.house:
            m = rule.pattern.search(s.text)
            if m:
                name = outlets.canonical(m.group("outlet"))
                if name is not None:
                    return name, f"{rule.name} (house outlet)"
    return None


def _open_quote(text: str, depth: int) -> int:
    for ch in text:
        if ch == "“":
            depth += 1
        elif ch == "”":
            depth = max(0, depth - 1)
        elif ch == '"':
            depth = 0 if depth else 1
    return depth


def attribute(
    statements: Sequence[Statement], *, registry: Registry, cues: Cues, text: str | None = None,
    outlets: Outlets | None = None,
) -> list[Statement]:
    """The statements with ``speaker``, ``outlet``, ``cited`` and ``cue`` filled in.

    Transcript turns keep the speaker their label gives; prose sentences get theirs from the
    ``[attribution]`` rules of ``data/cues.toml`` (see docs/data-files.md). A pronoun or a
    role ("the prime minister") refers to the last person named since the last heading. The
    sentences of a quotation that runs over several sentences take the speaker of the
    sentence that closes it. ``text`` (the source's text) tells paragraphs apart.
    """
    outs = outlets if outlets is not None else load_outlets()
    rules = _rules_for(cues, outs)
    reader = _Reader(rules, registry, outs)
    house = _house(statements, rules, outs)
    out: list[Statement] = []
    for s in statements:
        if s.kind in ("headline", "heading"):
            reader.topic = None
        if s.kind in _SPEECH_KINDS:
            out.append(reader.attribute(s, house))
        else:
            out.append(s)
    return _quotes(out, text)


def _quotes(stmts: list[Statement], text: str | None) -> list[Statement]:
    """Sentences inside a quotation that a later sentence of the paragraph closes with an
    attributed speaker take that speaker."""
    out = list(stmts)
    pending: list[int] = []
    depth = 0
    for i, s in enumerate(out):
        if s.kind not in _PROSE_KINDS:
            pending, depth = [], 0
            continue
        if pending and text is not None and _BLANK_LINE.search(text[out[i - 1].end : s.start]):
            pending, depth = [], 0
        before = depth
        depth = _open_quote(s.text, depth)
        if depth > 0:
            if s.speaker is None:
                pending.append(i)
            continue
        if before > 0 and s.speaker is not None:
            for j in pending:
                out[j] = attrs.evolve(out[j], speaker=s.speaker, label=s.label, cited=out[j].cited or s.cited,
                                      cue="; ".join(c for c in (out[j].cue, "quote continues") if c))
        pending = []
    return out
