"""Plan versions compared: the bundled E3 and Geneva versions against the US plan, and the alignment's laws."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

import planlib
from planlib.compare import MIN_SIMILARITY, Comparison, compare, similarity
from planlib.model import Concept, Plan, Provision

US = "us-28-point-2025-11"
E3 = "e3-counterproposal-2025-11"
GENEVA = "us-ukraine-geneva-2025-11"


@pytest.fixture(scope="module")
def us_e3() -> Comparison:
    return compare(planlib.load_plan(US), planlib.load_plan(E3))


@pytest.fixture(scope="module")
def us_geneva() -> Comparison:
    return compare(planlib.load_plan(US), planlib.load_plan(GENEVA))


def accounted(cmp: Comparison) -> tuple[Counter[str], Counter[str]]:
    """How often each provision id of each plan appears in the comparison."""
    olds: Counter[str] = Counter(p.id for p in cmp.unreported_old)
    news: Counter[str] = Counter(p.id for p in cmp.unreported_new)
    for c in cmp.changes:
        old, new = c.sides()
        if old is not None:
            olds[old.id] += 1
        if new is not None:
            news[new.id] += 1
    return olds, news


def test_e3_deletes_point_3(us_e3: Comparison) -> None:
    """Both provisions of US point 3 are removed in the E3 version and nothing there takes their place."""
    point3 = [c for c in us_e3.changes if c.old is not None and c.old.ref == "3"]
    assert [c.old.id for c in point3 if c.old] == ["no-nato-expansion", "no-invasion-of-neighbours"]
    assert all(c.status == "removed" and c.new is None for c in point3)


def test_e3_raises_the_army_cap(us_e3: Comparison) -> None:
    """Point 6 is modified, and the figure change reads 600,000 → 800,000."""
    c = us_e3.change("army-cap")
    assert c.status == "modified"
    assert [(f.old, f.new) for f in c.figures] == [(600000.0, 800000.0)]
    assert "600,000 → 800,000" in c.explanation


def test_e3_keeps_the_nuclear_plant(us_e3: Comparison) -> None:
    """Point 19 (the Zaporizhzhia plant under IAEA, power split) is unchanged in substance."""
    c = us_e3.change("znpp-restart")
    assert c.status == "unchanged" and c.similarity == 100.0


def test_e3_point_21_pairs_with_the_contact_line(us_e3: Comparison) -> None:
    """E3's single point 21 pairs with US 21b (the line of contact); 21a, 21c and 21d are removed."""
    c = us_e3.change("territorial-talks-contact-line")
    assert c.status == "modified" and c.old is not None and c.old.id == "contact-line-freeze"
    assert "Kherson" in c.places_removed
    removed = {ch.old.id for ch in us_e3.changes if ch.status == "removed" and ch.old and ch.old.ref.startswith("21")}
    assert removed == {"crimea-recognition", "russia-returns-territory", "donbas-withdrawal", "demilitarized-zone"}


def test_every_provision_once(us_e3: Comparison, us_geneva: Comparison) -> None:
    """Every provision of both plans appears exactly once, in both comparisons."""
    for cmp in (us_e3, us_geneva):
        olds, news = accounted(cmp)
        assert olds == Counter(p.id for p in cmp.old.provisions)
        assert news == Counter(p.id for p in cmp.new.provisions)


def test_geneva_reports_drops(us_geneva: Comparison) -> None:
    """Points 6, 14 and 26 are reported dropped (removed, with who reported it); point 24 is kept."""
    for ref, who in (("6", "ABC"), ("14", "Bloomberg"), ("26", "ABC")):
        c = us_geneva.change(ref)
        assert c.status == "removed" and c.new is None and c.report is not None
        assert who in c.report.reported_by and c.report.confirmed
        assert who in c.explanation
    kept = [c for c in us_geneva.changes if c.old is not None and c.old.ref.startswith("24")]
    assert {c.old.ref for c in kept if c.old} == {"24a", "24b"}
    assert all(c.status == "unchanged" and "kept" in c.explanation for c in kept)


def test_geneva_unconfirmed_claims_say_so(us_geneva: Comparison) -> None:
    """The New York Post claims are removals marked unconfirmed."""
    c = us_geneva.change("nato-non-membership")
    assert c.status == "removed" and c.report is not None and not c.report.confirmed
    assert "unconfirmed" in c.explanation


def test_partial_version_leaves_the_rest_unreported(us_geneva: Comparison) -> None:
    """Provisions the reported Geneva draft says nothing about are unreported, not removed."""
    assert us_geneva.change("army-cap").status == "removed"
    ids = {p.id for p in us_geneva.unreported_old}
    assert "crimea-recognition" in ids and "sovereignty-confirmed" in ids
    assert all(not (c.old and c.old.id in ids) for c in us_geneva.changes)


def test_bundled_versions_mirror(us_e3: Comparison, us_geneva: Comparison) -> None:
    """Comparing the bundled versions the other way round swaps old and new, and added with removed."""
    swap = {"added": "removed", "removed": "added"}
    for forward in (us_e3, us_geneva):
        backward = compare(forward.new, forward.old)
        assert {(c.status, c.sides(), c.similarity) for c in backward.changes} == {
            (swap.get(c.status, c.status), c.sides()[::-1], c.similarity) for c in forward.changes
        }
        assert backward.unreported_new == forward.unreported_old
        assert backward.counts()["added"] == forward.counts()["removed"]


def test_json_contract(us_e3: Comparison) -> None:
    """The JSON has the contract's fields, statuses from the four, and the point 6 figure pair."""
    data = json.loads(us_e3.to_json())
    assert set(data) >= {"old", "new", "changes"}
    assert data["old"] == {"id": US, "title": us_e3.old.title} and data["new"]["id"] == E3
    for ch in data["changes"]:
        assert set(ch) >= {"status", "old", "new", "similarity", "figures", "explanation"}
        assert ch["status"] in {"unchanged", "modified", "added", "removed"}
        assert ch["old"] is None or set(ch["old"]) == {"id", "ref"}
    six = next(ch for ch in data["changes"] if ch["old"] and ch["old"]["id"] == "army-cap")
    assert six["figures"] == [{"old": 600000, "new": 800000}]


def test_html_escapes_and_shows_both_sides() -> None:
    """The HTML page escapes provision text and shows both versions' summaries side by side."""
    a = _plan("a", [_prov("p1", "1", "Cap <b>&</b>", "troops capped at 600,000")])
    b = _plan("b", [_prov("p1", "1", "Cap <b>&</b>", "troops capped at 800,000")])
    page = compare(a, b).to_html()
    assert "<b>&</b>" not in page and "Cap &lt;b&gt;&amp;&lt;/b&gt;" in page
    assert "<del>600,000</del>" in page and "<ins>800,000</ins>" in page


def test_negation_added_is_reported() -> None:
    """A version that adds “not” to a provision's summary is reported as adding a negation."""
    a = _plan("a", [_prov("p1", "1", "Troops", "NATO troops would be stationed in the country")])
    b = _plan("b", [_prov("p1", "1", "Troops", "NATO troops would not be stationed in the country")])
    c = compare(a, b).changes[0]
    assert c.status == "modified" and c.negations_added == ("not",)
    assert compare(b, a).changes[0].negations_removed == ("not",)


def test_unrelated_provisions_are_not_paired() -> None:
    """Provisions under different refs with nothing in common are removed and added, not paired."""
    a = _plan("a", [_prov("p1", "1", "Army cap", "troops capped", terms=("army",))])
    b = _plan("b", [_prov("q1", "2", "Grain shipping", "grain ships move freely", terms=("grain",))])
    assert similarity(a.provisions[0], b.provisions[0]) < MIN_SIMILARITY
    assert [c.status for c in compare(a, b).changes] == ["removed", "added"]


# --- property tests over generated plans -------------------------------------------------

_WORDS = ["army", "cap", "troops", "grain", "sea", "assets", "frozen", "talks", "line", "contact", "not"]


def _prov(pid: str, ref: str, title: str, summary: str, *, terms: tuple[str, ...] = ("army", "cap"),
          status: str | None = None, value: float | None = None) -> Provision:
    concepts = [Concept(name="c", kind="object", terms=terms)]
    if value is not None:
        concepts.append(Concept(name="n", kind="figure", value=value))
    return Provision(id=pid, ref=ref, title=title, summary=summary, concepts=concepts, status=status)


def _plan(pid: str, provisions: list[Provision], partial: bool = False) -> Plan:
    return Plan(id=pid, title=f"Plan {pid}", provisions=provisions, partial=partial)


@st.composite
def provisions(draw: st.DrawFn, pid: str) -> Provision:
    words = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=5).map(" ".join)
    return _prov(
        pid, draw(st.sampled_from(["1", "2", "2a", "2b", "3"])), draw(words), draw(words),
        terms=tuple(draw(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3, unique=True))),
        status=draw(st.sampled_from([None, None, "kept", "dropped"])),
        value=draw(st.sampled_from([None, 600000.0, 800000.0])),
    )


@st.composite
def plans(draw: st.DrawFn, name: str) -> Plan:
    ids = draw(st.lists(st.sampled_from(["p1", "p2", "p3", "p4", "p5", "p6"]), max_size=6, unique=True))
    return _plan(name, [draw(provisions(i)) for i in ids], partial=draw(st.booleans()))


@given(plans("a"), plans("b"))
def test_alignment_is_one_to_one(a: Plan, b: Plan) -> None:
    """Every provision of both generated plans is accounted for exactly once."""
    cmp = compare(a, b)
    olds, news = accounted(cmp)
    assert olds == Counter(p.id for p in a.provisions)
    assert news == Counter(p.id for p in b.provisions)


@given(plans("a"), plans("b"))
def test_compare_mirrors(a: Plan, b: Plan) -> None:
    """compare(b, a) is compare(a, b) seen from the other side: same pairs and similarity, added ↔ removed."""
    swap = {"added": "removed", "removed": "added"}

    def view(cmp: Comparison, flip: bool) -> set[tuple[object, ...]]:
        out = set()
        for c in cmp.changes:
            old, new = c.sides()
            sides = (new, old) if flip else (old, new)
            status = swap.get(c.status, c.status) if flip else c.status
            out.add((status, *(s.id if s else None for s in sides), c.similarity))
        return out

    forward, backward = compare(a, b), compare(b, a)
    assert view(forward, False) == view(backward, True)
    assert forward.unreported_old == backward.unreported_new
    assert [c.mirrored().status for c in forward.changes] == [swap.get(c.status, c.status) for c in forward.changes]


@given(provisions("p1"), provisions("p2"))
def test_similarity_is_symmetric_and_bounded(a: Provision, b: Provision) -> None:
    """similarity(a, b) == similarity(b, a), lies in 0..100, and is 100 for a provision with itself."""
    assert similarity(a, b) == similarity(b, a)
    assert 0.0 <= similarity(a, b) <= 100.0
    assert similarity(a, a) == 100.0
