"""The soft opt-in's refusal on a public form (R-34, T-16): a customer's address given through an order form
that showed the unticked refusal qualifies for the soft opt-in; one given where the form did not show it,
or showed an older text, does not; a ticked refusal excludes the address at once."""

import html
import re
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import processing, subjects
from tests.factories import bearer, make_api_key, make_register
from tests.registers import as_yaml, label, people


def _register(name: str = "Acme SA", *, optout: bool = True) -> dict[str, Any]:
    """people() with an order form for customers that offers the refusal and the newsletter."""
    document = people()
    document["organisation"]["legal_name"] = name
    document["forms"].append(
        {
            "key": "order",
            "name": label("Order"),
            "activity": "customer_service",
            "subject_category": "customer",
            "marketing_consent": "newsletter",
            "marketing_optout": optout,
            "fields": [
                {"key": "name", "category": "user.name", "required": True, "label": label("Name")},
                {
                    "key": "email",
                    "category": "user.contact.email",
                    "type": "email",
                    "required": True,
                    "label": label("Email"),
                },
            ],
        }
    )
    return document


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, _register()).organisation_id


def _rendered(client: TestClient, lang: str = "fr") -> dict[str, str]:
    """The hidden fields of the form page as the browser would post them back, and the box's label."""
    page = client.get(f"/forms/order?lang={lang}").text
    hidden = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', page))
    box = re.search(
        r'data-element="marketing_optout"><input type="checkbox" name="marketing_optout" value="refuse">'
        r" ([^<]+)</label>",
        page,
    )
    return hidden | {"label": html.unescape(box.group(1)) if box else ""}


def _audience(client: TestClient, token: str, purpose: str = "customer_offers") -> dict[str, Any]:
    answer = client.post("/api/audiences", json={"purpose": purpose}, headers=bearer(token))
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _post(client: TestClient, shown: dict[str, str], **extra: str) -> int:
    form = {"lang": shown["lang"], "optout_shown": shown.get("optout_shown", ""), "name": "Ann"}
    return client.post(
        "/forms/order", data=form | {"email": "ann@example.test"} | extra, follow_redirects=False
    ).status_code


def test_an_order_through_the_rendered_form_that_offered_the_refusal_qualifies(
    client: TestClient, db: Session, org: uuid.UUID
) -> None:
    token = make_api_key(db, org, ["marketing:send"])
    shown = _rendered(client)

    status = _post(client, shown)

    assert status == 303
    assert "Acme SA peut vous envoyer des e-mails" in shown["label"] and "Cochez cette case" in shown["label"]
    assert _audience(client, token)["bases"] == {"soft_opt_in": 1}
    offered = db.scalars(select(subjects.Collection.optout_offered)).all()
    assert offered == [True]


def test_a_ticked_refusal_excludes_the_address_and_keeps_the_newsletter_consent(
    client: TestClient, db: Session, org: uuid.UUID
) -> None:
    token = make_api_key(db, org, ["marketing:send"])

    status = _post(client, _rendered(client, "nl"), marketing_optout="refuse", marketing_consent="yes")

    assert status == 303
    assert _audience(client, token) == {
        "purpose": "customer_offers",
        "members": 0,
        "bases": {},
        "excluded": {"suppressed": 1},
    }
    assert _audience(client, token, "newsletter")["bases"] == {"consent": 1}


def test_an_api_submission_from_a_site_that_did_not_show_the_refusal_does_not_qualify(
    client: TestClient, db: Session, org: uuid.UUID
) -> None:
    token = make_api_key(db, org, ["marketing:send"])
    body = {"fields": {"name": "Bo", "email": "bo@example.test"}, "language": "en"}

    answer = client.post("/api/forms/order/submissions", json=body)

    assert answer.status_code == 201
    assert _audience(client, token)["excluded"] == {"no_eprivacy_basis": 1}


def test_an_api_submission_naming_the_version_it_showed_qualifies(
    client: TestClient, db: Session, org: uuid.UUID
) -> None:
    token = make_api_key(db, org, ["marketing:send"])
    form = client.get("/api/forms/order", headers={"Accept-Language": "nl"}).json()
    body = {
        "fields": {"name": "Cy", "email": "cy@example.test"},
        "language": "nl",
        "optout_shown": form["marketing_optout_version"],
    }

    answer = client.post("/api/forms/order/submissions", json=body)

    assert answer.status_code == 201 and form["marketing_optout"].startswith("Acme SA kan u e-mails sturen")
    assert _audience(client, token)["bases"] == {"soft_opt_in": 1}


def test_a_form_page_showing_an_older_text_does_not_count_as_offering_it(
    client: TestClient, db: Session, org: uuid.UUID
) -> None:
    token = make_api_key(db, org, ["marketing:send"])
    shown = _rendered(client, "en")
    make_register(db, _register("Acme Group SA"))  # the text now names the company differently

    status = _post(client, shown)

    assert status == 303
    assert _audience(client, token)["excluded"] == {"no_eprivacy_basis": 1}


def test_a_form_that_does_not_declare_the_refusal_shows_none_and_never_qualifies(
    client: TestClient, db: Session
) -> None:
    org = make_register(db, _register(optout=False)).organisation_id
    token = make_api_key(db, org, ["marketing:send"])
    shown = _rendered(client, "en")

    status = _post(client, shown | {"optout_shown": "0" * 64})

    assert status == 303 and "optout_shown" not in shown and shown["label"] == ""
    assert _audience(client, token)["excluded"] == {"no_eprivacy_basis": 1}


def test_the_register_refuses_a_refusal_on_a_form_whose_people_get_no_marketing_without_consent() -> None:
    document = people()
    next(f for f in document["forms"] if f["key"] == "contact")["marketing_optout"] = True

    _, problems = processing.check(as_yaml(document))

    assert [(p.path, p.rule) for p in problems if p.rule == "optout_purpose"] == [
        ("forms[0].marketing_optout", "optout_purpose")
    ]
