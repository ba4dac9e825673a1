"""Material or editorial (R-116), the notice period (R-117) and stale translations (R-120)."""

from datetime import date

import pytest

from lawful.notices import NoticeKind, classify
from lawful.notices.errors import LeadTimeTooShort, OverrideReasonMissing
from lawful.notices.rules import Classification, ensure_effective_date, override, stale_translations
from lawful.processing import Change


def change(path: str, op: str = "changed") -> Change:
    return Change(op=op, path=path, before="a", after="b")


@pytest.mark.parametrize(
    ("path", "kind", "material"),
    [
        ("recipients[mailchimp]", NoticeKind.PRIVACY, True),
        ("activities[newsletter].legal_basis", NoticeKind.PRIVACY, True),
        ("activities[newsletter].data_categories", NoticeKind.PRIVACY, True),
        ("retention_rules[invoices].duration", NoticeKind.PRIVACY, True),
        ("recipients[ga].transfer.mechanism", NoticeKind.PRIVACY, True),
        ("organisation.legal_name", NoticeKind.PRIVACY, True),
        ("organisation.contact", NoticeKind.PRIVACY, True),
        ("activities[newsletter].purpose.en", NoticeKind.PRIVACY, True),
        ("activities[newsletter].purpose.nl", NoticeKind.PRIVACY, True),
        ("activities[x].legitimate_interest.interest.fr", NoticeKind.PRIVACY, True),
        ("organisation.portability.scope", NoticeKind.PRIVACY, True),
        ("activities[newsletter].name.en", NoticeKind.PRIVACY, False),
        ("data_categories[user.name].label.fr", NoticeKind.PRIVACY, False),
        ("security_measures[backup].last_tested", NoticeKind.PRIVACY, False),
        ("activities[x].legitimate_interest.reviewer", NoticeKind.PRIVACY, False),
        ("organisation.website", NoticeKind.PRIVACY, False),
        ("trackers[ga]", NoticeKind.PRIVACY, False),
        ("trackers[ga]", NoticeKind.COOKIES, True),
        ("trackers[ga].duration", NoticeKind.COOKIES, True),
        ("trackers[ga].purpose.nl", NoticeKind.COOKIES, False),
        ("activities[newsletter].legal_basis", NoticeKind.COOKIES, False),
    ],
)
def test_changes_are_classified_from_the_register_diff(path: str, kind: NoticeKind, material: bool) -> None:
    assert classify([change(path)], kind).material is material


def test_no_change_is_editorial() -> None:
    assert classify([], NoticeKind.PRIVACY) == Classification(material=False, reasons=())


def test_overriding_the_classification_needs_a_reason() -> None:
    with pytest.raises(OverrideReasonMissing):
        override(Classification(material=True, reasons=("x",)), material=False, reason=" ")


def test_an_override_with_a_reason_is_recorded() -> None:
    result = override(Classification(material=True, reasons=("x",)), material=False, reason="typo only")

    assert (result.material, result.overridden, result.reasons[-1]) == (False, True, "override: typo only")


TODAY = date(2026, 5, 20)


@pytest.mark.parametrize(
    ("effective", "material", "urgent", "allowed"),
    [
        (date(2026, 5, 20), False, None, True),  # editorial: today
        (date(2026, 5, 19), False, None, False),  # never retroactive
        (date(2026, 6, 19), True, None, True),  # exactly 30 days ahead
        (date(2026, 6, 18), True, None, False),  # one day short
        (date(2026, 7, 1), True, None, True),
        (date(2026, 5, 21), True, "court order to stop a processing now", True),
    ],
)
def test_material_changes_need_thirty_days_notice(
    effective: date, material: bool, urgent: str | None, allowed: bool
) -> None:
    if allowed:
        ensure_effective_date(effective, TODAY, material=material, lead_days=30, urgent_reason=urgent)
    else:
        with pytest.raises(LeadTimeTooShort):
            ensure_effective_date(effective, TODAY, material=material, lead_days=30, urgent_reason=urgent)


def test_a_changed_authoritative_text_marks_unchanged_translations_stale() -> None:
    changes = [change("activities[a].purpose.fr"), change("activities[a].purpose.en")]

    assert stale_translations(changes, "fr", ["fr", "en", "nl"]) == ["activities[a].purpose.nl"]


def test_a_changed_translation_alone_marks_nothing_stale() -> None:
    assert stale_translations([change("activities[a].purpose.nl")], "fr", ["fr", "en", "nl"]) == []
