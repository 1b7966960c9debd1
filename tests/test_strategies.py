"""planlib.strategies draws what it promises: valid plans, distractors no concept meets,
planted statements using every surface variant, sources with exact spans."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

import planlib
from planlib import strategies as S

from .conftest import ROOT, heavy
from .reference_matcher import ReferenceMatcher

PLAN = planlib.load_plan()
VOCAB = planlib.Vocabulary(PLAN)
REF = ReferenceMatcher(PLAN)


def plan_toml(plan: planlib.Plan) -> str:
    """A plan as a plan file (strings written as JSON strings, which TOML reads alike)."""
    q = json.dumps
    out = ["format = 1", "[plan]", f"id = {q(plan.id)}", f"title = {q(plan.title)}"]
    for p in plan.provisions:
        out += ["[[provision]]", f"id = {q(p.id)}", f"ref = {q(p.ref)}", f"title = {q(p.title)}", f"summary = {q(p.summary)}"]
        if p.min_concepts is not None:
            out.append(f"min_concepts = {p.min_concepts}")
        for c in p.concepts:
            out += ["[[provision.concept]]", f"name = {q(c.name)}", f"kind = {q(c.kind)}", f"required = {q(c.required)}"]
            if c.terms:
                out.append(f"terms = {q(list(c.terms))}")
            if c.places:
                out.append(f"places = {q(list(c.places))}")
            if c.value is not None:
                out.append(f"value = {c.value!r}")
    return "\n".join(out) + "\n"


@given(S.plans())
def test_generated_plans_load_back_from_a_plan_file(plan: planlib.Plan) -> None:
    """A generated plan written as a plan file loads back, through the validating loader, equal."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.toml"
        path.write_text(plan_toml(plan), encoding="utf-8")
        assert planlib.load_plan(path) == plan


@given(S.distractor_words(PLAN))
def test_distractor_words_meet_no_concept(word: str) -> None:
    """A distractor word meets no vocabulary word, in the matcher nor in the reference."""
    assert VOCAB.lookup(word) is None
    assert REF.key_of(word) is None


@heavy()
@given(S.planted_corpus(PLAN))
def test_planted_corpus_records_every_statement(corpus: S.Corpus) -> None:
    """Every statement of a corpus is planted or a distractor, never both, and spans are exact."""
    ids = {s.id for s in corpus.statements}
    assert set(corpus.planted) | corpus.distractors == ids
    assert not set(corpus.planted) & corpus.distractors
    assert set().union(*corpus.expected.values()) == set(corpus.planted)
    assert set(corpus.expected) == {p.id for p in PLAN.provisions}
    for src in corpus.sources:
        for s in src.statements:
            assert src.text[s.start : s.end] == s.text


@pytest.mark.parametrize("variant", S.VARIANTS)
def test_every_surface_variant_is_planted(variant: str) -> None:
    """Planted statements of the bundled plan use each surface variant (case, spelling, typo, ...).
    The hyphen variant is looked for among the provisions with a term the lexicon's hyphen
    prefixes apply to (few have one: over every provision, a search finds it or not by chance)."""
    provisions = None
    if variant == "hyphen":
        lex = planlib.text.lexicon()
        provisions = [p.id for p in PLAN.provisions if p.id in S.guaranteed(PLAN)
                      and any(lex.hyphen_forms(t) for c in p.concepts for t in c.terms)]
        assert provisions
    found = find(
        S.planted_corpus(PLAN, provisions=provisions), lambda c: any(variant in v for v in c.variants.values()),
        settings=settings(max_examples=500, database=None, derandomize=True, deadline=None, phases=[Phase.generate]),
    )
    assert found.planted


def test_guaranteed_covers_the_bundled_plans() -> None:
    """Every provision of the bundled plans but one can be planted with a guarantee; the one whose
    every 'humanitarian' term also belongs to its 'committee' concept cannot."""
    for pid in planlib.bundled_plans():
        plan = planlib.load_plan(pid)
        missing = {p.id for p in plan.provisions} - set(S.guaranteed(plan))
        assert missing <= {"humanitarian-committee"}, (pid, missing)


def test_planting_an_unguaranteed_provision_is_refused() -> None:
    """Asking to plant a provision the guarantee does not cover raises ValueError naming it."""
    with pytest.raises(ValueError, match="humanitarian-committee"):
        S.planted_statements(PLAN, "humanitarian-committee")
    with pytest.raises(ValueError, match="humanitarian-committee"):
        S.planted_corpus(PLAN, provisions=["humanitarian-committee"])


@given(st.lists(st.text(), min_size=1, max_size=5), st.sampled_from(["\n", " ", "\n\n"]))
def test_source_of_gives_exact_spans(texts: list[str], sep: str) -> None:
    """source_of makes statements whose spans index the source text exactly, with ids SOURCE#n."""
    src = S.source_of(texts, source="s", sep=sep)
    assert [s.text for s in src.statements] == texts
    assert [s.id for s in src.statements] == [f"s#{n}" for n in range(1, len(texts) + 1)]
    assert all(src.text[s.start : s.end] == s.text for s in src.statements)


def test_without_hypothesis_the_import_error_says_what_to_install() -> None:
    """Importing planlib.strategies without Hypothesis raises ImportError naming the extra."""
    code = "import sys; sys.modules['hypothesis'] = None\ntry:\n import planlib.strategies\nexcept ImportError as e:\n print(e)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "pip install 'planlib[hypothesis]'" in done.stdout
