"""Whom a material notice change concerns (R-117), from its material paths and the two registers."""

from datetime import date
from typing import Any

import pytest

from lawful.notices.changes import Concerned, concerned, mail_by
from lawful.notices.changes.rules import language

REGISTER: dict[str, Any] = {
    "activities": [
        {"key": "shop", "recipients": ["host"], "retention": "r5", "data_categories": ["user.name"], "subjects": ["customer"]},
        {"key": "news", "recipients": ["host", "mailer"], "retention": "r1", "data_categories": ["user.contact.email"], "subjects": ["prospect"]},
    ]
}  # fmt: skip


@pytest.mark.parametrize(
    ("reasons", "expected"),
    [
        (["activities[news].purpose.nl"], Concerned(False, ("news",))),
        (
            ["activities[loyalty]"],
            Concerned(False, ("loyalty",)),
        ),  # a new purpose: its people, once collected
        (["recipients[mailer]"], Concerned(False, ("news",))),
        (["recipients[host].transfer.mechanism"], Concerned(False, ("news", "shop"))),
        (["retention_rules[r5].duration"], Concerned(False, ("shop",))),
        (["data_categories[user.contact.email]"], Concerned(False, ("news",))),
        (["subject_categories[customer]"], Concerned(False, ("shop",))),
        (["organisation.portability.scope"], Concerned(True, ())),
        (["organisation.legal_name", "activities[news].purpose.en"], Concerned(True, ())),
        ([], Concerned(False, ())),
    ],
)
def test_a_change_concerns_the_people_of_the_activities_it_touches(
    reasons: list[str], expected: Concerned
) -> None:
    assert concerned(reasons, REGISTER, REGISTER) == expected


def test_a_recipient_removed_concerns_the_activities_that_used_it_before() -> None:
    after = {"activities": [{"key": "news", "recipients": ["host"]}]}

    assert concerned(["recipients[mailer]"], REGISTER, after) == Concerned(False, ("news",))


@pytest.mark.parametrize(
    ("effective", "last_day"), [(date(2026, 7, 1), date(2026, 6, 30)), (date(2026, 3, 1), date(2026, 2, 28))]
)
def test_the_mail_leaves_the_day_before_at_the_latest(effective: date, last_day: date) -> None:
    assert mail_by(effective) == last_day


@pytest.mark.parametrize(("spoken", "expected"), [("nl", "nl"), ("de", "fr"), (None, "fr")])
def test_each_person_reads_their_language_or_the_authoritative_one(spoken: str | None, expected: str) -> None:
    assert language(spoken, ["fr", "en", "nl"], "fr") == expected
