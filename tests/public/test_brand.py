"""One stylesheet for the people's pages and the organisation's colour and logo from the register
(issue 21): served from lawful itself, with a colour only when it stays readable."""

import base64
import re
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful import processing
from lawful.processing.document.organisation import contrast_with_white
from tests.factories import make_notice, make_register
from tests.registers import as_yaml, people

LOGO = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n-fake-").decode()


@pytest.mark.parametrize(
    ("colour", "low", "high"),
    [("#ffffff", 1.0, 1.0), ("#000000", 21.0, 21.0), ("#0b5cad", 6.0, 6.7), ("#f2b705", 1.5, 2.0)],
)
def test_contrast_with_white_follows_wcag(colour: str, low: float, high: float) -> None:
    assert low <= round(contrast_with_white(colour), 2) <= high


@pytest.mark.parametrize(
    ("brand", "path"),
    [
        ({"colour": "#f2b705"}, "organisation.brand.colour"),  # 1.8:1, unreadable under white text
        ({"colour": "teal"}, "organisation.brand.colour"),
        ({"logo": "https://cdn.example.test/logo.png"}, "organisation.brand.logo"),  # a third party
    ],
)
def test_an_unreadable_colour_or_a_logo_from_elsewhere_is_refused_naming_the_field(
    brand: dict[str, str], path: str
) -> None:
    document = people()
    document["organisation"]["brand"] = brand

    register, problems = processing.check(as_yaml(document))

    assert register is None
    assert path in [p.path for p in problems], problems


def _branded(db: Session, brand: dict[str, str] | None) -> uuid.UUID:
    document = people()
    if brand is not None:
        document["organisation"]["brand"] = brand
    org = make_register(db, document).organisation_id
    make_notice(db, org)
    db.commit()
    return org


def test_the_register_colour_and_logo_reach_the_pages_through_brand_css(
    client: TestClient, db: Session
) -> None:
    _branded(db, {"colour": "#6a1b9a", "logo": LOGO})

    css = client.get("/brand.css")
    page = client.get("/rights?lang=en").text

    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert ":root{--accent:#6a1b9a}" in css.text and f'url("{LOGO}")' in css.text
    assert '<link rel="stylesheet" href="/brand.css">' in page


def test_without_a_brand_the_pages_keep_the_default_look(client: TestClient, db: Session) -> None:
    _branded(db, None)

    assert client.get("/brand.css").text.strip() == ""


@pytest.mark.parametrize(
    "path", ["/rights", "/rights?right=access", "/privacy", "/cookies", "/forms/contact"]
)
def test_every_public_page_uses_the_one_stylesheet_and_nothing_from_another_site(
    client: TestClient, db: Session, path: str
) -> None:
    _branded(db, None)

    page = client.get(path).text

    assert re.findall(r'<link rel="stylesheet" href="([^"]+)">', page) == [
        re.search(r"/static/public\.\w+\.css", page).group(0),  # type: ignore[union-attr]
        "/brand.css",
    ]
    assert "<script" not in page and not re.search(r'(src|href)="(https?:)?//', page)
    assert re.search(r'<html lang="(en|fr|nl)">', page)
