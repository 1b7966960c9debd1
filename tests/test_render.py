"""Renderers: every layout in Markdown, CSV and JSON keeps source text exact, escaped and inert."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import planlib
from planlib.model import Component, ConceptHit, Evidence, Source, Statement, TermHit
from planlib.render import FORMATS, LAYOUTS, render
from planlib.render._common import by_source, highlights, level, matrix
from planlib.render.csv import LAYOUT_COLUMNS, neutralise, read_csv, render_csv, restore, rows
from planlib.render.json import layout_dict, table_dict
from planlib.render.markdown import cell, render_markdown

from .conftest import REPORTING, ROOT

HOSTILE = [
    "<script>window.__pwned = 1; alert(1)</script> Crimea is recognised as Russian.",
    '<img src=x onerror="window.__pwned = 2; alert(2)"> Ukraine withdraws from Donbas.',
    '=HYPERLINK("http://example.invalid")',
    "Pipes | and *stars*, _under_, `ticks`, ~~strike~~, [a link](http://example.invalid), &lt;b&gt; and # hash.",
    "+1 and -2 and @SUM(A1) and a \"quoted, comma\" line",
    "'=already quoted",
    "\tTabbed start",
]
"""Lines no renderer may pass through as markup, formula or broken cell."""

HOSTILE_SPEAKER = "<b onmouseover=alert(3)>Bob</b> | =cmd"
HOSTILE_OUTLET = "=HYPERLINK(\"http://example.invalid\") <script>window.__pwned = 3</script>"


def synthetic_table(plan: planlib.Plan, lines: list[str], *, speaker: str | None = HOSTILE_SPEAKER,
                    outlet: str | None = HOSTILE_OUTLET, path: str = "hostile<script>.txt") -> planlib.ProvisionTable:
    """A table whose evidence is the given lines (one statement each, exact spans into one source),
    spread over the plan's provisions in turn, each line's first word marked as a matched term."""
    text = "\n".join(lines)
    stmts, evidence, pos = [], [], 0
    provisions = plan.provisions
    for i, line in enumerate(lines):
        s = Statement(id=f"{path}#{i + 1}", source=path, path=path, start=pos, end=pos + len(line), text=line,
                      kind="sentence", speaker=speaker, outlet=outlet, cited=outlet)
        stmts.append(s)
        word = len(line.split(" ")[0]) if line else 0
        hits = [TermHit("c", "t", line[:word], pos, pos + word, "exact")] if word else []
        for k in range(2):  # each line supports two provisions, so the by-source layout groups
            p = provisions[(i + k) % len(provisions)]
            evidence.append(Evidence(p.id, s, 90.0 - 3 * i - k, [ConceptHit("c", "place", 1.0, hits)],
                                     [Component("coverage", "share of concepts found", 1.0, 60.0)]))
        pos += len(line) + 1
    source = Source(id=path, path=path, kind="text", text=text, title="<i>title</i>", statements=stmts)
    assert all(source.text[s.start : s.end] == s.text for s in stmts)
    settings = {"min_score": 0.0, "top": None, "include_all": False}
    return planlib.ProvisionTable.build(plan, settings, [source.info], evidence, len(stmts))


@pytest.fixture(scope="module")
def hostile(plan: planlib.Plan) -> planlib.ProvisionTable:
    return synthetic_table(plan, HOSTILE)


@pytest.fixture(scope="module")
def reporting(plan: planlib.Plan) -> planlib.ProvisionTable:
    """The bundled plan against the reporting corpus and the seed: many sources, most provisions supported."""
    return planlib.match(plan, planlib.read_sources([REPORTING, ROOT / "seeds"]))


# -- shared helpers ---------------------------------------------------------------------------------


def test_highlights_are_disjoint_sorted_and_inside_the_text(reporting: planlib.ProvisionTable) -> None:
    """Highlight spans are sorted, disjoint, non-empty and slice the statement text at the hit surfaces."""
    for row in reporting.rows:
        for ev in row.evidence:
            spans = highlights(ev)
            assert all(0 <= s < e <= len(ev.statement.text) for s, e in spans)
            assert all(a[1] < b[0] for a, b in itertools.pairwise(spans))
            for c in ev.concepts:
                for h in c.hits:
                    local = (h.start - ev.statement.start, h.end - ev.statement.start)
                    assert any(s <= local[0] and local[1] <= e for s, e in spans)


def test_by_source_lists_every_listed_evidence_once(reporting: planlib.ProvisionTable) -> None:
    """The by-source grouping holds each (statement, provision) of the table exactly once, in source order."""
    pairs = sorted((ev.statement.id, ev.provision) for r in reporting.rows for ev in r.evidence)
    groups = by_source(reporting)
    grouped = sorted((g.statement.id, p.id) for g in groups for p, _ev in g.links)
    assert grouped == pairs
    keys = [(g.statement.source, g.statement.start) for g in groups]
    assert keys == sorted(keys)


def test_matrix_has_one_cell_per_source_and_counts_listed_evidence(reporting: planlib.ProvisionTable) -> None:
    """Each matrix row has a cell per source whose score count equals that source's listed evidence."""
    for row, cells in matrix(reporting):
        assert [c.source for c in cells] == [s["id"] for s in reporting.sources]
        for c in cells:
            assert len(c.scores) == sum(ev.statement.source == c.source for ev in row.evidence)
            if c.scores:
                assert c.best == max(ev.score for ev in row.evidence if ev.statement.source == c.source)


def test_level_shades_rise_with_score() -> None:
    """Heat-map shades: none for no evidence, then one step per ten points from 70."""
    assert [level(None), level(60), level(69.9), level(70), level(85), level(90), level(100)] == [0, 1, 1, 2, 3, 4, 4]


# -- Markdown ---------------------------------------------------------------------------------------


def test_cell_escapes_pipes_newlines_and_html() -> None:
    """A cell keeps pipes, line breaks and angle brackets from breaking the table or becoming markup."""
    assert cell("a|b\nc\r\nd") == "a\\|b<br>c<br>d"
    assert cell("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert cell("AT&T &amp; co") == "AT&T &amp;amp; co"
    assert cell(None) == "—"


def _md_parser():  # type: ignore[no-untyped-def]
    markdown_it = pytest.importorskip("markdown_it")
    return markdown_it.MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


@pytest.mark.parametrize("layout", LAYOUTS)
def test_markdown_tables_parse_with_hostile_text(hostile: planlib.ProvisionTable, layout: str) -> None:
    """With raw HTML allowed, a GFM parser finds no script, image or link in any layout, and every
    table row has as many cells as the header."""
    html = _md_parser().render(render_markdown(hostile, layout))
    for bad in ("<script", "<img", "<a ", "<b ", "<del>"):
        assert bad not in html, (layout, bad)
    tokens = _md_parser().parse(render_markdown(hostile, layout))
    widths: list[int] = []
    current = 0
    for t in tokens:
        if t.type == "tr_open":
            current = 0
        elif t.type in ("th_open", "td_open"):
            current += 1
        elif t.type == "tr_close":
            widths.append(current)
    assert widths and len(set(widths)) == 1


def test_markdown_cells_read_back_as_the_source_text(hostile: planlib.ProvisionTable) -> None:
    """The rendered Statement cells, read by a Markdown parser, give back each statement's text."""
    tokens = _md_parser().parse(render_markdown(hostile, "provision"))
    cells: list[str] = []
    for i, t in enumerate(tokens):
        if t.type == "td_open":
            inline = tokens[i + 1]
            cells.append("".join(
                "\n" if c.type == "html_inline" and c.content == "<br>" else c.content
                for c in inline.children or [] if c.type in ("text", "html_inline", "code_inline")
            ))
    texts = {ev.statement.text for r in hostile.rows for ev in r.evidence}
    found = {c for c in cells if c in texts}
    assert found == texts


def test_markdown_emphasises_matched_terms(reporting: planlib.ProvisionTable) -> None:
    """In the provision layout every listed statement's matched terms appear in bold."""
    md = render_markdown(reporting, "provision")
    ev = next(ev for r in reporting.rows for ev in r.evidence)
    s, e = highlights(ev)[0]
    assert f"**{cell(ev.statement.text[s:e])}**" in md


def test_markdown_coverage_flags_unsupported(plan: planlib.Plan, hostile: planlib.ProvisionTable) -> None:
    """The coverage layout has one line per provision and flags those with no support."""
    md = render_markdown(hostile, "coverage")
    lines = [line for line in md.splitlines() if line.startswith("| ") and not line.startswith("| Ref")]
    assert len(lines) == len(plan.provisions)
    unsupported = sum(1 for r in hostile.rows if not r.support)
    assert sum("⚠ none" in line for line in lines) == unsupported > 0


# -- CSV --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r", "'"])
def test_neutralise_prefixes_formula_starts(prefix: str) -> None:
    """A cell starting with a formula character gets a leading quote, and restore takes it away."""
    value = prefix + "SUM(A1)"
    assert neutralise(value) == "'" + value
    assert restore(neutralise(value)) == value
    assert neutralise("plain") == "plain"


def test_csv_neutralises_hyperlink_formula(hostile: planlib.ProvisionTable) -> None:
    """The source line =HYPERLINK(...) comes out as a quoted-text cell, never starting with '='."""
    import csv
    import io

    text = render_csv(hostile)
    cells = [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]
    assert "'=HYPERLINK(\"http://example.invalid\")" in cells
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_csv_round_trip(hostile: planlib.ProvisionTable, layout: str) -> None:
    """Rows read back from the CSV equal the table's rows, and the texts equal the statements'."""
    text = render_csv(hostile, layout)
    assert text.endswith("\r\n")
    back = read_csv(text)
    assert back == rows(hostile, layout)
    assert list(back[0]) == list(LAYOUT_COLUMNS[layout])
    if layout == "provision":
        assert [r["text"] for r in back] == [ev.statement.text for r in hostile.rows for ev in r.evidence]
        assert [r["speaker"] for r in back] == [HOSTILE_SPEAKER] * len(back)
    if layout == "coverage":
        assert [int(r["support"]) for r in back] == [r.support for r in hostile.rows]


_lines = st.lists(
    st.text(alphabet=st.sampled_from('ab =+-@\t\r\n",|\'<>*_`é'), min_size=1, max_size=30)
    | st.text(max_size=20),
    min_size=1, max_size=6,
)


@given(lines=_lines, speaker=st.none() | st.text(max_size=8))
def test_csv_round_trip_of_any_text(plan: planlib.Plan, lines: list[str], speaker: str | None) -> None:
    """Any text — quotes, commas, line breaks, formula prefixes — reads back from the CSV as written."""
    table = synthetic_table(plan, lines, speaker=speaker, outlet=None, path="gen.txt")
    for layout in LAYOUTS:
        back = read_csv(render_csv(table, layout))
        assert back == rows(table, layout)
    back = read_csv(render_csv(table, "provision"))
    assert [r["text"] for r in back] == [ev.statement.text for r in table.rows for ev in r.evidence]
    assert {r["speaker"] for r in back} <= {speaker or ""}


# -- JSON -------------------------------------------------------------------------------------------


def _validator(name: str):  # type: ignore[no-untyped-def]
    import jsonschema
    from referencing import Registry, Resource

    schemas = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (ROOT / "docs" / "schema").glob("*.json")}
    registry: Registry = Registry().with_resources(  # type: ignore[type-arg]
        (s["$id"], Resource.from_contents(s)) for s in schemas.values()
    )
    schema = schemas[name]
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, registry=registry)


def test_default_json_is_exactly_the_contract(reporting: planlib.ProvisionTable) -> None:
    """The default layout's JSON has the contract's top-level fields and nothing more."""
    data = json.loads(render(reporting, "json"))
    assert sorted(data) == ["plan", "planlib", "provisions", "settings", "sources", "statements_read"]
    assert layout_dict(reporting, "provision") == table_dict(reporting)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_json_validates_against_the_schema(reporting: planlib.ProvisionTable, hostile: planlib.ProvisionTable,
                                           layout: str) -> None:
    """Real output of every layout validates against docs/schema/table.schema.json and keeps the contract."""
    validator = _validator("table.schema.json")
    for table in (reporting, hostile):
        data = json.loads(render(table, "json", layout))
        errors = sorted(validator.iter_errors(data), key=str)
        assert not errors, errors[0]
        assert table_dict(table).items() <= data.items()


def test_schema_rejects_a_broken_table(reporting: planlib.ProvisionTable) -> None:
    """The schema is not vacuous: a provision without evidence, or a text score, fails it."""
    validator = _validator("table.schema.json")
    data = json.loads(render(reporting, "json"))
    del data["provisions"][0]["evidence"]
    assert not validator.is_valid(data)
    data = json.loads(render(reporting, "json"))
    first = next(p for p in data["provisions"] if p["evidence"])
    first["evidence"][0]["score"] = "high"
    assert not validator.is_valid(data)
    data = json.loads(render(reporting, "json"))
    first = next(p for p in data["provisions"] if p["evidence"])
    first["evidence"][0]["concepts"][0]["hits"][0]["fold"] = "fuzzy"
    assert not validator.is_valid(data)


def test_schema_names_every_fold() -> None:
    """The schema's fold values are planlib.text.FOLDS, in order: a new fold must reach the contract."""
    schema = json.loads((ROOT / "docs" / "schema" / "table.schema.json").read_text(encoding="utf-8"))
    found: list[object] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("properties"), dict) and "fold" in node["properties"]:
                found.append(node["properties"]["fold"].get("enum"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    assert found == [list(planlib.text.FOLDS)]


def test_statements_json_validates_against_its_schema() -> None:
    """`planlib statements --format json` validates against docs/schema/statements.schema.json."""
    out = subprocess.run([sys.executable, "-m", "planlib", "statements", "--format", "json", str(REPORTING)],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    data = json.loads(out.stdout)
    assert data["statements"]
    errors = list(_validator("statements.schema.json").iter_errors(data))
    assert not errors, errors[0]


def test_json_layout_sections(reporting: planlib.ProvisionTable) -> None:
    """The source layout adds each statement with its provisions; coverage adds the counts per provision."""
    src = json.loads(render(reporting, "json", "source"))
    assert src["layout"] == "source"
    assert sum(len(s["provisions"]) for s in src["by_source"]) == sum(len(r.evidence) for r in reporting.rows)
    cov = json.loads(render(reporting, "json", "coverage"))["coverage"]
    assert cov["total"] == len(reporting.rows)
    assert cov["covered"] == sum(1 for r in reporting.rows if r.support)
    assert [p["supporting_sources"] for p in cov["provisions"]] == [sorted(r.supporting_sources) for r in reporting.rows]


# -- every format, every layout ---------------------------------------------------------------------


def test_unknown_format_or_layout_is_refused(hostile: planlib.ProvisionTable) -> None:
    """render() names the choices when given an unknown format or layout."""
    with pytest.raises(ValueError, match="choose from"):
        render(hostile, "pdf")
    with pytest.raises(ValueError, match="choose from"):
        render(hostile, "md", "sideways")


_MATCHING = [
    "Ukraine would withdraw its forces from the rest of the Donetsk region, which becomes a demilitarised buffer zone.",
    "Crimea, Luhansk and Donetsk would be recognised as de facto Russian, the document says.",
    "Elections would be held in Ukraine within 100 days, and a full amnesty would cover actions during the war.",
]

_DETERMINISM = """
import sys
from planlib.cli import main
out, formats, layouts = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(",")
for fmt in formats:
    for layout in layouts:
        code = main(["table", "--sources", sys.argv[4], "--format", fmt, "--layout", layout,
                     "-o", f"{out}/{layout}.{fmt}"])
        assert code == 0, (fmt, layout)
"""


def test_cli_output_is_byte_identical_on_repeat(tmp_path: Path) -> None:
    """Two runs of `planlib table` (different hash seeds) write byte-identical files in every format and layout."""
    corpus = tmp_path / "corpus.jsonl"
    records = [{"text": t, "source": f"doc{i % 3}", "speaker": HOSTILE_SPEAKER if i % 2 else None}
               for i, t in enumerate([*HOSTILE, *_MATCHING])]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    runs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        out.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", _DETERMINISM, str(out), ",".join(FORMATS), ",".join(LAYOUTS),
                        str(corpus)], cwd=ROOT, env=env, check=True)
        runs.append(out)
    data = json.loads((runs[0] / "provision.json").read_text(encoding="utf-8"))
    assert any(p["evidence"] for p in data["provisions"]), "the corpus should support some provision"
    names = sorted(p.name for p in runs[0].iterdir())
    assert len(names) == len(FORMATS) * len(LAYOUTS)
    for name in names:
        assert (runs[0] / name).read_bytes() == (runs[1] / name).read_bytes(), name


@pytest.mark.parametrize("fmt", ["md", "csv", "json", "html"])
@pytest.mark.parametrize("layout", ["provision", "source", "coverage"])
def test_pieces_join_to_exactly_the_rendered_text(hostile: planlib.ProvisionTable, fmt: str, layout: str) -> None:
    """What the command writes piece by piece is byte for byte the text render() gives."""
    from planlib.render import render, render_pieces

    pieces = list(render_pieces(hostile, fmt, layout))
    assert "".join(pieces) == render(hostile, fmt, layout)


def test_a_long_json_list_is_written_item_by_item() -> None:
    """A big table is never held as one string: a long list (like a million sources' listings)
    comes out in pieces of at most one item each."""
    from planlib.render.json import iter_dumps

    record = {"id": "article-0000001", "path": "corpus.jsonl", "kind": "jsonl", "title": None}
    pieces = list(iter_dumps({"sources": [record] * 5000, "n": 1}))
    one = len(json.dumps(record, ensure_ascii=False, indent=2)) + 200
    assert len(pieces) > 5000
    assert max(map(len, pieces)) < one


_JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
_JSON_VALUES = st.recursive(
    _JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=40) | st.tuples(inner, inner)
    | st.dictionaries(st.text() | st.integers() | st.floats() | st.booleans() | st.none(), inner, max_size=40),
    max_leaves=200,
)


@given(_JSON_VALUES)
def test_json_pieces_are_exactly_what_json_dumps_writes(data: object) -> None:
    """planlib's piecewise JSON writer gives byte for byte the standard library's indented text,
    for any JSON-able value: unicode, NaN and infinities, non-string keys, long and nested lists."""
    from planlib.render.json import iter_dumps

    assert "".join(iter_dumps(data)) == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def test_json_writer_refuses_what_json_refuses() -> None:
    """A value JSON cannot hold is a TypeError, as from json.dumps."""
    from planlib.render.json import iter_dumps

    for bad in ({"a": {1, 2}}, [object()], {(1, 2): "tuple key"}):
        with pytest.raises(TypeError):
            json.dumps(bad)
        with pytest.raises(TypeError):
            "".join(iter_dumps(bad))


_TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=12)
_NUMBER = st.floats() | st.integers(-10, 10**6)
_HITS = st.builds(TermHit, _TEXT, _TEXT, _TEXT, st.integers(0, 10**6), st.integers(0, 10**6), _TEXT, _NUMBER)
_EVIDENCE = st.builds(
    Evidence,
    _TEXT,
    st.tuples(_TEXT.filter(bool), _TEXT.filter(bool), st.integers(0, 10**6), _TEXT.filter(bool),
              st.sampled_from(["sentence", "turn", "headline"]), st.lists(st.none() | _TEXT, min_size=4, max_size=4)).map(
        lambda f: Statement(f[0], f[1], "corpus.txt", f[2], f[2] + len(f[3]), f[3], f[4], *f[5])),
    st.floats() | st.integers(0, 100),
    st.lists(st.builds(ConceptHit, _TEXT, _TEXT, _NUMBER, st.lists(_HITS, max_size=3)), max_size=3),
    st.lists(st.builds(Component, _TEXT, _TEXT, _NUMBER, _NUMBER), max_size=4),
    st.lists(_TEXT, max_size=3),
)


@given(_EVIDENCE, st.integers(0, 6))
def test_evidence_is_written_straight_as_json_writes_its_dict(ev: Evidence, at: int) -> None:
    """The JSON writer's short way for evidence gives byte for byte what json.dumps writes of
    evidence_dict, at any depth, for any names, texts and numbers (NaN, infinities, ints,
    empty lists of hits, concepts, components and flags)."""
    from planlib.render.json import evidence_dict, evidence_text

    expected = json.dumps(evidence_dict(ev), ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * at)
    assert evidence_text(ev, at) == expected


def test_evidence_floats_keep_their_sign_and_their_memory_stays_bounded() -> None:
    """Remembered floats never stand in for others: 0.0 and -0.0 (equal, written apart) each come
    out as json writes them, whatever came first; and writing many distinct floats keeps at
    most the writer's cap of them."""
    from planlib.render import json as planlib_json

    s = Statement("a#1", "a", "a.txt", 0, 3, "abc", "sentence")

    def ev(weight: float) -> Evidence:
        return Evidence("p1", s, weight, [ConceptHit("c", "act", weight, [])], [Component("c", "l", weight, weight)], [])

    for weight in (0.0, -0.0, 0.0, 2.5, -2.5, float("nan"), -0.0):
        piece = ev(weight)
        expected = json.dumps(planlib_json.evidence_dict(piece), ensure_ascii=False, indent=2)
        assert planlib_json.evidence_text(piece, 0) == expected
    kept = planlib_json._WRITERS[float].__self__  # type: ignore[attr-defined]  # the floats remembered
    for k in range(planlib_json._FLOATS_KEPT + 50):
        planlib_json.evidence_text(ev(1 + k / 7), 0)
    assert 0 < len(kept) <= planlib_json._FLOATS_KEPT


def test_evidence_holding_other_types_is_written_the_long_way() -> None:
    """A hit whose term is a list, or a score of a float subclass, still comes out as json writes its dict."""
    from planlib.render.json import evidence_dict, evidence_text

    class Score(float):
        pass

    s = Statement("a#1", "a", "a.txt", 0, 3, "abc", "sentence")
    odd = Evidence("p1", s, Score(1.5), [ConceptHit("c", "act", 1.0, [TermHit("c", ["x", "y"], "abc", 0, 3, "exact", 100.0)])], [], [])
    assert evidence_text(odd, 2) == json.dumps(evidence_dict(odd), ensure_ascii=False, indent=2).replace("\n", "\n    ")
