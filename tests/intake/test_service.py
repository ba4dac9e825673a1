"""Form submissions, staff intake and CSV imports: declared data only, provenance, all or nothing."""

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import audit, clock, consent, intake, keystore, subjects
from lawful.actor import PUBLIC, Actor
from lawful.intake import AgeGateRefusal
from lawful.subjects import Subject
from tests.factories import make_notice, make_register
from tests.registers import people

CONTACT = {"name": "Anne Dupont", "email": "anne@example.test", "message": "Une démo ?"}


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    org = make_register(db, people()).organisation_id
    make_notice(db, org)
    return org


def _submit(
    db: Session,
    keys: keystore.Keys,
    org: uuid.UUID,
    fields: dict[str, str],
    *,
    form: str = "contact",
    marketing: bool = False,
    lang: str = "fr",
) -> subjects.Collected:
    collected = intake.submit(
        db,
        PUBLIC,
        keys,
        organisation_id=org,
        form_key=form,
        fields=fields,
        marketing_consent=marketing,
        language=lang,
        channel=subjects.Channel.WEB_FORM,
    )
    assert collected is not None
    return collected


def _subjects(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Subject)) or 0


def test_a_submission_records_who_what_how_and_under_which_notice(
    db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    collected = _submit(db, keys, org, CONTACT)

    c = collected.collection
    assert (c.form_key, c.channel, c.activity, c.language, c.notice_number, c.register_number) == (
        "contact",
        "web_form",
        "request_followup",
        "fr",
        1,
        1,
    )
    assert sorted(collected.changed) == ["user.contact.email", "user.content.private", "user.name"]


def test_an_undeclared_field_is_refused_and_nothing_stored(
    db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    before = _subjects(db)

    with pytest.raises(intake.SubmissionInvalid) as raised:
        _submit(db, keys, org, CONTACT | {"birthdate": "2000-01-01"})

    assert raised.value.problems == [
        {"path": "fields.birthdate", "message": "this form does not collect this field", "rule": "undeclared"}
    ]
    assert _subjects(db) == before


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"name": "A", "message": "x"}, "fields.email"),
        (CONTACT | {"email": "not-an-address"}, None),
        (CONTACT | {"phone": "12"}, None),
        (CONTACT | {"name": "x" * 501}, "fields.name"),
    ],
)
def test_bad_fields_are_refused_naming_them(
    db: Session, keys: keystore.Keys, org: uuid.UUID, fields: dict[str, str], path: str | None
) -> None:
    before = _subjects(db)

    with pytest.raises((intake.SubmissionInvalid, subjects.InvalidIdentity)) as raised:
        _submit(db, keys, org, fields)

    if path:
        assert path in [p["path"] for p in raised.value.problems]
    assert _subjects(db) == before


def test_an_unticked_marketing_box_subscribes_no_one(
    db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    collected = _submit(db, keys, org, CONTACT, marketing=False)

    assert consent.history(db, subject_id=collected.subject.id) == []


def test_a_ticked_box_records_consent_with_the_text_shown(
    db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    collected = _submit(db, keys, org, CONTACT, marketing=True, lang="nl")

    [event] = consent.history(db, subject_id=collected.subject.id)
    assert (event.purpose, event.kind, event.language, event.element, event.notice_number) == (
        "newsletter",
        "given",
        "nl",
        "form:contact#marketing_consent",
        1,
    )
    assert len(event.text_hash) == 64


CONTEST = {"email": "kid@example.test", "country": "BE"}


@pytest.mark.parametrize(
    ("born", "country", "accepted"),
    [
        ("2013-06-02", "BE", False),  # twelve: one day short of 13 on 2026-06-01
        ("2013-06-01", "BE", True),  # thirteen that very day
        ("2012-01-01", "NL", False),  # fourteen, Dutch threshold 16
        ("2012-01-01", "BE", True),
    ],
)
def test_the_age_gate_refuses_children_and_keeps_nothing_but_a_count(
    db: Session, keys: keystore.Keys, org: uuid.UUID, born: str, country: str, accepted: bool
) -> None:
    before = _subjects(db)

    with clock.pinned(datetime(2026, 6, 1, 10, tzinfo=UTC)):
        if accepted:
            _submit(db, keys, org, CONTEST | {"born": born, "country": country}, form="contest")
        else:
            with pytest.raises(intake.UnderAge):
                _submit(db, keys, org, CONTEST | {"born": born, "country": country}, form="contest")

    refusals = db.scalar(select(func.sum(AgeGateRefusal.count))) or 0
    assert (_subjects(db) - before, refusals) == ((1, 0) if accepted else (0, 1))


def test_an_unknown_form_is_404(db: Session, keys: keystore.Keys, org: uuid.UUID) -> None:
    with pytest.raises(intake.UnknownForm):
        _submit(db, keys, org, CONTACT, form="survey")


CSV = "user.contact.email,user.name\nann@example.test,Ann\nbob@example.test,Bob\n"


def test_an_import_records_its_source_and_owes_art14_notices(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    result = intake.import_csv(
        db,
        actor,
        keys,
        organisation_id=org,
        text=CSV,
        activity="request_followup",
        subject_category="prospect",
        source=subjects.Source.AGGREGATOR,
        source_name="LeadCo",
    )

    assert (result.imported, result.created, result.suppressed) == (2, 2, 0)
    assert audit.latest(db, action="intake.imported") is not None
    assert len(subjects.art14_pending(db, organisation_id=org, due_by=clock.today().replace(year=2100))) == 2


def test_a_file_with_one_bad_row_imports_nothing_and_names_row_and_column(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    before = _subjects(db)

    with pytest.raises(intake.ImportRefused) as raised:
        intake.import_csv(
            db,
            actor,
            keys,
            organisation_id=org,
            text=CSV + "not-an-email,Cy\n",
            activity="request_followup",
            subject_category="prospect",
            source=subjects.Source.PARTNER,
            source_name="P",
        )

    assert raised.value.problems == [
        {"path": "row 4, column 'user.contact.email'", "message": "not a valid email address"}
    ]
    assert _subjects(db) == before


def test_an_unknown_column_refuses_the_file(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    with pytest.raises(intake.ImportRefused) as raised:
        intake.import_csv(
            db,
            actor,
            keys,
            organisation_id=org,
            text="user.contact.email,religion\na@example.test,x\n",
            activity="request_followup",
            subject_category="prospect",
            source=subjects.Source.PARTNER,
            source_name="P",
        )

    assert raised.value.problems[0]["path"] == "column 'religion'"


def test_suppressed_addresses_are_dropped_and_counted(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    consent.suppress(
        db,
        actor,
        organisation_id=org,
        lookup=consent.suppression_lookup(keys, "bob@example.test"),
        reason="unsubscribed",
    )

    result = intake.import_csv(
        db,
        actor,
        keys,
        organisation_id=org,
        text=CSV,
        activity="request_followup",
        subject_category="prospect",
        source=subjects.Source.PARTNER,
        source_name="P",
    )

    assert (result.imported, result.suppressed) == (1, 1)


def test_an_update_link_is_single_use(db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor) -> None:
    person = _submit(db, keys, org, CONTACT).subject
    link = intake.create_update_link(db, actor, subject_id=person.id)

    intake.apply_update(db, actor, keys, link_id=link.id, values={"user.name": "Anne Dupont-Martin"})

    assert [v.value for v in subjects.values(db, keys, subject_id=person.id, categories={"user.name"})] == [
        "Anne Dupont-Martin"
    ]
    with pytest.raises(intake.LinkUsed):
        intake.apply_update(db, actor, keys, link_id=link.id, values={"user.name": "Again"})
