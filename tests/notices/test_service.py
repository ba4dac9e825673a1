"""Publishing notices: complete, in every language, immutable, dated, classified and audited."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from lawful import audit, clock, notices, processing
from lawful.actor import Actor
from lawful.notices import NoticeKind
from tests.factories import make_notice, make_register
from tests.registers import label, minimal

NOW = datetime(2026, 5, 20, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _pinned_clock() -> object:
    with clock.pinned(NOW):
        yield


def _with_new_recipient(document: dict[str, Any]) -> dict[str, Any]:
    document["recipients"].append(
        {
            "key": "mailer",
            "name": "Mailchimp",
            "label": label("Newsletters"),
            "type": "processor",
            "countries": ["US"],
            "dpa_ref": "DPA-3",
            "transfer": {"mechanism": "adequacy_dpf", "reference": "(EU) 2023/1795"},
        }
    )
    document["activities"][0]["recipients"].append("mailer")
    return document


def test_the_first_version_is_in_force_today_in_every_language(db: Session, actor: Actor) -> None:
    org = make_register(db).organisation_id

    version = notices.publish(db, actor, organisation_id=org, kind=NoticeKind.PRIVACY)

    assert (version.number, version.effective_from, version.material) == (1, date(2026, 5, 20), False)
    assert sorted(version.texts) == ["en", "fr", "nl"]
    assert audit.latest(db, entity=version).action == "notice.published"  # type: ignore[union-attr]


def test_every_art13_element_is_in_every_language(db: Session, actor: Actor) -> None:
    version = make_notice(db, make_register(db).organisation_id)

    for lang, text in version.texts.items():
        missing = [e for e in notices.PRIVACY_ELEMENTS if f'data-element="{e}"' not in text]
        assert missing == [], lang


def test_a_notice_without_contact_channels_is_refused_naming_them(db: Session, actor: Actor) -> None:
    document = minimal()
    document["organisation"]["contact"] = []
    del document["organisation"]["registered_office"]
    org = make_register(db, document).organisation_id

    with pytest.raises(notices.NoticeIncomplete) as raised:
        notices.publish(db, actor, organisation_id=org, kind=NoticeKind.PRIVACY)

    assert {p["element"] for p in raised.value.problems} == {"controller_contact", "controller_identity"}
    assert notices.find_latest(db, organisation_id=org, kind=NoticeKind.PRIVACY) is None


def test_a_notice_with_a_missing_translation_is_refused(db: Session, actor: Actor) -> None:
    document = minimal()
    del document["activities"][0]["purpose"]["nl"]
    org = make_register(db, document).organisation_id

    with pytest.raises(notices.NoticeIncomplete) as raised:
        notices.publish(db, actor, organisation_id=org, kind=NoticeKind.PRIVACY)

    assert raised.value.problems == [
        {
            "element": "missing_language:nl",
            "path": "activities[customer_service].purpose",
            "message": "no nl text",
        }
    ]


def test_a_material_change_takes_effect_after_the_notice_period(db: Session, actor: Actor) -> None:
    org = make_register(db).organisation_id
    make_notice(db, org)
    make_register(db, _with_new_recipient(minimal()))

    version = notices.publish(
        db, actor, organisation_id=org, kind=NoticeKind.PRIVACY, changelog="Mailchimp added"
    )

    assert (version.number, version.material, version.effective_from) == (2, True, date(2026, 6, 19))
    assert version.classification["reasons"][0].startswith("activities[customer_service].recipients")
    assert notices.get_current(db, organisation_id=org, kind=NoticeKind.PRIVACY).number == 1


def test_a_material_change_effective_too_soon_is_refused(db: Session, actor: Actor) -> None:
    org = make_register(db).organisation_id
    make_notice(db, org)
    make_register(db, _with_new_recipient(minimal()))

    with pytest.raises(notices.LeadTimeTooShort):
        notices.publish(
            db,
            actor,
            organisation_id=org,
            kind=NoticeKind.PRIVACY,
            changelog="x",
            effective_from=date(2026, 6, 1),
        )


def test_a_typo_fix_is_editorial_and_in_force_at_once(db: Session, actor: Actor) -> None:
    org = make_register(db).organisation_id
    make_notice(db, org)
    document = minimal()
    for lang in ("fr", "en", "nl"):
        document["data_categories"][0]["label"][lang] += "s"
    make_register(db, document)

    version = notices.publish(db, actor, organisation_id=org, kind=NoticeKind.PRIVACY, changelog="wording")

    assert (version.material, version.effective_from) == (False, date(2026, 5, 20))
    assert notices.get_current(db, organisation_id=org, kind=NoticeKind.PRIVACY).number == 2


def test_a_new_version_needs_a_changelog(db: Session, actor: Actor) -> None:
    org = make_register(db).organisation_id
    make_notice(db, org)
    make_register(db, _with_new_recipient(minimal()))

    with pytest.raises(notices.ChangelogMissing):
        notices.publish(db, actor, organisation_id=org, kind=NoticeKind.PRIVACY)


def test_publishing_again_without_any_change_is_refused(db: Session, actor: Actor) -> None:
    org = make_register(db).organisation_id
    make_notice(db, org)

    with pytest.raises(notices.NoticeUnchanged):
        notices.publish(db, actor, organisation_id=org, kind=NoticeKind.PRIVACY, changelog="again")


def test_changing_only_the_authoritative_text_needs_translations_reviewed(db: Session, actor: Actor) -> None:
    org = make_register(db).organisation_id
    make_notice(db, org)
    document = minimal()
    document["activities"][0]["purpose"]["fr"] = "Répondre aux clients"
    make_register(db, document)

    with pytest.raises(notices.TranslationsStale, match=r"activities\[customer_service\].purpose.en"):
        notices.publish(db, actor, organisation_id=org, kind=NoticeKind.PRIVACY, changelog="fr wording")
    version = notices.publish(
        db,
        actor,
        organisation_id=org,
        kind=NoticeKind.PRIVACY,
        changelog="fr wording",
        translations_approved=True,
    )

    assert version.number == 2


def test_past_versions_stay_unchanged(db: Session, actor: Actor) -> None:
    org = make_register(db).organisation_id
    first = make_notice(db, org)
    original = dict(first.texts)
    make_register(db, _with_new_recipient(minimal()))

    notices.publish(
        db,
        actor,
        organisation_id=org,
        kind=NoticeKind.PRIVACY,
        changelog="Mailchimp",
        effective_from=date(2026, 7, 1),
    )

    again = notices.get_version(db, organisation_id=org, kind=NoticeKind.PRIVACY, number=1)
    assert again.texts == original
    assert "Mailchimp" not in again.texts["en"]


def test_the_cookie_notice_lists_each_tracker(db: Session, actor: Actor) -> None:
    org = make_register(db).organisation_id

    version = notices.publish(db, actor, organisation_id=org, kind=NoticeKind.COOKIES)

    assert 'data-tracker="lawful_consent"' in version.texts["nl"]
    assert "6 maanden" in version.texts["nl"] and "6\u00a0mois" in version.texts["fr"]


@pytest.mark.parametrize(
    ("scope", "promise"),
    [
        (None, {"en": "the data you gave us", "fr": "les données que vous nous avez fournies"}),
        (
            "all_under_contract_or_consent",
            {"en": "all the personal data we process", "nl": "alle persoonsgegevens die wij"},
        ),
    ],
)
def test_the_portability_right_promises_what_the_register_scope_carries(
    scope: str | None, promise: dict[str, str]
) -> None:
    document = minimal()
    if scope is not None:
        document["organisation"]["portability"] = {"scope": scope}
    register = processing.Register.model_validate(document)

    for lang, words in promise.items():
        text = notices.preview(register, NoticeKind.PRIVACY, lang)
        item = text.split('id="right-portability">', 1)[1].split("</li>", 1)[0]
        assert words in item, lang
