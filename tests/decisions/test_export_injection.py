"""A visitor's value never becomes a live formula in a personal-data export (OWASP CSV injection)."""

import csv
import io
import uuid

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import dsr, keystore
from lawful.actor import Actor
from tests.dsr.requests import organisation, run, verified
from tests.factories import answer_files, bearer, make_api_key, make_person, make_register
from tests.registers import people

LINK = '=HYPERLINK("http://x","y")'


def test_a_bulk_export_quotes_a_visitors_formula_and_keeps_plain_values(
    client: TestClient, db: Session, keys: keystore.Keys
) -> None:
    org: uuid.UUID = make_register(db, people()).organisation_id
    person = make_person(
        db, keys, org, email="f@example.test", values={"user.name": LINK, "user.contact.phone_number": "-12"}
    )
    token = make_api_key(db, org, ["personal_data:read"])
    fields = ["user.contact.email", "user.contact.phone_number", "user.name"]

    created = client.post(
        "/api/exports", json={"purpose": "request_followup", "fields": fields}, headers=bearer(token)
    )
    response = client.get(f"/api/exports/{created.json()['id']}/file", headers=bearer(token))

    rows = list(csv.reader(io.StringIO(response.text)))
    assert created.status_code == 201 and response.status_code == 200
    assert rows == [["subject_id", *fields], [str(person.subject.id), "f@example.test", "-12", "'" + LINK]]


def test_the_portability_csv_quotes_a_visitors_formula(
    db: Session, keys: keystore.Keys, actor: Actor
) -> None:
    org = organisation(db)
    make_person(db, keys, org, email="port@example.test", values={"user.name": LINK})
    request = verified(db, actor, keys, org, ["portability"], "port@example.test", language="en")

    run(db, actor, keys, request)

    files = answer_files(db, keys, dsr.steps.download_token(keys, request.id))
    values = {
        r["category"]: r["value"] for r in csv.DictReader(io.StringIO(files["portability.csv"].decode()))
    }
    assert values["user.name"] == "'" + LINK and values["user.contact.email"] == "port@example.test"
