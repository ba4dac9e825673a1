"""The statistics API and console page: aggregates only, small cells and their complements suppressed,
no identifier in the answer, k from the settings (R-80)."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy.orm import Session

from lawful import consent, dsr, keystore, staff, subjects
from lawful.actor import Actor
from lawful.app import create_app
from lawful.config import Settings
from tests.factories import PASSWORD, bearer, make_api_key, make_register, make_staff
from tests.registers import people

NOW = "2026-03-02T10:00:00+00:00"
HEADERS = {"X-Lawful-Now": NOW}
COUNTRIES = {"BE": 6, "FR": 6, "LU": 4}  # LU is under k = 5; BE goes with it, or 16 - 6 would give it back


@dataclass
class World:
    organisation_id: uuid.UUID
    token: str
    emails: list[str] = field(default_factory=list)
    ids: list[uuid.UUID] = field(default_factory=list)

    def get(self, client: TestClient, path: str, **params: str) -> Any:
        response = client.get(path, params=params, headers=bearer(self.token))
        assert response.status_code == 200, response.text
        for identifier in [*self.emails, *map(str, self.ids)]:
            assert identifier not in response.text
        return response.json()


def _person(db: Session, keys: keystore.Keys, world: World, actor: Actor, country: str, n: int) -> uuid.UUID:
    email = f"stats-{country.lower()}-{n}-{uuid.uuid4().hex[:6]}@example.test"
    collected = subjects.collect(
        db,
        actor,
        keys,
        organisation_id=world.organisation_id,
        subject_category="prospect",
        identities={subjects.IdentityKind.EMAIL: email},
        values={"user.contact.email": email},
        collection=subjects.CollectionCreate(
            activity="request_followup", channel=subjects.Channel.EMAIL, source=subjects.Source.SUBJECT
        ),
        language="fr" if country == "FR" else "nl" if n % 2 else "en",
        country=country,
    )
    world.emails.append(email)
    world.ids.append(collected.subject.id)
    return collected.subject.id


@pytest.fixture
def world(db: Session, keys: keystore.Keys, actor: Actor) -> World:
    organisation_id = make_register(db, people()).organisation_id
    made = World(organisation_id, make_api_key(db, organisation_id, ["stats:read"]))
    people_ids = [_person(db, keys, made, actor, c, n) for c, many in COUNTRIES.items() for n in range(many)]
    proof = consent.Proof(text="Yes", text_version="1", language="en", channel="web_form", element="x")
    for index, subject_id in enumerate(people_ids[:7]):
        for kind in [consent.EventKind.GIVEN] + ([consent.EventKind.WITHDRAWN] if index == 0 else []):
            consent.record(
                db,
                actor,
                organisation_id=organisation_id,
                subject_id=subject_id,
                purpose="newsletter",
                kind=kind,
                proof=proof,
            )
    for index, email in enumerate(made.emails[:6]):
        request = dsr.open_request(
            db,
            actor,
            keys,
            organisation_id=organisation_id,
            kinds=["access"] if index < 5 else ["erasure"],
            email=email,
            language="en",
            channel="web_form",
            base_url="https://x.test",
        )
        made.ids.append(request.id)
    return made


def _cells(answer: dict[str, Any], row: str | None = None) -> tuple[int | None, dict[str, int | None]]:
    breakdown = next(b for b in answer["breakdowns"] if b["value"] == row)
    assert all(c["suppressed"] == (c["count"] is None) for c in breakdown["cells"])
    assert breakdown["total_suppressed"] == (breakdown["total"] is None)
    return breakdown["total"], {c["value"]: c["count"] for c in breakdown["cells"]}


def test_people_by_country_hide_the_small_cell_and_the_one_that_would_give_it_back(
    client: TestClient, world: World
) -> None:
    answer = world.get(client, "/api/stats/subjects", group_by="country")

    assert (answer["k"], answer["dimensions"]) == (5, ["country"])
    assert _cells(answer) == (16, {"BE": None, "FR": 6, "LU": None})


@pytest.mark.parametrize(
    ("group_by", "expected"),
    [
        ("category", (16, {"prospect": 16})),
        ("activity", (16, {"request_followup": 16})),
        ("language", (16, {"en": 5, "fr": 6, "nl": 5})),
    ],
)
def test_people_by_each_dimension(
    client: TestClient, world: World, group_by: str, expected: tuple[int, dict[str, int]]
) -> None:
    assert _cells(world.get(client, "/api/stats/subjects", group_by=group_by)) == expected


def test_consents_by_purpose_and_state_are_hidden_together_when_one_is_small(
    client: TestClient, world: World
) -> None:
    answer = world.get(client, "/api/stats/consents")

    assert answer["dimensions"] == ["purpose", "state"]
    assert _cells(answer, "newsletter") == (7, {"given": None, "withdrawn": None})


def test_requests_by_right_and_outcome_hide_a_right_asked_by_fewer_than_k(
    client: TestClient, world: World
) -> None:
    answer = world.get(client, "/api/stats/requests")

    assert answer["dimensions"] == ["right", "outcome"]
    assert _cells(answer, "access") == (5, {"open": 5})
    assert _cells(answer, "erasure") == (None, {"open": None})


def test_an_unknown_dimension_is_422_naming_it_and_a_key_without_the_scope_403(
    client: TestClient, world: World, db: Session
) -> None:
    other = make_api_key(db, world.organisation_id, ["subjects:read"])

    unknown = client.get("/api/stats/subjects?group_by=email", headers=bearer(world.token))
    refused = client.get("/api/stats/subjects", headers=bearer(other))

    assert unknown.status_code == 422 and unknown.json()["problems"][0]["path"] == "query.group_by"
    assert refused.status_code == 403


@pytest.fixture
def strict_app(settings: Settings) -> Iterator[TestClient]:
    """The same database served by an app whose settings set k = 7."""
    app = create_app(settings.model_copy(update={"stats_min_cell": 7}))
    with TestClient(app) as strict:
        yield strict
    app.state.engine.dispose()


def test_k_comes_from_the_settings(
    client: TestClient, world: World, db: Session, strict_app: TestClient
) -> None:
    db.commit()

    answer = world.get(strict_app, "/api/stats/subjects", group_by="language")

    assert answer["k"] == 7
    assert _cells(answer) == (16, {"en": None, "fr": None, "nl": None})


@pytest.mark.parametrize("k", [0, 2])
def test_a_k_below_three_is_refused_by_the_settings(k: int) -> None:
    with pytest.raises(ValidationError, match="stats_min_cell"):
        Settings(stats_min_cell=k)


def test_the_console_page_shows_the_same_suppressed_figures(
    client: TestClient, db: Session, keys: keystore.Keys, world: World
) -> None:
    created = make_staff(db, keys, world.organisation_id, [staff.Role.AUDITOR])
    code = pyotp.TOTP(created.totp_secret).at(datetime.fromisoformat(NOW))
    client.post(
        "/console/login",
        data={"email": created.user.email, "password": PASSWORD, "code": code},
        headers=HEADERS,
    )

    page = client.get("/console/stats", headers=HEADERS)

    assert page.status_code == 200
    assert "<td>FR</td><td>6</td>" in page.text
    assert '<td>LU</td><td><span class="suppressed">suppressed</span></td>' in page.text
    assert '<td>BE</td><td><span class="suppressed">suppressed</span></td>' in page.text
    for identifier in [*world.emails, *map(str, world.ids)]:
        assert identifier not in page.text
