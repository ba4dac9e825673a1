"""Telling the people affected (Art. 34) without a database: the decision that allows letters, how each
person is reached, the language, the words needed."""

from dataclasses import dataclass

import pytest

from lawful.breaches.letters import rules


@dataclass
class Decision:
    audience: str
    notify: bool
    exemption: str | None = None
    public_notice_url: str | None = None


def test_letters_need_a_decision_to_tell_the_people() -> None:
    assert [p["path"] for p in rules.decision_problems([Decision("authority", True)])] == ["decision"]


def test_the_latest_decision_on_the_people_counts() -> None:
    told_then_exempt = [Decision("people", True), Decision("people", False, exemption="34(3)(a)")]
    exempt_then_told = [Decision("people", False, exemption="34(3)(a)"), Decision("people", True)]

    assert "34(3)(a)" in rules.decision_problems(told_then_exempt)[0]["message"]
    assert rules.decision_problems(exempt_then_told) == []


@pytest.mark.parametrize(
    ("erased", "email", "notice", "expected"),
    [
        (False, "a@example.test", False, rules.Way("email", "queued")),
        (True, "a@example.test", False, rules.Way("none", "skipped", "erased")),
        (False, None, False, rules.Way("post", "printable", "no_address")),
        (False, None, True, rules.Way("none", "skipped", "public_notice")),
        (False, "a@example.test", True, rules.Way("email", "queued")),  # the notice is for the unreachable
        (True, None, False, rules.Way("none", "skipped", "erased")),
    ],
)
def test_each_person_is_reached_by_email_on_paper_by_the_public_notice_or_not_at_all_once_erased(
    erased: bool, email: str | None, notice: bool, expected: rules.Way
) -> None:
    assert rules.way(erased=erased, email=email, public_notice=notice) == expected


@pytest.mark.parametrize(
    ("exemption", "url", "expected"),
    [
        ("34(3)(c)", "https://acme.example.test/incident", True),
        ("34(3)(c)", " ", False),
        ("34(3)(a)", "https://x.test", False),
        (None, None, False),
    ],
)
def test_only_a_published_art_34_3_c_notice_replaces_the_letters_on_paper(
    exemption: str | None, url: str | None, expected: bool
) -> None:
    assert rules.public_notice(Decision("people", True, exemption, url)) is expected


@pytest.mark.parametrize(("spoken", "expected"), [("nl", "nl"), ("de", "fr"), (None, "fr")])
def test_a_person_is_written_to_in_their_language_when_the_organisation_writes_in_it(
    spoken: str | None, expected: str
) -> None:
    assert rules.language(spoken, ["fr", "nl", "en"], "fr") == expected


def test_each_language_the_people_read_needs_its_words() -> None:
    assert [p["path"] for p in rules.missing_texts({"fr", "nl", "en"}, {"fr"})] == ["texts.en", "texts.nl"]


def test_the_counts_name_no_one() -> None:
    ways = [
        ("1", rules.way(erased=False, email="a@x.test", public_notice=False)),
        ("2", rules.way(erased=True, email=None, public_notice=False)),
    ]

    assert rules.counted(ways) == {"email": 1, "post": 0, "skipped": {"erased": 1}}
