"""A refused second step of the privacy center comes back as the same step (issue 21, R-119): what the
person typed kept, each error beside the field that caused it (aria-invalid, aria-describedby), a summary
at the top linking to the fields, in the person's language, 422; nothing is written and no mail is sent."""

import re
import time
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import dsr, i18n, keystore
from lawful.audit.models import AuditEntry
from lawful.mail.outbox import OutboxMessage
from tests.conftest import Mailbox
from tests.factories import make_notice, make_person, make_register
from tests.registers import people


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    org = make_register(db, people()).organisation_id
    make_notice(db, org)
    return org


def _written(db: Session) -> tuple[int | None, ...]:
    return tuple(
        db.scalar(select(func.count()).select_from(model))
        for model in (dsr.Request, AuditEntry, OutboxMessage)
    )


def _lang(page: str) -> str:
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


def _control(page: str, name: str) -> str:
    found = re.search(rf'<(?:input|select|textarea|fieldset)[^>]*\bid="{name}"[^>]*>', page)
    assert found is not None, name
    return found.group(0)


def _text(page: str) -> str:
    return page.replace("&#39;", "'").replace("&amp;", "&")


def assert_beside(page: str, name: str, message: str, *, control: str | None = None) -> None:
    """The error's text has its id, the control is invalid and described by it, the summary links to it."""
    tag = _control(page, control or name)
    assert 'aria-invalid="true"' in tag and f"e-{name}" in tag.split('aria-describedby="')[1].split('"')[0]
    assert f'<p class="error" id="e-{name}">{message}</p>' in _text(page)
    assert re.search(r'<div class="error-summary" id="error-summary" role="alert"[^>]*autofocus>', page)
    assert f'<a href="#{control or name}">' in page


def test_a_rectification_refused_for_a_field_comes_back_beside_the_field_in_the_persons_language(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, smtp: Mailbox
) -> None:
    make_person(
        db,
        keys,
        org,
        email="facture@example.test",
        category="customer",
        activity="invoicing",
        values={"user.name": "Oud"},
    )
    before = _written(db)
    form = {"email": "facture@example.test", "lang": "nl", "kinds": ["rectification"]}

    refused = client.post(
        "/rights", data=form | {"field": "user.name", "value": "Nieuw", "message": "Mijn naam"}
    )

    assert refused.status_code == 422 and _lang(refused.text) == "nl"
    assert_beside(refused.text, "field", i18n.t("public_error.code.frozen_data", "nl"))
    assert '<option value="user.name" selected>' in refused.text
    assert 'value="Nieuw"' in refused.text and ">Mijn naam</textarea>" in refused.text
    assert 'value="facture@example.test"' in refused.text
    assert i18n.t("center.error.title", "nl") in refused.text
    assert i18n.t("error.title", "nl") not in refused.text  # not the separate error page
    time.sleep(0.3)
    assert _written(db) == before and smtp.messages == []


def test_an_empty_address_comes_back_beside_the_email_field_with_the_rest_kept(
    client: TestClient, db: Session, org: uuid.UUID, smtp: Mailbox
) -> None:
    before = _written(db)

    refused = client.post(
        "/rights",
        data={"email": "", "lang": "fr", "kinds": ["erasure", "access"], "message": "Tout effacer"},
    )

    assert refused.status_code == 422 and _lang(refused.text) == "fr"
    assert_beside(refused.text, "email", i18n.t("center.error.email.missing", "fr"))
    assert re.findall(r'name="kinds" value="(\w+)"', refused.text) == ["access", "erasure"]
    assert ">Tout effacer</textarea>" in refused.text
    assert "<title>Erreur : " in refused.text
    assert _written(db) == before and smtp.messages == []


@pytest.mark.parametrize(
    ("form", "name", "control", "key"),
    [
        (
            {"kinds": ["rectification"], "field": "user.shoe_size", "value": "44"},
            "field",
            None,
            "center.error.not_in_register",
        ),
        (
            {"kinds": ["objection"], "scope": "legitimate_interest", "activity": "mind_reading"},
            "activity",
            None,
            "center.error.not_in_register",
        ),
        (
            {"kinds": ["portability"], "transmit_to": "http://x"},
            "transmit_to",
            None,
            "center.error.bad_destination",
        ),
        (
            {"kinds": ["restriction"], "ground": "boredom"},
            "ground",
            "ground-accuracy_contested",
            "public_error.rule.choice",
        ),
        (
            {"kinds": ["access"], "email": "jean.dupont-at-example"},
            "email",
            None,
            "public_error.code.invalid_identity",
        ),
        ({"kinds": ["access"], "message": "x" * 5001}, "message", None, "field_error.too_long"),
    ],
)
def test_each_refusal_is_told_beside_its_own_field_and_nothing_is_written(
    client: TestClient,
    db: Session,
    org: uuid.UUID,
    form: dict[str, object],
    name: str,
    control: str | None,
    key: str,
) -> None:
    before = _written(db)

    refused = client.post("/rights", data={"email": "x@example.test", "lang": "en"} | form)

    assert refused.status_code == 422
    if control is None:
        assert_beside(refused.text, name, i18n.t(key, "en"))
    else:  # a group of radios: the fieldset is described by the error, the summary links to the first
        assert f'<p class="error" id="e-{name}">{i18n.t(key, "en")}</p>' in _text(refused.text)
        assert f'<a href="#{control}">' in refused.text
    assert _written(db) == before


def test_no_right_that_exists_brings_back_the_first_question(
    client: TestClient, db: Session, org: uuid.UUID
) -> None:
    before = _written(db)

    refused = client.post("/rights", data={"email": "me@example.test", "lang": "nl", "kinds": ["telepathy"]})

    assert refused.status_code == 422 and 'id="e-right"' in refused.text and _lang(refused.text) == "nl"
    assert _written(db) == before


def test_a_body_that_is_not_a_form_still_gets_the_error_page(client: TestClient, org: uuid.UUID) -> None:
    answer = client.post("/rights", json={"email": "me@example.test"})

    assert answer.status_code == 422 and "<code>kinds</code>" in answer.text
