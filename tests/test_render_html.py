"""The HTML report: self-contained, escaped, and working in a real headless Chromium."""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import planlib
from planlib.render import LAYOUTS
from planlib.render.html import SCRIPT, render_html

from .conftest import ROOT
from .test_render import HOSTILE, HOSTILE_OUTLET, HOSTILE_SPEAKER, reporting, synthetic_table

__all__ = ["reporting"]  # the fixture, shared with test_render

ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of script elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def hostile(plan: planlib.Plan) -> planlib.ProvisionTable:
    return synthetic_table(plan, HOSTILE)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_page_is_self_contained_and_escaped(hostile: planlib.ProvisionTable, layout: str) -> None:
    """Parsed, the page has one script (ours), no image, frame, link or handler attribute, and only local anchors."""
    tags = parse(render_html(hostile, layout))
    names = [t for t, _a in tags.tags]
    assert names.count("script") == 1 and tags.scripts == [SCRIPT]
    assert not {"img", "iframe", "object", "embed", "link", "base", "svg", "b", "i"} & set(names)
    for _tag, attrs in tags.tags:
        assert not [a for a in attrs if a.startswith("on")], attrs
        assert "src" not in attrs
        href = attrs.get("href")
        assert href is None or href.startswith("#"), href


def test_page_keeps_hostile_text_as_text(hostile: planlib.ProvisionTable) -> None:
    """The hostile lines, speaker and outlet appear escaped, character for character."""
    from html import escape

    page = render_html(hostile)
    for text in (*HOSTILE, HOSTILE_SPEAKER, HOSTILE_OUTLET):
        assert escape(text) in page or escape(text.split(" ", 1)[1]) in page, text


def test_csp_allows_exactly_the_inline_script(hostile: planlib.ProvisionTable) -> None:
    """The Content-Security-Policy forbids everything by default and allows the one script by its hash."""
    tags = parse(render_html(hostile))
    meta = next(a for t, a in tags.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    csp = meta["content"] or ""
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
    assert "default-src 'none'" in csp and f"script-src 'sha256-{digest}'" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]


def test_matrix_row_per_provision_in_markup(reporting: planlib.ProvisionTable) -> None:
    """The heat map has one row per provision and one column per source, plus the label and total."""
    tags = parse(render_html(reporting))
    rows = [a for t, a in tags.tags if t == "tr" and "mrow" in (a.get("class") or "")]
    assert len(rows) == len(reporting.rows)
    head_cells = sum(1 for t, a in tags.tags if t == "th" and a.get("scope") == "col")
    assert head_cells == len(reporting.sources) + 2


# -- in a real browser ------------------------------------------------------------------------------


def _chromium() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium through Playwright; skipped outside CI when either is missing."""
    ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    exe = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if ci:
            pytest.fail("playwright is not installed (it is in the test extra)")
        pytest.skip("playwright is not installed: pip install -e '.[test]'")
    if exe is None:
        if ci:
            pytest.fail("no chromium binary; .ci/run installs Debian's chromium")
        pytest.skip("no chromium binary (apt-get install chromium); CI runs these tests")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def _open(browser: Any, path: Path, width: int = 1280, height: int = 900) -> tuple[Any, dict[str, list[str]]]:
    page = browser.new_page(viewport={"width": width, "height": height})
    seen: dict[str, list[str]] = {"dialogs": [], "errors": [], "requests": []}

    def on_dialog(d: Any) -> None:
        seen["dialogs"].append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, seen


def _write(tmp_path: Path, name: str, text: str) -> Path:
    target = tmp_path / name
    target.write_text(text, encoding="utf-8")
    return target


def _screenshot(page: Any, name: str, tmp_path: Path) -> Path:
    try:
        ARTIFACTS.mkdir(exist_ok=True)
        target = ARTIFACTS / name
    except OSError:
        target = tmp_path / name
    page.screenshot(path=str(target))
    assert target.stat().st_size > 1000
    return target


@pytest.mark.slow
def test_page_renders_with_one_matrix_row_per_provision(browser: Any, reporting: planlib.ProvisionTable,
                                                        tmp_path: Path) -> None:
    """In Chromium the page shows its title, a heat-map row per provision, a section per provision,
    runs its script without errors and asks for nothing but itself; screenshots at laptop and phone width."""
    path = _write(tmp_path, "report.html", render_html(reporting))
    for name, width, height in (("report-laptop.png", 1366, 900), ("report-phone.png", 390, 844)):
        page, seen = _open(browser, path, width, height)
        assert page.locator("h1").inner_text() == reporting.plan.title
        assert page.locator("table.matrix tbody tr.mrow").count() == len(reporting.rows)
        assert page.locator("table.matrix tbody tr.mrow:visible").count() == len(reporting.rows)
        assert page.locator("section.group").count() == len(reporting.rows)
        assert page.locator("#filters").is_visible(), "the script un-hides the filters"
        assert seen["errors"] == [] and seen["dialogs"] == []
        assert seen["requests"] == [path.as_uri()]
        _screenshot(page, name, tmp_path)
        page.close()


@pytest.mark.slow
def test_tag_filter_hides_other_provisions(browser: Any, reporting: planlib.ProvisionTable, tmp_path: Path) -> None:
    """Choosing a tag leaves visible exactly the matrix rows and sections of provisions with that tag."""
    path = _write(tmp_path, "report.html", render_html(reporting))
    page, seen = _open(browser, path)
    tag = "nuclear"
    expected = sum(1 for r in reporting.rows if tag in r.provision.tags)
    assert 0 < expected < len(reporting.rows)
    page.select_option("#f-tag", tag)
    assert page.locator("tr.mrow:visible").count() == expected
    assert page.locator("section.group:visible").count() == expected
    assert page.locator("#f-shown").inner_text() == f"{expected} of {len(reporting.rows)} shown"
    page.select_option("#f-tag", "")
    assert page.locator("section.group:visible").count() == len(reporting.rows)
    assert seen["errors"] == []
    page.close()


@pytest.mark.slow
def test_min_score_filter_hides_weaker_evidence(browser: Any, reporting: planlib.ProvisionTable,
                                                tmp_path: Path) -> None:
    """A minimum score hides exactly the evidence below it, and empties heat-map cells with nothing left."""
    path = _write(tmp_path, "report.html", render_html(reporting))
    page, _seen = _open(browser, path)
    scores = sorted(ev.score for r in reporting.rows for ev in r.evidence)
    threshold = round(scores[len(scores) // 2])
    keep = sum(1 for s in scores if round(s, 1) >= threshold)
    assert 0 < keep < len(scores)
    page.fill("#f-min", str(threshold))
    page.dispatch_event("#f-min", "input")
    assert page.locator("li.ev:visible").count() == keep
    assert page.locator("li.ev").count() == len(scores)
    emptied = page.locator("td.cell.below").count()
    assert emptied > 0
    _screenshot(page, "report-min-score.png", tmp_path)
    page.close()


@pytest.mark.slow
@pytest.mark.parametrize("layout", LAYOUTS)
def test_hostile_source_executes_nothing(browser: Any, hostile: planlib.ProvisionTable, layout: str,
                                         tmp_path: Path) -> None:
    """A source with <script> and <img onerror> sets no global flag, opens no dialog, and shows as text."""
    path = _write(tmp_path, f"hostile-{layout}.html", render_html(hostile, layout))
    page, seen = _open(browser, path)
    page.wait_for_timeout(200)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert seen["dialogs"] == []
    assert page.locator("img").count() == 0 and page.locator("script").count() == 1
    assert seen["requests"] == [path.as_uri()]
    body = page.locator("body").inner_text()
    if layout != "coverage":
        assert "<script>window.__pwned = 1; alert(1)</script>" in body
        assert HOSTILE_SPEAKER in body
    if layout == "provision":
        _screenshot(page, "hostile.png", tmp_path)
    page.close()


@pytest.mark.slow
def test_score_explanation_opens_on_demand(browser: Any, reporting: planlib.ProvisionTable, tmp_path: Path) -> None:
    """The explanation of a score is hidden until its summary is clicked."""
    path = _write(tmp_path, "report.html", render_html(reporting))
    page, _seen = _open(browser, path)
    ev = next(ev for r in reporting.rows for ev in r.evidence)
    details = page.locator("li.ev details").first
    explanation = details.locator("p").first
    assert not explanation.is_visible()
    details.locator("summary").click()
    assert explanation.is_visible()
    assert explanation.inner_text() == ev.explain()
    page.close()


@pytest.mark.slow
def test_source_layout_filters_hide_statements_left_empty(browser: Any, reporting: planlib.ProvisionTable,
                                                          tmp_path: Path) -> None:
    """In the by-source page a tag keeps only statements supporting a provision with that tag, and within
    them only those provisions."""
    from planlib.render._common import by_source

    path = _write(tmp_path, "by-source.html", render_html(reporting, "source"))
    page, seen = _open(browser, path)
    tag = "nuclear"
    groups = by_source(reporting)
    expected = [g for g in groups if any(tag in p.tags for p, _ev in g.links)]
    assert 0 < len(expected) < len(groups)
    page.select_option("#f-tag", tag)
    assert page.locator("section.group:visible").count() == len(expected)
    links = sum(1 for g in expected for p, _ev in g.links if tag in p.tags)
    assert page.locator("section.group li.ev:visible").count() == links
    assert seen["errors"] == []
    page.close()
