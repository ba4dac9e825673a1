"""The APD dossier of a case whose scope was computed (R-96): the APD's sections in French, Dutch and
English with the approximate numbers and categories, the register's contact point and the APD's current
details (R-69), every item not yet known marked "to follow"."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import audit, clock, keystore
from lawful.actor import Actor
from lawful.breaches import dossier, scope
from lawful.config import Settings
from tests.breaches.affected import ACTOR, AWARE, export_to_hubspot, make_case, make_people

IN_TIME = AWARE + timedelta(hours=30)


def _scoped(db: Session, keys: keystore.Keys, settings: Settings, org: uuid.UUID, **facts: object) -> None:
    make_people(db, keys, org, 5, consented=True)
    upload = export_to_hubspot(db, keys, org)
    make_case(db, org, **facts)
    scope.compute(
        db, ACTOR, keys, settings, organisation_id=org, reference="B-1",
        scope=scope.ScopeCreate(exports=[upload.id]),
    )  # fmt: skip


def test_the_french_dossier_gives_the_numbers_and_categories_in_french(
    db: Session, keys: keystore.Keys, settings: Settings, org: uuid.UUID
) -> None:
    _scoped(db, keys, settings, org, nature=["confidentiality"])

    made = dossier.build(db, organisation_id=org, reference="B-1", lang="fr")

    assert (made["approx_subjects"], made["approx_records"]) == (5, 10)
    assert made["categories"]["data"] == [
        {"key": "user.contact.email", "label": "Email address (fr)", "approx": 5},
        {"key": "user.name", "label": "Name (fr)", "approx": 5},
    ]
    assert made["nature"]["labels"] == ["confidentialité (divulgation ou accès non autorisés)"]
    assert made["authority"]["name"] == "Autorité de protection des données"
    assert made["contact"] == {
        "role": "privacy_contact",
        "name": "Acme SRL",
        "email": "privacy@acme.example.test",
        "phone": None,
    }


def test_what_is_not_known_yet_is_marked_to_follow(db: Session, org: uuid.UUID) -> None:
    make_case(db, org)

    made = dossier.build(db, organisation_id=org, reference="B-1", lang="nl")

    for item in (
        "nature",
        "categories",
        "approx_subjects",
        "consequences",
        "measures",
        "communication",
        "cross_border",
    ):
        assert made[item] == {"to_follow": True}, item
    assert made["to_follow"] == sorted(
        ["approx_records", "approx_subjects", "categories", "communication", "consequences", "cross_border",
         "measures", "nature", "systems"]
    )  # fmt: skip


def test_the_printed_dossier_names_the_apd_as_it_is_today_and_never_the_privacy_commission(
    db: Session, keys: keystore.Keys, settings: Settings, org: uuid.UUID
) -> None:
    _scoped(db, keys, settings, org)

    pages = {
        lang: dossier.printed.html(dossier.build(db, organisation_id=org, reference="B-1", lang=lang))
        for lang in ("fr", "nl", "en")
    }

    assert "Rue de la Presse 35" in pages["fr"] and "Drukpersstraat 35" in pages["nl"]
    assert "contact@apd-gba.be" in pages["en"] and "à suivre" in pages["fr"] and "volgt nog" in pages["nl"]
    assert not any("Commission" in p or "Commissie" in p for p in pages.values())


def test_the_notification_is_refused_naming_each_required_item_missing(db: Session, org: uuid.UUID) -> None:
    make_case(db, org, nature=["confidentiality"], consequences="", measures_taken="Passwords reset.")

    with pytest.raises(dossier.DossierRefused) as refused, clock.pinned(IN_TIME):
        dossier.notify_authority(db, ACTOR, organisation_id=org, reference="B-1", lang="fr")

    assert [p["path"] for p in refused.value.problems] == [
        "categories",
        "approx_subjects",
        "approx_records",
        "consequences",
    ]


def test_items_declared_to_follow_let_the_notification_go_and_it_is_on_record(
    db: Session, keys: keystore.Keys, settings: Settings, org: uuid.UUID
) -> None:
    _scoped(db, keys, settings, org, nature=["confidentiality"], measures_proposed="Encrypt exports.")

    with clock.pinned(IN_TIME):
        made = dossier.notify_authority(
            db, ACTOR, organisation_id=org, reference="B-1", lang="en", to_follow=["consequences"]
        )

    assert made["consequences"] == {"to_follow": True}
    assert made["measures"] == {"taken": {"to_follow": True}, "proposed": "Encrypt exports."}
    entry = db.scalars(
        select(audit.AuditEntry).where(audit.AuditEntry.action == "breach.dossier_produced")
    ).one()
    assert (entry.action, entry.data["to_follow"]) == (
        "breach.dossier_produced",
        ["communication", "consequences", "systems"],
    )


def test_a_late_notification_needs_the_reason_for_the_delay(
    db: Session, keys: keystore.Keys, settings: Settings, org: uuid.UUID
) -> None:
    """Aware 2026-03-04 09:00; produced now (later than the 72 hours in these tests' clock)."""
    _scoped(
        db,
        keys,
        settings,
        org,
        nature=["availability"],
        consequences="None for now.",
        measures_taken="Restored.",
    )

    with pytest.raises(dossier.DossierRefused) as refused:
        dossier.notify_authority(db, ACTOR, organisation_id=org, reference="B-1", lang="fr")
    made = dossier.notify_authority(
        db,
        ACTOR,
        organisation_id=org,
        reference="B-1",
        lang="fr",
        late_reason="The export's loss came to light late.",
    )

    assert [p["path"] for p in refused.value.problems] == ["late_reason"]
    assert made["timing"]["late"] is True and made["timing"]["late_reason"].startswith("The export")


def test_a_processors_case_is_notified_only_on_the_client_controllers_instruction(
    db: Session, org: uuid.UUID
) -> None:
    make_case(db, org, client_controller="Client SA", nature=["confidentiality"])

    with pytest.raises(dossier.DossierRefused) as refused:
        dossier.notify_authority(
            db, ACTOR, organisation_id=org, reference="B-1", lang="fr", to_follow=list(dossier.rules.REQUIRED)
        )

    assert [p["path"] for p in refused.value.problems] == ["on_instruction"]
    made = dossier.notify_authority(
        db, ACTOR, organisation_id=org, reference="B-1", lang="fr", to_follow=list(dossier.rules.REQUIRED),
        on_instruction=True, late_reason="Instructed today.",
    )  # fmt: skip
    assert made["reference"] == "B-1"


def test_the_cross_border_section_counts_the_peoples_countries(
    db: Session, keys: keystore.Keys, settings: Settings, org: uuid.UUID, actor: Actor
) -> None:
    _scoped(db, keys, settings, org)

    made = dossier.build(db, organisation_id=org, reference="B-1", lang="en")

    assert made["cross_border"]["countries"] == {"BE": 2, "FR": 3}
    assert made["cross_border"]["other_eea_states"] == ["FR"]
