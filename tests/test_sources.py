"""Readers keep every character: exact spans, statement kinds, and clear errors on bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import planlib
from planlib import SourceError, SourceFormatError


def assert_accounted(source: planlib.Source) -> None:
    """Every statement indexes the text exactly; spans are disjoint and ordered; every
    non-space character lies in exactly one statement."""
    covered = [0] * len(source.text)
    last = 0
    for s in source.statements:
        assert source.text[s.start : s.end] == s.text
        assert s.start >= last, "statements overlap or go backwards"
        last = s.end
        for i in range(s.start, s.end):
            covered[i] += 1
    for i, ch in enumerate(source.text):
        if not ch.isspace():
            assert covered[i] == 1, f"character {i} {ch!r} lies in {covered[i]} statements"


def test_seed_is_read_whole(seed_sources: tuple[planlib.Source, ...]) -> None:
    """The bundled seed yields one source whose every character is accounted for."""
    assert len(seed_sources) == 1
    assert_accounted(seed_sources[0])


def test_seed_kinds(seed_sources: tuple[planlib.Source, ...]) -> None:
    """The seed's headline, transcript turns, stage directions, bullet and app boilerplate get their kinds."""
    stmts = seed_sources[0].statements
    kinds = {s.kind for s in stmts}
    assert {"headline", "sentence", "bullet", "turn", "stage-direction", "boilerplate"} <= kinds
    by_text = {s.text: s.kind for s in stmts}
    assert by_text["[the phone rings]"] == "stage-direction"
    assert by_text["Get the full experience in the app"] == "boilerplate"
    assert by_text["Apple App Store Badge"] == "boilerplate"
    assert seed_sources[0].title is not None and seed_sources[0].title.startswith("Bloomberg: How we arrived")


def test_seed_turns_have_canonical_speakers(seed_sources: tuple[planlib.Source, ...]) -> None:
    """Every transcript turn of the seed resolves to a canonical person of the registry."""
    turns = [s for s in seed_sources[0].statements if s.kind == "turn"]
    assert len(turns) > 40
    canonical = {"Steve Witkoff", "Yuri Ushakov", "Kirill Dmitriev"}
    assert {t.speaker for t in turns} == canonical


def test_sentences_respect_abbreviations() -> None:
    """U.S., Mr. and Dec. do not end a sentence."""
    src = planlib.read_text("Mr. Smith met the U.S. envoy on Dec. 3 in Miami. He left.", source="t")
    assert [s.text for s in src.statements] == ["Mr. Smith met the U.S. envoy on Dec. 3 in Miami.", "He left."]


def test_crlf_offsets_stay_exact(tmp_path: Path) -> None:
    """A CRLF file keeps exact offsets into the text as decoded, line endings as they are."""
    p = tmp_path / "crlf.txt"
    p.write_bytes(b"Headline here\r\n\r\nFirst sentence. Second one.\r\n\r\nWitkoff: Hello.\r\nUshakov: Hi.\r\n")
    src = planlib.read_sources([p])[0]
    assert "\r\n" in src.text
    assert_accounted(src)
    assert [s.speaker for s in src.statements if s.kind == "turn"] == ["Steve Witkoff", "Yuri Ushakov"]


def test_bom_is_accepted(tmp_path: Path) -> None:
    """A UTF-8 BOM is dropped and the text read."""
    p = tmp_path / "bom.txt"
    p.write_bytes(b"\xef\xbb\xbfOne sentence here.")
    assert planlib.read_sources([p])[0].statements[0].text == "One sentence here."


def test_non_utf8_names_file_and_byte(tmp_path: Path) -> None:
    """Latin-1 bytes are refused with the file and the byte offset."""
    p = tmp_path / "latin.txt"
    p.write_bytes("Caf\xe9 au lait.".encode("latin-1"))
    with pytest.raises(SourceFormatError, match=r"latin\.txt: not valid UTF-8 at byte 3"):
        planlib.read_sources([p])


def test_binary_is_refused(tmp_path: Path) -> None:
    """A file with NUL bytes is refused as binary."""
    p = tmp_path / "blob.txt"
    p.write_bytes(b"\x89PNG\r\n\x00\x00\x00")
    with pytest.raises(SourceError, match="binary"):
        planlib.read_sources([p])


def test_empty_file_warns(tmp_path: Path) -> None:
    """An empty file is a warning, and yields a source with no statements."""
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    with pytest.warns(planlib.PlanlibWarning, match="empty"):
        (src,) = planlib.read_sources([p])
    assert src.statements == ()


def test_missing_path_is_a_source_error(tmp_path: Path) -> None:
    """A path that does not exist is named in the error."""
    with pytest.raises(SourceError, match="no such file"):
        planlib.read_sources([tmp_path / "nope.txt"])


def test_folders_are_read_recursively_in_sorted_order(tmp_path: Path) -> None:
    """A folder's .txt, .md and .jsonl files are read recursively, sorted by path."""
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.md").write_text("Zed said so.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Alpha said so.", encoding="utf-8")
    (tmp_path / "ignored.bin").write_bytes(b"\x00")
    ids = [s.id for s in planlib.read_sources([tmp_path])]
    assert ids == [f"{tmp_path.as_posix()}/a.txt", f"{tmp_path.as_posix()}/b/z.md"]


def test_a_file_named_more_than_once_is_read_once(tmp_path: Path) -> None:
    """A file named twice, or also through its folder or a link, is read once, with a warning
    naming it: its statements are not counted, or shown as evidence, twice."""
    (tmp_path / "a.txt").write_text("Alpha said so.", encoding="utf-8")
    (tmp_path / "c.jsonl").write_text('{"text": "One.", "source": "d"}\n', encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(tmp_path / "a.txt")
    named = [tmp_path, tmp_path / "a.txt", tmp_path / "c.jsonl", tmp_path / "link.txt"]
    for raw in (False, True):
        with pytest.warns(planlib.PlanlibWarning, match="named more than once") as caught:
            read = list(planlib.stream_sources(named, raw=raw))
        assert [getattr(r, "id", getattr(r, "path", None)) for r in read[:1]] == [f"{tmp_path.as_posix()}/a.txt"]
        assert len(read) == 2  # a.txt and c.jsonl, each once (the folder's link.txt is a.txt too)
        assert len(caught) == 4  # link.txt in the folder, then each of the three named again
    with pytest.warns(planlib.PlanlibWarning, match="the same file as"):
        (only,) = planlib.read_sources([tmp_path / "a.txt", tmp_path / "link.txt"])
    assert only.id == f"{tmp_path.as_posix()}/a.txt"


def test_jsonl_records_become_statements(tmp_path: Path) -> None:
    """JSONL records keep their fields; each source's text is its records joined by newlines."""
    p = tmp_path / "c.jsonl"
    rows = [
        {"text": "Kyiv would withdraw.", "source": "art1", "speaker": "Someone", "outlet": "Wire"},
        {"text": "Second line.", "source": "art1"},
        {"text": "Other doc."},
    ]
    p.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    sources = planlib.read_sources([p])
    art1 = next(s for s in sources if s.id == "art1")
    assert art1.text == "Kyiv would withdraw.\nSecond line."
    assert_accounted(art1)
    first = art1.statements[0]
    assert (first.speaker, first.outlet, first.kind) == ("Someone", "Wire", "record")


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        ("{not json", "not valid JSON"),
        ('["a list"]', "a record must be a JSON object"),
        ('{"text": ""}', "field 'text' must be a non-empty string"),
        ('{"text": "x", "colour": 1}', "unknown field 'colour'"),
    ],
)
def test_malformed_jsonl_names_the_line(tmp_path: Path, line: str, needle: str) -> None:
    """A bad JSONL record is reported with its file and line number."""
    p = tmp_path / "bad.jsonl"
    p.write_text('{"text": "fine"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(SourceFormatError, match=re.escape(f"bad.jsonl:2: {needle}")):
        planlib.read_sources([p])


_blocks = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=80),
    st.builds(lambda n, t: f"{n}: {t}", st.sampled_from(["Witkoff", "USHAKOV", "Q", "A", "Anna Smith"]),
              st.text(min_size=1, max_size=60)),
    st.builds(lambda t: f"• {t}", st.text(min_size=1, max_size=60)),
    st.builds(lambda t: f"[{t}]", st.text(alphabet="abc ", min_size=1, max_size=10)),
    st.sampled_from(["Mr. Smith met the U.S. envoy. He left!", "Get the full experience in the app", "Tuesday, November 25"]),
)


@given(st.lists(_blocks, max_size=12), st.sampled_from(["\n\n", "\r\n\r\n", "\n", " \n \n"]))
def test_generated_documents_are_accounted_for(blocks: list[str], sep: str) -> None:
    """Any document of mixed blocks is read with every character in exactly one statement."""
    src = planlib.read_text(sep.join(blocks), source="gen")
    assert_accounted(src)


@pytest.mark.parametrize(
    ("text", "speakers"),
    [
        ("Witkoff: Hello.\n\nUshakov: Hi.", ["Steve Witkoff", "Yuri Ushakov"]),
        ("K. DMITRIEV: We agree.\n\nY. Ushakov: Good.", ["Kirill Dmitriev", "Yuri Ushakov"]),
        ("MARGARET BRENNAN: Welcome.\n\nRUBIO: Thanks. Good to be here.", ["MARGARET BRENNAN", "Marco Rubio", "Marco Rubio"]),
        ("Q: Is it final?\nA: No. Talks go on.", [None, None, None]),
        ("Q: Will it hold?\n\nA: Maybe it will.", [None, None]),  # an answer in its own paragraph
        ("Steve Witkoff: One line\nthat goes on. And more.\n\nUshakov: Yes.", ["Steve Witkoff"] * 3 + ["Yuri Ushakov"]),
        ("Jane Roe (Northtown) (Lab): Will the Minister act?\n\nThe Minister for Trade (John Doe): I will."
         "\n\nJane Roe: Thank you.", ["Jane Roe", "John Doe", "Jane Roe"]),  # a parliamentary record
        ("The Prime Minister (Keir Starmer): We stand firm.\n\nJohn Doe (Reuters): Why?", ["Keir Starmer", "John Doe"]),
    ],
)
def test_turn_layouts(text: str, speakers: list[str | None]) -> None:
    """Each turn layout gives every sentence of a turn its speaker (Q/A labels name no one)."""
    turns = [s for s in planlib.read_text(text, source="t").statements if s.kind == "turn"]
    assert [t.speaker for t in turns] == speakers


@pytest.mark.parametrize(
    "text",
    ["Bloomberg: How we arrived at the plan\n\nBody text here.",
     "Why it matters: The money would flow.\n\nDetails: Europe pays.",
     "Note: this is a note.\n\nAnother paragraph.", "At 10:30 the talks began.\n\nThey ended at 11:45.",
     "Talks in the city (Geneva): what we know\n\nBody text here."],
)
def test_false_turns_stay_prose(text: str) -> None:
    """Outlet headlines, Axios-style labels, notes and clock times do not become turns."""
    assert not [s for s in planlib.read_text(text, source="t").statements if s.kind in ("turn", "label")]


def test_a_place_named_as_a_label_heads_a_record_but_speaks_no_turn() -> None:
    """'Ukraine: ...' over a parliamentary record is its head line, not a turn spoken by
    Ukraine, though the turns of the record around it make a run of labelled blocks."""
    text = ("Ukraine: Peace Negotiations - urgent question (extract)\n\nJane Roe (Northtown) (Lab): Will he act?"
            "\n\nJohn Doe (Southtown) (Con): He will.")
    first, *rest = planlib.read_text(text, source="t").statements
    assert (first.kind, first.speaker) == ("sentence", None)
    assert [s.speaker for s in rest if s.kind == "turn"] == ["Jane Roe", "John Doe"]



def test_markdown_layout() -> None:
    """Markdown headings, bullets and quotes keep their markup inside exact statements."""
    text = "# Title\n\nSome **bold** text.\n## Section\n- first item\n- second item\n\n> A quoted line."
    src = planlib.read_text(text, source="t.md")
    assert_accounted(src)
    kinds = [(s.kind, s.text) for s in src.statements]
    assert ("headline", "# Title") in kinds and ("heading", "## Section") in kinds
    assert ("bullet", "first item") in kinds and ("bullet", "second item") in kinds
    assert ("sentence", "Some **bold** text.") in kinds


_rich = st.one_of(
    _blocks,
    st.builds(lambda n, t: f"{n}: {t}", st.sampled_from(["K. DMITRIEV", "Y. Ushakov", "Уиткофф", "MARGARET BRENNAN"]),
              st.text(min_size=1, max_size=40)),
    st.builds(lambda t: f"# {t}", st.text(min_size=1, max_size=30)),
    st.builds(lambda a, b: f"- {a}\n* {b}", st.text(min_size=1, max_size=30), st.text(min_size=1, max_size=30)),
    st.builds(lambda t: f"> “{t}”, he said.", st.text(min_size=1, max_size=40)),
    st.sampled_from(["Путин заявил, что план может стать основой.", "Witkoff told Reuters: “We are close.”"]),
)


@given(st.lists(_rich, max_size=10), st.sampled_from(["\n\n", "\r\n\r\n", "\r\n", "\n"]))
def test_generated_rich_documents_are_accounted_for(blocks: list[str], sep: str) -> None:
    """Documents mixing turns, headings, bullets, quotes, Cyrillic and CRLF keep every character."""
    assert_accounted(planlib.read_text(sep.join(blocks), source="gen"))


def test_role_labels_and_surname_labels_give_one_name_per_person() -> None:
    """'NAME, ROLE:' opens a turn, a bare label's turn runs into the next paragraph, and a later surname label is the fuller name."""
    text = "JANE ROE, HOST:\n\nWelcome back. Here is the news.\n\nJOHN DOE, BYLINE: Thanks.\n\nROE: Go on.\n\nDOE: Sure."
    turns = [(s.text, s.speaker) for s in planlib.read_text(text, source="t").statements if s.kind == "turn"]
    assert turns == [("Welcome back.", "JANE ROE"), ("Here is the news.", "JANE ROE"), ("Thanks.", "JOHN DOE"),
                     ("Go on.", "JANE ROE"), ("Sure.", "JOHN DOE")]


def test_role_label_of_a_registry_person_resolves_to_the_canonical_name() -> None:
    """A registry person's role label and titled label ('SEN. NAME:') give the registry's canonical name."""
    text = "MARCO RUBIO, SECRETARY OF STATE: Good afternoon.\n\nQ: A question?\n\nSEC. RUBIO: An answer."
    speakers = [s.speaker for s in planlib.read_text(text, source="t").statements if s.kind == "turn"]
    assert speakers == ["Marco Rubio", None, "Marco Rubio"]


@pytest.mark.parametrize(
    "head",
    ["THE WEEKLY EDIT", "ON THE GROUND", "THE LEADER'S CHOICE", "PEACE TALKS"],
)
def test_upper_case_section_heads_between_paragraphs_are_not_turns(head: str) -> None:
    """An upper-case label between prose paragraphs that names no one, or reads as a phrase, is prose, not a turn."""
    text = f"Title of the day\n\nA first paragraph here.\n\n{head}: The talks went on all night.\n\nA last paragraph."
    kinds = {s.kind for s in planlib.read_text(text, source="t").statements}
    assert "turn" not in kinds and "label" not in kinds


def test_phrase_like_labels_never_open_turns_even_in_a_run() -> None:
    """A possessive or phrase-opening label stays prose even next to another labelled block."""
    text = "THE LEADER'S CHOICE: He chose.\n\nON THE GROUND: Shelling went on."
    assert all(s.kind == "sentence" for s in planlib.read_text(text, source="t").statements)


def test_trusted_statement_takes_every_field_in_order(seed_sources) -> None:  # type: ignore[no-untyped-def]
    """The readers' unchecked constructor takes the Statement's fields, all and in order, and
    builds the statement the checked class builds (a field added to Statement must be added there)."""
    import inspect

    import attrs

    from planlib.model import Statement, trusted_statement

    names = [f.name for f in attrs.fields(Statement)]
    assert list(inspect.signature(trusted_statement).parameters) == names
    statements = [s for src in seed_sources for s in src.statements]
    assert statements
    for s in statements:
        values = [getattr(s, n) for n in names]
        assert trusted_statement(*values) == Statement(*values) == s


_SENTENCE_PIECES = st.sampled_from([
    "The U.S. envoy met Mr. Dmitriev. ", "Talks resumed on Dec. 3 in Geneva! ", "Is it final? ", "No… ",
    "“We agree,” he said. ", "Kyiv said 600,000 troops was too few.", " ", "\n", "e.g. the plan ", "Putin: ",
    "Путин заявил, что план может стать основой. ", "(Reuters) - ", "ok", "A. B. Smith spoke. ",
])


@given(st.lists(_SENTENCE_PIECES, max_size=12).map("".join))
def test_sentence_spans_are_the_splitters_own_sentences(text: str) -> None:
    """Spans come from the splitter's sentences found in the text: the same sentences, trimmed,
    as the splitter's own ``segment`` gives, each an exact slice of the text."""
    from planlib.sources import sentences

    expected = [s.strip() for s in sentences._segmenter().segment(text) if s.strip()] if text.strip() else []
    assert [text[a:b] for a, b in sentences.sentence_spans(text)] == expected


def test_sentence_spans_fall_back_when_the_splitter_changes_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """A sentence the splitter hands back changed (not found in the text) loses nothing: the
    rest of the block is split by the plain punctuation rule."""
    from planlib.sources import sentences

    class Splitter:
        def processor(self, text: str) -> Splitter:
            return self

        def process(self) -> list[str]:
            return ["First one.", "Second  one, changed."]

    monkeypatch.setattr(sentences, "_segmenter", Splitter)
    text = "First one. Second one. Third one!"
    assert [text[a:b] for a, b in sentences.sentence_spans(text)] == ["First one.", "Second one.", "Third one!"]
