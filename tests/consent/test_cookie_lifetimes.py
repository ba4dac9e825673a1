"""R-23 and Planet49: the cookie notice and the banner state how long each tracker's storage really lasts;
a script that stores nothing itself is described by the cookies it sets, not "until you close your browser"."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful.notices import NoticeKind
from tests.factories import make_notice, make_register
from tests.registers import MINIMISED, label, measured, minimal


def _ga(key: str, name: str, kind: str, duration: str) -> dict[str, object]:
    return {
        "key": key,
        "name": name,
        "kind": kind,
        "party": "third" if kind == "script" else "first",
        "provider": "Google",
        "category": "analytics",
        "purpose": label("Statistics"),
        "duration": duration,
        "recipient": "google_analytics",
        "activity": "statistics",
    }


@pytest.fixture
def published(db: Session) -> None:
    document = measured(MINIMISED)
    document["trackers"] += [
        _ga("ga", "_ga", "cookie", "P2Y"),
        _ga("gid", "_gid", "cookie", "P1D"),
        _ga("gtag", "www.googletagmanager.com/gtag/js", "script", "none"),
    ]
    org = make_register(db, document).organisation_id
    make_notice(db, org, NoticeKind.PRIVACY)
    make_notice(db, org, NoticeKind.COOKIES)


def _row(html: str, name: str) -> str:
    found = re.search(rf'<tr data-tracker="{re.escape(name)}">(.*?)</tr>', html, re.S)
    assert found, name
    return found.group(1).replace("\xa0", " ")  # CLDR may join a number to its unit


@pytest.mark.parametrize(
    ("lang", "ga", "gtag"),
    [
        ("en", "2 years", "stores nothing itself; sets _ga (2 years), _gid (1 day)"),
        ("fr", "2 ans", "ne stocke rien lui-même ; dépose _ga (2 ans), _gid (1 jour)"),
        ("nl", "2 jaar", "slaat zelf niets op; plaatst _ga (2 jaar), _gid (1 dag)"),
    ],
)
def test_the_cookie_notice_gives_the_gtag_script_the_lifetime_of_what_it_sets(
    client: TestClient, published: None, lang: str, ga: str, gtag: str
) -> None:
    html = client.get(f"/cookies?lang={lang}").text

    assert f"<td>{ga}</td>" in _row(html, "_ga")
    assert f"<td>{gtag}</td>" in _row(html, "www.googletagmanager.com/gtag/js")
    assert "browser" not in _row(html, "www.googletagmanager.com/gtag/js")


def test_the_banner_lists_the_same_lifetimes(client: TestClient, published: None) -> None:
    config = client.get("/api/banner/config?lang=en").json()

    trackers = {
        t["name"]: t["duration"].replace("\xa0", " ") for c in config["categories"] for t in c["trackers"]
    }
    assert trackers["_ga"] == "2 years"
    assert (
        trackers["www.googletagmanager.com/gtag/js"]
        == "stores nothing itself; sets _ga (2 years), _gid (1 day)"
    )


def test_a_pixel_that_stores_nothing_says_so(client: TestClient, db: Session) -> None:
    document = minimal()
    document["trackers"].append(
        {
            "key": "pixel",
            "name": "pixel.example.test",
            "kind": "pixel",
            "party": "third",
            "provider": "Acme",
            "category": "strictly_necessary",
            "purpose": label("Checks delivery"),
            "duration": "none",
        }
    )
    make_notice(db, make_register(db, document).organisation_id, NoticeKind.COOKIES)

    html = client.get("/cookies?lang=en").text

    assert "<td>stores nothing on your device</td>" in _row(html, "pixel.example.test")
    assert "<td>6 months</td>" in _row(html, "lawful_consent")
