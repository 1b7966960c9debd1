"""The matcher finds the seed's labelled links and explains each match."""

from __future__ import annotations

import planlib
from planlib.evaluate import evaluate, hits, load_gold

CORE = ("donbas-withdrawal", "demilitarized-zone", "crimea-recognition", "contact-line-freeze")


def test_core_provisions_find_a_grade_2_statement(plan, seed_sources, seed_gold_path) -> None:  # type: ignore[no-untyped-def]
    """Each core provision lists a seed statement the gold set grades 2 for it."""
    gold = load_gold(seed_gold_path)
    table = planlib.match(plan, seed_sources)
    for pid in CORE:
        links = [lk for lk in gold.links if lk.provision == pid and lk.grade == 2]
        evidence = table.row(pid).evidence
        assert any(hits(e.statement.start, e.statement.end, span) for e in evidence for lk in links for span in lk.spans), pid


def test_seed_scores_at_default_settings(plan, seed_sources, seed_gold_path) -> None:  # type: ignore[no-untyped-def]
    """At default settings the seed set is found whole (recall 1.0) with precision at least 0.9."""
    report = evaluate(planlib.match(plan, seed_sources), load_gold(seed_gold_path))
    assert report.overall.recall == 1.0
    assert report.overall.precision >= 0.9


def test_every_evidence_is_explained(plan, seed_sources) -> None:  # type: ignore[no-untyped-def]
    """Every piece of evidence names its concepts, surface forms, folds and score components."""
    table = planlib.match(plan, seed_sources)
    evidence = [e for r in table.rows for e in r.evidence]
    assert evidence
    for e in evidence:
        assert e.concepts and all(h.fold in planlib.text.FOLDS for c in e.concepts for h in c.hits)
        assert abs(sum(c.points for c in e.components) - e.score) < 0.5
        for c in e.concepts:
            for h in c.hits:
                src = next(s for s in seed_sources if s.id == e.statement.source)
                assert src.text[h.start : h.end] == h.surface


def test_a_place_alone_is_not_support() -> None:
    """A sentence naming only a provision's place, with none of its acts, is not evidence."""
    plan = planlib.load_plan()
    src = planlib.read_text("Heavy fighting continued near Donetsk and Zaporizhzhia on Tuesday.", source="t")
    table = planlib.match(plan, [src])
    assert all(not r.evidence for r in table.rows)


FOLD_PLAN = """
format = 1
[plan]
id = "folds"
title = "Fold test"
[[provision]]
id = "p"
ref = "1"
title = "Recognise the region"
summary = "The region is recognized."
[[provision.concept]]
name = "recognition"
kind = "act"
terms = ["recognize", "withdrawal"]
[[provision.concept]]
name = "Donbas"
kind = "place"
places = ["Donbas"]
"""


def test_folds_are_named(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Case, transliteration, UK spelling, inflection, typo and gazetteer folds are each reported by name."""
    path = tmp_path / "folds.toml"
    path.write_text(FOLD_PLAN, encoding="utf-8")
    plan = planlib.load_plan(path)
    cases = {
        "Kyiv will recognise the Donbas.": ("recognise", "spelling"),
        "Kyiv will RECOGNIZE the Donbas.": ("RECOGNIZE", "case"),
        "Kyiv will recogníze the Donbas.": ("recogníze", "transliteration"),
        "Kyiv is recognizing the Donbas.": ("recognizing", "inflection"),
        "Kyiv agreed a withdrawl from the Donbas.": ("withdrawl", "typo"),
        "Kyiv will recognize Kramatorsk.": ("Kramatorsk", "gazetteer"),
    }
    for text, (surface, fold) in cases.items():
        (ev,) = planlib.match(plan, [planlib.read_text(text, source="t")], min_score=0).row("p").evidence
        found = {h.surface: h.fold for c in ev.concepts for h in c.hits}
        assert found.get(surface) == fold, (text, found)


HYPHEN_PLAN = """
format = 1
[plan]
id = "hyphens"
title = "Hyphen test"
[[provision]]
id = "p"
ref = "1"
title = "A pact and co-operation"
summary = "The sides sign a pact and cooperate."
[[provision.concept]]
name = "pact"
kind = "object"
terms = ["non-aggression pact"]
[[provision.concept]]
name = "cooperation"
kind = "act"
terms = ["cooperation"]
"""


def test_a_hyphen_after_a_prefix_may_be_written_or_not(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A term with a hyphen after one of the lexicon's prefixes meets the closed form and the other
    way round, reported as the ``hyphen`` fold (or a looser one that also applies); a word that
    merely begins like a prefix is not cut in the text."""
    path = tmp_path / "hyphens.toml"
    path.write_text(HYPHEN_PLAN, encoding="utf-8")
    plan = planlib.load_plan(path)
    cases = {
        "They will sign a non-aggression pact and deepen cooperation.":
            {"non-aggression pact": "exact", "cooperation": "exact"},
        "They will sign a nonaggression pact and deepen co-operation.":
            {"nonaggression pact": "hyphen", "co-operation": "hyphen"},
        "They will sign a Nonaggression pact, co‑operating closely.":
            {"Nonaggression pact": "hyphen", "co‑operating": "inflection"},
    }
    for text, want in cases.items():
        source = planlib.read_text(text, source="t")
        (ev,) = planlib.match(plan, [source], min_score=0).row("p").evidence
        found = {h.surface: h.fold for c in ev.concepts for h in c.hits}
        assert found == want, (text, found)
        assert all(source.text[h.start : h.end] == h.surface for c in ev.concepts for h in c.hits)
        assert {h.term for c in ev.concepts for h in c.hits} == {"non-aggression pact", "cooperation"}
    plain = planlib.read_text("They will sign a pact on the operation.", source="t")
    assert not planlib.match(plan, [plain], min_score=0).row("p").evidence


def test_conflicting_figure_is_flagged() -> None:
    """A statement giving another army cap than the plan's 600,000 is flagged, not counted as support."""
    plan = planlib.load_plan()
    src = planlib.read_text("The counter-proposal would cap Ukraine's armed forces at 800,000 troops.", source="t")
    row = planlib.match(plan, [src], min_score=0).row("6")
    assert row.evidence and all("conflicting_figure" in e.flags for e in row.evidence)
    assert row.support == 0
    same = planlib.read_text("The plan would cap Ukraine's armed forces at 600,000 troops.", source="t")
    row = planlib.match(plan, [same]).row("6")
    assert row.support == 1 and not row.evidence[0].flags


def test_raising_min_score_never_adds_evidence(plan, seed_sources) -> None:  # type: ignore[no-untyped-def]
    """Evidence at a higher threshold is a subset of evidence at a lower one."""
    low = {(r.provision.id, e.statement.id) for r in planlib.match(plan, seed_sources, min_score=30, top=None).rows for e in r.evidence}
    high = {(r.provision.id, e.statement.id) for r in planlib.match(plan, seed_sources, min_score=70, top=None).rows for e in r.evidence}
    assert high <= low
