"""Analytics configured for minimisation (R-30): `lawful analytics set` refuses settings that are not, naming
each, and stores the others as a new register version; `GET /api/analytics/config` shows each tool with its
settings and the consent category it fires under, as the banner enforces it."""

import json
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import Lawful
from tests.factories import make_register
from tests.registers import MINIMISED, as_yaml, example, measured

GA = {"name": "_ga", "kind": "cookie", "category": "analytics"}


def _versions(lawful: Lawful) -> int:
    listed = lawful("register", "versions", "--json")
    assert listed.exit_code == 0, listed.output
    return len(json.loads(listed.output))


def test_the_config_shows_the_crms_google_analytics_settings_and_its_category(
    client: TestClient, db: Session
) -> None:
    make_register(db, yaml.safe_load(example("crms")))

    answer = client.get("/api/analytics/config")
    banner = client.get("/api/banner/config?lang=en").json()

    assert answer.status_code == 200 and answer.headers["cache-control"].startswith("public")
    [tool] = answer.json()["analytics"]
    assert (tool["recipient"], tool["tool"], tool["fires_under"]) == (
        "google_analytics",
        "Google Analytics",
        ["analytics"],
    )
    settings = tool["settings"]
    assert settings["ip_anonymisation"] is True and settings["vendor_sharing"] is False
    assert (settings["advertising_features"], settings["retention_months"]) == (False, 14)
    by_banner = {c["key"]: sorted(t["name"] for t in c["trackers"]) for c in banner["categories"]}
    assert answer.json()["categories"] == by_banner
    assert all(t["name"] in by_banner[t["category"]] for t in tool["trackers"])
    assert answer.json()["banner_version"] == banner["version"]


@pytest.mark.parametrize(
    ("option", "field"),
    [
        (("--retention-months", "26"), "retention_months"),
        (("--vendor-sharing",), "vendor_sharing"),
        (("--no-ip-anonymisation",), "ip_anonymisation"),
        (("--advertising-features",), "advertising_features"),
    ],
)
def test_lawful_analytics_set_refuses_settings_that_are_not_minimised_and_stores_nothing(
    lawful: Lawful, tmp_path: Path, option: tuple[str, ...], field: str
) -> None:
    lawful.apply_register(tmp_path, example("crms"))
    before = _versions(lawful)

    refused = lawful("analytics", "set", *option)

    assert refused.exit_code != 0 and field in refused.output, refused.output
    assert _versions(lawful) == before
    shown = json.loads(lawful("analytics", "show", "--json").output)["analytics"][0]["settings"]
    assert shown["retention_months"] == 14 and shown["vendor_sharing"] is False


def test_lawful_analytics_set_stores_minimised_settings_as_a_new_register_version(
    lawful: Lawful, tmp_path: Path
) -> None:
    lawful.apply_register(tmp_path, example("crms"))
    before = _versions(lawful)

    done = lawful("analytics", "set", "--retention-months", "2", "--json")
    boundary = lawful("analytics", "set", "--retention-months", "14")
    over = lawful("analytics", "set", "--retention-months", "15")

    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["settings"]["retention_months"] == 2
    assert boundary.exit_code == 0 and over.exit_code != 0
    assert _versions(lawful) == before + 2
    audited = json.loads(lawful("audit", "list", "--action", "consent.analytics_set", "--json").output)
    assert [e["entity"] for e in audited] == ["Recipient:google_analytics"] * 2


def test_settings_recorded_for_the_first_time_start_from_minimised_defaults(
    lawful: Lawful, tmp_path: Path
) -> None:
    document = measured()  # GA without settings: `register check` warns
    document["trackers"].append(
        {
            "key": "ga",
            "name": "_ga",
            "kind": "cookie",
            "party": "first",
            "provider": "Google",
            "category": "analytics",
            "purpose": {"en": "Counting visits", "fr": "Compter", "nl": "Tellen"},
            "duration": "P2Y",
            "recipient": "google_analytics",
            "activity": "statistics",
        }
    )
    lawful.apply_register(tmp_path, as_yaml(document))
    unset = json.loads(lawful("analytics", "show", "--json").output)["analytics"][0]

    done = lawful("analytics", "set", "--retention-months", "12", "--json")

    assert unset["settings"] is None and unset["trackers"] == [GA]
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["settings"] == {
        "ip_anonymisation": MINIMISED["ip_truncation"],
        "vendor_sharing": MINIMISED["vendor_data_sharing"],
        "advertising_features": False,
        "retention_months": 12,
        "retention": "P12M",
    }


def test_a_register_without_analytics_has_nothing_to_set(lawful: Lawful, tmp_path: Path) -> None:
    lawful.apply_register(tmp_path, as_yaml(measured(MINIMISED)))  # a recipient, but no tracker sends to it

    refused = lawful("analytics", "set", "--retention-months", "12")

    assert refused.exit_code != 0 and "recipient" in refused.output
