"""The example registers of the four seed organisations: valid, publishable (but Kresoft), complete."""

import pytest
from sqlalchemy.orm import Session

from lawful import notices, processing
from lawful.actor import Actor
from lawful.notices import NoticeKind
from tests.registers import EXAMPLES, example

PUBLISHABLE = ["crms", "crm", "qualifio"]


@pytest.mark.parametrize("name", [*PUBLISHABLE, "kresoft"])
def test_each_example_passes_check_without_errors_or_warnings(name: str) -> None:
    register, problems = processing.check(example(name))

    assert register is not None
    assert problems == []


def test_there_is_one_example_per_seed_organisation() -> None:
    assert sorted(p.stem for p in EXAMPLES.glob("*.yaml")) == ["crm", "crms", "kresoft", "qualifio"]


@pytest.mark.parametrize("name", PUBLISHABLE)
@pytest.mark.parametrize("kind", list(NoticeKind))
def test_each_example_publishes_every_element_in_every_language(
    db: Session, actor: Actor, name: str, kind: NoticeKind
) -> None:
    version, _ = processing.apply(db, actor, text=example(name), source=name)
    elements = notices.PRIVACY_ELEMENTS if kind is NoticeKind.PRIVACY else notices.COOKIE_ELEMENTS

    published = notices.publish(db, actor, organisation_id=version.organisation_id, kind=kind)

    assert sorted(published.texts) == ["en", "fr", "nl"]
    for lang, text in published.texts.items():
        assert [e for e in elements if f'data-element="{e}"' not in text] == [], (name, lang)


def test_kresoft_is_refused_at_publication_naming_what_is_missing(db: Session, actor: Actor) -> None:
    version, _ = processing.apply(db, actor, text=example("kresoft"), source="kresoft")

    with pytest.raises(notices.NoticeIncomplete) as raised:
        notices.publish(db, actor, organisation_id=version.organisation_id, kind=NoticeKind.PRIVACY)

    assert {(p["element"], p["path"]) for p in raised.value.problems} == {
        ("controller_identity", "organisation.registered_office"),
        ("controller_contact", "organisation.contact"),
    }
    assert "controller_contact" in raised.value.detail


def test_the_kresoft_notice_names_the_apd_and_never_the_old_commission() -> None:
    register, _ = processing.check(example("kresoft"))
    assert register is not None

    dutch = notices.preview(register, NoticeKind.PRIVACY, "nl")

    assert "Gegevensbeschermingsautoriteit" in dutch and "Drukpersstraat 35" in dutch
    assert "Commissie voor de Bescherming" not in dutch


def test_crms_names_the_us_transfer_and_its_mechanism() -> None:
    register, _ = processing.check(example("crms"))
    assert register is not None

    english = notices.preview(register, NoticeKind.PRIVACY, "en")

    assert "United States — EU-US Data Privacy Framework" in english


def test_qualifio_sends_hubspot_only_the_four_whitelisted_fields() -> None:
    register, _ = processing.check(example("qualifio"))
    assert register is not None

    hubspot = next(r for r in register.recipients if "hubspot" in r.key)

    assert sorted(hubspot.fields) == sorted(
        ["user.contact.email", "user.name", "user.demographic.language", "user.contact.address.country"]
    )


def test_crms_french_prevails_and_the_english_text_says_so(db: Session, actor: Actor) -> None:
    version, _ = processing.apply(db, actor, text=example("crms"), source="crms")
    published = notices.publish(db, actor, organisation_id=version.organisation_id, kind=NoticeKind.PRIVACY)

    page = notices.page(published, "en", "SRL CRMS SOLUTIONS")

    assert published.authoritative_language == "fr"
    assert "the French version prevails" in page and 'href="/privacy/versions/1?lang=fr"' in page
