"""The bundled plans load, and broken plan files fail with errors that say where."""

from __future__ import annotations

from pathlib import Path

import pytest

import planlib
from planlib import PlanFormatError

CORE = {
    "donbas-withdrawal": "21d",
    "demilitarized-zone": "21d",
    "crimea-recognition": "21a",
    "contact-line-freeze": "21b",
}


def test_every_point_of_the_28_point_plan_is_present(plan: planlib.Plan) -> None:
    """Points 1 to 28 each have at least one provision, by ref or sub-point ref."""
    points = {p.ref.rstrip("abcdefgh") for p in plan.provisions}
    assert points == {str(n) for n in range(1, 29)}


def test_sub_points_are_provisions_of_their_own(plan: planlib.Plan) -> None:
    """10a–d, 20a–c, 21a–d and 24a–d each exist as provisions."""
    refs = {p.ref for p in plan.provisions}
    wanted = {f"{n}{s}" for n, subs in ((10, "abcd"), (20, "abc"), (21, "abcd"), (24, "abcd")) for s in subs}
    assert wanted <= refs


def test_core_provisions_have_their_ids_and_refs(plan: planlib.Plan) -> None:
    """The four provisions the seed names carry the agreed ids and refs."""
    for pid, ref in CORE.items():
        assert plan.provision(pid).ref == ref


def test_every_provision_is_complete(plan: planlib.Plan) -> None:
    """Every provision has a title, a summary, tags and at least one concept with terms."""
    for p in plan.provisions:
        assert p.title.strip() and p.summary.strip() and p.tags, p.id
        assert all(c.terms or c.places or c.value is not None for c in p.concepts), p.id


def test_all_bundled_plans_load() -> None:
    """Every plan file in data/plans loads and validates."""
    ids = planlib.bundled_plans()
    assert "us-28-point-2025-11" in ids
    for pid in ids:
        assert planlib.load_plan(pid).id == pid


GOOD = """
format = 1
[plan]
id = "t"
title = "Test plan"
[[provision]]
id = "a"
ref = "1"
title = "A"
summary = "Something."
tags = ["security"]
[[provision.concept]]
name = "x"
kind = "act"
terms = ["withdraw"]
"""


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "plan.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_a_minimal_plan_loads(tmp_path: Path) -> None:
    """The smallest valid plan file loads into one provision with one concept."""
    plan = planlib.load_plan(_write(tmp_path, GOOD))
    assert [p.id for p in plan.provisions] == ["a"]
    assert plan.provisions[0].concepts[0].terms == ("withdraw",)


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (('summary = "Something."', 'summary = "Something."\ncolour = "red"'), "unknown key 'colour'"),
        (('title = "A"', 'title = ""'), "field 'title' is empty"),
        (('ref = "1"', "ref = 1"), "field 'ref' must be str"),
        (('kind = "act"', 'kind = "verb"'), "field 'kind' must be one of"),
        (('terms = ["withdraw"]', 'terms = ["withdraw", ""]'), "non-empty strings"),
        (('terms = ["withdraw"]', 'places = ["Atlantis"]'), "gazetteer does not know"),
    ],
)
def test_bad_fields_name_file_provision_and_field(tmp_path: Path, change: tuple[str, str], needle: str) -> None:
    """Each kind of bad field raises PlanFormatError naming the file, the provision and the problem."""
    path = _write(tmp_path, GOOD.replace(*change))
    with pytest.raises(PlanFormatError) as info:
        planlib.load_plan(path)
    message = str(info.value)
    assert needle in message
    assert str(path) in message and "provision 'a'" in message


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    """A second provision with the same id is an error naming that id."""
    block = GOOD[GOOD.index("[[provision]]") :]
    with pytest.raises(PlanFormatError, match="duplicate id 'a'"):
        planlib.load_plan(_write(tmp_path, GOOD + block))


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    """A syntax error is reported with the file's name and TOML's own line and column."""
    path = _write(tmp_path, GOOD + "\n[[provision\n")
    with pytest.raises(PlanFormatError, match="invalid TOML") as info:
        planlib.load_plan(path)
    assert str(path) in str(info.value) and "line" in str(info.value)


def test_plan_errors_are_value_errors_too(tmp_path: Path) -> None:
    """Callers may catch the builtin the error resembles."""
    with pytest.raises(ValueError):
        planlib.load_plan(_write(tmp_path, GOOD.replace('ref = "1"', "ref = 1")))


def test_select_takes_ids_refs_and_bare_points(plan: planlib.Plan) -> None:
    """A bare point number selects the point and its sub-points; an id selects just that one."""
    assert {p.ref for p in plan.select("24")} >= {"24a", "24b", "24c", "24d"}
    assert [p.id for p in plan.select("crimea-recognition")] == ["crimea-recognition"]
    assert {p.id for p in plan.select("21d")} == {"donbas-withdrawal", "demilitarized-zone"}


def test_bundled_terms_with_a_hyphened_prefix_meet_the_closed_form() -> None:
    """AP and the New York Times write 'nonaggression' and 'reenter' where others hyphenate: for
    every bundled term with a hyphen after one of the lexicon's prefixes, each word of the
    closed form (stop words aside) is a word of the plan's vocabulary, found without the typo fold."""
    import re

    from planlib.matching.vocabulary import Vocabulary
    from planlib.text import lexicon, words

    prefixes = "|".join(sorted(lexicon().hyphen_prefixes))
    closing = re.compile(rf"(?i)\b({prefixes})-(?=[a-z])")
    missing, checked = [], 0
    for plan in map(planlib.load_plan, planlib.bundled_plans()):
        vocab = Vocabulary(plan)
        for provision in plan.provisions:
            for concept in provision.concepts:
                for term in concept.terms:
                    closed = closing.sub(r"\1", term)
                    if closed == term:
                        continue
                    checked += 1
                    for word in words(closed):
                        if word.casefold() in lexicon().stopwords:
                            continue  # stop words are left out of multi-word terms
                        found = vocab.lookup(word)
                        if found is None or found.typo:
                            missing.append(f"{plan.id} {provision.id} {concept.name}: {word!r} of {closed!r}")
    assert checked and not missing, "\n".join(missing)
