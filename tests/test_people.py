"""The speaker registry resolves spellings and transliterations, and never merges two people."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import planlib

PEOPLE = planlib.load_people()


@pytest.mark.parametrize(
    ("written", "name"),
    [("Witkov", "Steve Witkoff"), ("Wittkoff", "Steve Witkoff"), ("Vitkov", "Steve Witkoff"),
     ("Usakov", "Yuri Ushakov"), ("Уиткофф", "Steve Witkoff"), ("Ушаков", "Yuri Ushakov"),
     ("K. DMITRIEV", "Kirill Dmitriev"), ("Y. Ushakov", "Yuri Ushakov"), ("Zelenskyy", "Volodymyr Zelensky")],
)
def test_variants_resolve(written: str, name: str) -> None:
    """Spelling, transliteration and initial variants resolve to the canonical person."""
    assert PEOPLE.resolve(written) == name


def test_unknown_name_is_not_resolved() -> None:
    """A name no one in the registry is close to stays unresolved."""
    assert PEOPLE.resolve("Margaret Brennan") is None


_forms = [(p.name, f) for p in PEOPLE.people for f in (p.name, *p.aliases)]


@given(st.sampled_from(_forms))
def test_no_form_resolves_to_another_person(pair: tuple[str, str]) -> None:
    """Every name or alias of a registry person resolves to that person, never to someone else."""
    name, form = pair
    assert PEOPLE.resolve(form) in (name, None)
    assert PEOPLE.resolve(form) == name or len(form) <= 4
