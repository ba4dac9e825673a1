"""The privacy center's two steps over HTTP, without any script: what the person wants, then only the
fields the chosen rights need, each with help in the person's language (issue 21, R-43, R-119)."""

import re
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import make_notice, make_register
from tests.registers import people


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    org = make_register(db, people()).organisation_id
    make_notice(db, org)
    return org


def _names(page: str) -> set[str]:
    form = page[page.index("<form") : page.index("</form>")]
    return set(re.findall(r'name="(\w+)"', form))


def test_the_first_step_asks_what_the_person_wants_and_nothing_personal(
    client: TestClient, org: uuid.UUID
) -> None:
    page = client.get("/rights?lang=fr")

    assert page.status_code == 200 and "Que souhaitez-vous faire ?" in page.text
    assert _names(page.text) == {"lang", "step", "right"}
    assert 'method="get" action="/rights"' in page.text
    for kind in ("access", "erasure", "complaint"):
        assert f'id="right-{kind}" name="right" value="{kind}" aria-describedby="w-{kind}"' in page.text
    assert "Nous effaçons vos données personnelles" in page.text  # one sentence per right


def test_the_second_step_shows_only_what_erasure_and_access_need(client: TestClient, org: uuid.UUID) -> None:
    page = client.get("/rights?lang=en&step=details&right=erasure&right=access")

    assert page.status_code == 200
    assert _names(page.text) == {"lang", "kinds", "email", "message"}
    assert re.findall(r'name="kinds" value="(\w+)"', page.text) == ["access", "erasure"]
    assert "We send a code there to check that the request is yours" in page.text
    assert 'method="post" action="/rights"' in page.text


@pytest.mark.parametrize(
    ("right", "fields", "help_nl"),
    [
        ("rectification", {"field", "value", "statement"}, "Kies het gegeven dat onjuist is of ontbreekt."),
        ("restriction", {"ground"}, "Kies de reden die het best past"),
        ("objection", {"scope", "activity"}, "Marketing stopt meteen, zonder code."),
        ("portability", {"transmit_to"}, "Alleen als u wilt dat wij de gegevens naar een andere organisatie"),
    ],
)
def test_each_right_brings_its_own_fields_with_help_in_the_persons_language(
    client: TestClient, org: uuid.UUID, right: str, fields: set[str], help_nl: str
) -> None:
    page = client.get(f"/rights?lang=nl&right={right}")

    assert _names(page.text) == {"lang", "kinds", "email", "message"} | fields
    assert help_nl in page.text
    for field in fields - {"ground", "scope"}:
        assert f'aria-describedby="h-{field}"' in page.text


def test_several_rights_at_once_bring_each_ones_fields(client: TestClient, org: uuid.UUID) -> None:
    page = client.get("/rights?lang=en&right=rectification&right=portability&right=objection")

    assert {"field", "value", "transmit_to", "scope", "activity"} <= _names(page.text)
    assert "ground" not in _names(page.text)


def test_continuing_without_a_choice_says_so_next_to_the_question(client: TestClient, org: uuid.UUID) -> None:
    page = client.get("/rights?lang=nl&step=details")

    assert page.status_code == 422
    assert '<fieldset aria-describedby="h-right e-right">' in page.text
    assert (
        '<p class="error" id="e-right" role="alert">Kies minstens één ding dat u wilt doen.</p>' in page.text
    )


def test_changing_the_choice_returns_to_the_first_step_with_the_ticks_kept(
    client: TestClient, org: uuid.UUID
) -> None:
    page = client.get("/rights?lang=en&step=choose&right=erasure")

    assert 'value="erasure" aria-describedby="w-erasure" checked' in page.text
    assert 'value="access" aria-describedby="w-access">' in page.text


def test_an_unknown_right_is_refused_naming_the_field(client: TestClient, org: uuid.UUID) -> None:
    page = client.get("/rights?lang=en&right=telepathy")

    assert page.status_code == 422 and "right" in page.text


def test_the_language_switcher_keeps_the_choice_in_the_url_and_sets_no_cookie(
    client: TestClient, org: uuid.UUID
) -> None:
    page = client.get("/rights?lang=fr&step=details&right=access")

    assert '<html lang="fr">' in page.text
    assert (
        'href="?lang=nl&amp;step=details&amp;right=access" hreflang="nl" lang="nl">Nederlands</a>'
        in page.text
    )
    assert 'hreflang="fr" lang="fr" aria-current="page">français</a>' in page.text
    assert "set-cookie" not in page.headers
