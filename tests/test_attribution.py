"""Attribution of prose: speakers, outlets and cited sources from the cues of data/cues.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import planlib

from .conftest import REPORTING


def _statement(src: planlib.Source, quote: str) -> planlib.Statement:
    found = [s for s in src.statements if quote in s.text]
    assert len(found) == 1, f"{quote!r} lies in {len(found)} statements"
    return found[0]


def _agreement(folder: Path = REPORTING) -> tuple[int, int, list[str]]:
    labels = tomllib.loads((folder / "attribution.toml").read_text(encoding="utf-8"))["attribution"]
    sources: dict[str, planlib.Source] = {}
    misses = []
    for row in labels:
        if row["source"] not in sources:
            sources[row["source"]] = planlib.read_sources([folder / row["source"]])[0]
        s = _statement(sources[row["source"]], row["quote"])
        got = ((s.speaker or "").casefold(), s.outlet or "")
        if got != (row["speaker"].casefold(), row["outlet"]):
            misses.append(f"{row['quote']!r}: want {row['speaker']!r}/{row['outlet']!r}, got {s.speaker!r}/{s.outlet!r}")
    return len(labels) - len(misses), len(labels), misses


def test_held_out_reporting_agrees_with_readers() -> None:
    """On the hand-labelled held-out articles, speaker and outlet agree with a reader's on at least 85%."""
    good, total, misses = _agreement()
    assert total >= 80
    assert good / total >= 0.85, "\n".join(misses)


def test_blind_third_set_agrees_with_readers() -> None:
    """On a third set labelled blind (after the readers were last changed), speaker and outlet
    agree with a reader's on at least 85% (measured 46 of 51 when the set was added; 47 since
    sentence openers are dropped from names, a fix its misses showed)."""
    good, total, misses = _agreement(REPORTING.parent / "reporting3")
    assert total >= 50
    assert good / total >= 0.85, "\n".join(misses)


def test_fourth_set_agrees_with_readers() -> None:
    """On a fourth set labelled blind in formats the others lack (a parliamentary record, a
    Q/A briefing, a live blog), speaker and outlet agree with a reader's on at least 85%
    (34 of 58 when the set was added; 51 since parliamentary labels, format credits and
    outlets named with an aside are read, fixes its misses showed)."""
    good, total, misses = _agreement(REPORTING.parent / "reporting4")
    assert total >= 55
    assert good / total >= 0.85, "\n".join(misses)


@pytest.mark.parametrize(
    ("quote", "speaker", "outlet"),
    [
        ("According to sources cited by Bloomberg, American officials threatened", None, "Bloomberg"),
        ("In the conversation, published by Bloomberg, Witkoff is heard explaining", "Steve Witkoff", "Bloomberg"),
        ("Putin himself stated on November 21st", "Vladimir Putin", "Bloomberg"),
        ("I know what it will take for a peace deal, he says.", "Steve Witkoff", "Bloomberg"),
        ("He claims that he has a lot of discretion", "Steve Witkoff", "Bloomberg"),
    ],
)
def test_seed_must_shows(seed_sources: tuple[planlib.Source, ...], quote: str, speaker: str | None, outlet: str) -> None:
    """The seed's Bloomberg-cited claims carry outlet Bloomberg, and Putin's and Witkoff's words their speaker."""
    s = _statement(seed_sources[0], quote)
    assert (s.speaker, s.outlet) == (speaker, outlet)
    assert s.cue


def test_anonymous_sources_are_cited_not_speakers() -> None:
    """A person named in the claim is not its speaker when an unnamed source says it."""
    src = planlib.read_text("Smith met Jones in Paris, two officials told Reuters.", source="t")
    s = src.statements[0]
    assert (s.speaker, s.outlet, s.cited) == (None, "Reuters", "two officials")


def test_unknown_full_name_stays_as_written_and_carries_to_surname() -> None:
    """A name outside the registry is kept as written, and its surname alone later means the same person."""
    src = planlib.read_text("Foreign Minister Anna Kowalczyk said talks went well. Later Kowalczyk said more.", source="t")
    assert [s.speaker for s in src.statements] == ["Anna Kowalczyk", "Anna Kowalczyk"]


def test_an_honorific_makes_a_lone_surname_a_person_kept_as_written() -> None:
    """'according to Mr. Smith' names a person even though no one of that name was introduced:
    kept as written with the honorific, and the bare surname later means the same person.
    Without an honorific a lone capitalised word is no one."""
    text = "The cap is final, according to Mr. Smith. Later Smith said more. Dr. Kowal, a historian, warned of it."
    assert [s.speaker for s in planlib.read_text(text, source="t").statements] == ["Mr. Smith", "Mr. Smith", "Dr. Kowal"]
    assert planlib.read_text("The cap is final, according to Smith.", source="t").statements[0].speaker is None
    (prof,) = planlib.read_text("Professor Anna Kowal said the zone would not hold.", source="t").statements
    assert prof.speaker == "Anna Kowal"
    (mac,) = planlib.read_text("The zone would not hold, Ms. McDonald said.", source="t").statements
    assert mac.speaker == "Ms. McDonald"


@pytest.mark.parametrize(
    ("text", "speaker", "outlet"),
    [
        ("As Reuters reported, the plan caps the army.", None, "Reuters"),
        ("As The Telegraph reported, the cap was raised.", None, "The Telegraph"),
        ("As Anna Kowal said, the zone would not hold.", "Anna Kowal", None),
        ("When asked, Anna Kowal said the zone would not hold.", "Anna Kowal", None),
    ],
)
def test_a_sentence_opener_is_no_part_of_a_name(text: str, speaker: str | None, outlet: str | None) -> None:
    """'As Reuters reported' is an outlet, not a person called 'As Reuters'; an opener is dropped from a name."""
    (s,) = planlib.read_text(text, source="t").statements
    assert (s.speaker, s.outlet) == (speaker, outlet)


def test_pronoun_carry_over_resets_at_a_heading() -> None:
    """'He said' refers to the last person named, but not across a heading."""
    text = "Marco Rubio spoke in Geneva. He said talks went well.\n\nNext section\n\nHe said it again."
    said = [s for s in planlib.read_text(text, source="t").statements if s.text.startswith("He said")]
    assert [s.speaker for s in said] == ["Marco Rubio", None]


def test_outlet_aliases_resolve_to_one_name() -> None:
    """'The Associated Press' and 'AP' are one outlet; 'ABC News' wins over 'ABC'."""
    outlets = planlib.load_outlets()
    assert outlets.canonical("AP") == outlets.canonical("The Associated Press") == "Associated Press"
    src = planlib.read_text("The cap was dropped, ABC News reported, citing an official.", source="t")
    assert (src.statements[0].outlet, src.statements[0].cited) == ("ABC News", "an official")


def test_multi_sentence_quote_takes_the_closing_speaker() -> None:
    """A quotation of several sentences closed by '..., the Russian leader said.' is Putin's (a role carry-over)."""
    src = planlib.read_sources([REPORTING / "tass-putin-remarks.txt"])[0]
    s = _statement(src, "We received it through the existing channels")
    assert s.speaker == "Vladimir Putin"


def test_second_held_out_set_agrees_with_readers() -> None:
    """On the second labelled set (tests/data/reporting2), speaker and outlet agree with a reader's on at least 95%.

    These labels were looked at while the rules were fixed, so this pins the rules, not a held-out figure.
    """
    good, total, misses = _agreement(REPORTING.parent / "reporting2")
    assert total >= 90
    assert good / total >= 0.95, "\n".join(misses)


@pytest.mark.parametrize(
    ("text", "quote", "speaker", "outlet"),
    [
        ("MOSCOW, November 21 - RIA Novosti. The plan arrived, an aide said.", "The plan arrived", None, "RIA Novosti"),
        ("Meduza's explainer desk\n\nThe plan would cap the army.", "The plan would cap", None, "Meduza"),
        ("What is in it? Meduza breaks down the plan\n\nThe plan would cap the army.", "The plan would cap", None, "Meduza"),
        ("Aide to the President Yuri Viktorovich Ushakov told journalists the text arrived.", "Ushakov told", "Yuri Ushakov", None),
        ("Dmitry Sergeyevich Peskov said that no text came.", "Peskov said", "Dmitry Peskov", None),
        ("Zelenskyy, in his evening address, noted that the point matters.", "noted", "Volodymyr Zelensky", None),
        ("Trump, meanwhile, complained on social media that Kyiv was slow.", "complained", "Donald Trump", None),
        ("Secretary of State Marco Rubio called the talks productive.", "called", "Marco Rubio", None),
        ("Kyiv Independent live blog. Sunday 23 November.\n\n09:05 - The delegation landed.", "The delegation", None,
         "Kyiv Independent"),
        ("Marco Rubio spoke in Geneva. He promised to keep working on the text, and said more.", "He promised",
         "Marco Rubio", None),
        ("The New York Post claims the clause was dropped.", "claims", None, "New York Post"),
    ],
)
def test_general_constructions_are_read(text: str, quote: str, speaker: str | None, outlet: str | None) -> None:
    """Datelines, bylines and outlet-subject headlines set the house outlet; patronymics, asides and more verbs still name the speaker."""
    s = _statement(planlib.read_text(text, source="t"), quote)
    assert (s.speaker, s.outlet) == (speaker, outlet)


@pytest.mark.parametrize(
    ("text", "cited", "outlet"),
    [
        ("Axios reported, citing two U.S. officials.", "two U.S. officials", "Axios"),
        ("ABC News, citing officials familiar with the talks, reports that the clause went.",
         "officials familiar with the talks", "ABC News"),
        ("According to U.S. officials, the plan changed.", "U.S. officials", None),
        ("The plan changed, according to two U.S. officials.", "two U.S. officials", None),
        ("Kyiv balked, citing the Defence Ministry.", "the Defence Ministry", None),
        ("The talks stalled, citing security concerns.", None, None),
        ("The army pressed on, citing the capture of a town.", None, None),
    ],
)
def test_cited_is_a_source_and_abbreviations_do_not_end_it(text: str, cited: str | None, outlet: str | None) -> None:
    """What follows "citing" or "according to" is cited only when it reads as a source (a source
    noun, an institution, a person), and the full stop of U.S. does not cut it short."""
    (s,) = planlib.read_text(text, source="t").statements
    assert (s.cited, s.outlet) == (cited, outlet)


def test_role_phrase_refers_back_to_the_last_person_named() -> None:
    """'the head of state added' after a president is named is that president."""
    src = planlib.read_text('Vladimir Putin spoke on Friday. "We are ready," the head of state added.', source="t")
    assert _statement(src, "head of state").speaker == "Vladimir Putin"


def test_turn_reporting_a_named_persons_words_takes_that_speaker_but_not_in_questions() -> None:
    """Inside a correspondent's turn, 'Putin said …' is Putin's; 'How has Putin responded?' stays the asker's."""
    text = ("JANE ROE, HOST: How has Vladimir Putin responded?\n\n"
            "JOHN DOE, BYLINE: Vladimir Putin said the document could work. Talks go on.")
    src = planlib.read_text(text, source="t")
    assert _statement(src, "How has").speaker == "JANE ROE"
    assert _statement(src, "document could").speaker == "Vladimir Putin"
    assert _statement(src, "Talks go on").speaker == "JOHN DOE"
