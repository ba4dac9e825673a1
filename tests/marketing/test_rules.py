"""The ePrivacy condition for marketing email (R-34), audience uploads (R-40) and phone screening (R-41),
without a database."""

import hashlib
from datetime import UTC, datetime
from typing import Any

import pytest

from lawful.errors import LawfulError
from lawful.marketing import (
    AudienceUploadDisabled,
    ConsentRequired,
    DncmFileInvalid,
    RecipientRefused,
)
from lawful.marketing.rules import (
    dialable,
    dncm_rows,
    dncm_stale,
    ensure_audience_upload,
    has_unsubscribe,
    match_value,
    screen,
)


def test_a_template_without_its_unsubscribe_link_is_refused() -> None:
    assert has_unsubscribe("News… {unsubscribe_url}", None)
    assert not has_unsubscribe("News without a way out", None)


PLATFORM: dict[str, Any] = {
    "recipient": "meta",
    "declared": True,
    "enabled": True,
    "recipient_type": "joint_controller",
    "dpa_ref": None,
    "joint_arrangement": True,
    "listed": True,
    "bases": ["consent"],
}


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"declared": False, "enabled": False}, AudienceUploadDisabled),
        ({"enabled": False}, AudienceUploadDisabled),
        ({"joint_arrangement": False}, RecipientRefused),
        ({"recipient_type": "processor"}, RecipientRefused),  # a processor without a DPA
        ({"recipient_type": "independent_controller"}, RecipientRefused),
        ({"listed": False}, RecipientRefused),
        ({"bases": ["legitimate_interests"]}, ConsentRequired),
        ({"bases": ["consent", "legitimate_interests"]}, ConsentRequired),
        ({"bases": ["contract"]}, ConsentRequired),  # the soft opt-in rests on the customer contract
    ],
)
def test_an_audience_upload_is_refused_unless_enabled_arranged_and_consent_based(
    change: dict[str, Any], error: type[LawfulError]
) -> None:
    with pytest.raises(error, match=r"^(recipient|purpose): "):
        ensure_audience_upload(**(PLATFORM | change))


@pytest.mark.parametrize(
    "change",
    [{}, {"recipient_type": "processor", "dpa_ref": "DPA-1", "joint_arrangement": False}],
)
def test_an_enabled_platform_under_an_arrangement_with_a_consent_purpose_may_receive(
    change: dict[str, Any],
) -> None:
    ensure_audience_upload(**(PLATFORM | change))


@pytest.mark.parametrize(
    ("category", "value", "normal"),
    [
        ("user.contact.email", "  Anne.Doe@Example.TEST ", "anne.doe@example.test"),
        ("user.name", "Anne  Doe", "anne doe"),
        ("user.contact.phone_number", "+32 470 00 00 01", "+32470000001"),
    ],
)
def test_platforms_match_on_the_sha256_of_the_normalised_value(
    category: str, value: str, normal: str
) -> None:
    assert match_value(category, value, hashed=False) == normal
    assert match_value(category, value, hashed=True) == hashlib.sha256(normal.encode()).hexdigest()


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("+32470000001\n0470000002\n", [(1, "+32470000001"), (2, "0470000002")]),
        ("# Do Not Call Me\n\n+32470000001\r\n", [(3, "+32470000001")]),
        ("numero;date\n0470000001;2026-12-01\n", [(2, "0470000001")]),
        ("id,Number\n7,+32470000001\n", [(2, "+32470000001")]),
        ("\ufeff+32470000001\n", [(1, "\ufeff+32470000001")]),  # the CLI strips a BOM when reading
    ],
)
def test_the_register_file_is_a_plain_list_or_a_csv_with_a_header(
    text: str, rows: list[tuple[int, str]]
) -> None:
    assert list(dncm_rows(text)) == rows


def test_a_csv_row_without_the_number_column_is_named() -> None:
    with pytest.raises(DncmFileInvalid, match="row 3"):
        list(dncm_rows("id,number\n1,+32470000001\n2\n"))


@pytest.mark.parametrize(
    ("raw", "dialled"),
    [
        ("32470000001", "+32470000001"),  # +32 written without the plus
        ("3221234567", "+3221234567"),
        ("0470000001", "0470000001"),
        ("+32470000001", "+32470000001"),
        ("324700", "324700"),  # too short to be +32: left for the parser to refuse
    ],
)
def test_belgian_numbers_written_without_the_plus_are_read_as_international(raw: str, dialled: str) -> None:
    assert dialable(raw) == dialled


@pytest.mark.parametrize(
    ("lookup", "reason"),
    [("a", "suppressed"), ("b", "do_not_call_me"), ("both", "suppressed"), ("c", None)],
)
def test_a_number_is_screened_against_the_exclusion_list_then_the_register(
    lookup: str, reason: str | None
) -> None:
    assert screen(lookup, dncm={"b", "both"}, suppressed={"a", "both"}) == reason


@pytest.mark.parametrize(
    ("imported", "now", "stale"),
    [
        (datetime(2026, 1, 31, 9, tzinfo=UTC), datetime(2026, 3, 2, 9, tzinfo=UTC), False),  # 30 days exactly
        (datetime(2026, 1, 31, 9, tzinfo=UTC), datetime(2026, 3, 2, 9, 0, 1, tzinfo=UTC), True),
        (datetime(2028, 2, 1, tzinfo=UTC), datetime(2028, 3, 2, tzinfo=UTC), False),  # leap year: 30 days
        (datetime(2028, 2, 1, tzinfo=UTC), datetime(2028, 3, 3, tzinfo=UTC), True),
        (
            datetime(2026, 3, 1, tzinfo=UTC),
            datetime(2026, 3, 31, 1, tzinfo=UTC),
            True,
        ),  # across the DST change
    ],
)
def test_a_register_imported_longer_ago_than_its_update_period_is_stale(
    imported: datetime, now: datetime, stale: bool
) -> None:
    assert dncm_stale(imported, refresh_days=30, now=now) is stale
