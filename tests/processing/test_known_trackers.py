"""R-24, R-30, R-23: a register may not file a well-known tracker under the wrong category, understate its
lifetime, or use an analytics tool without recording its minimisation settings."""

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawful.processing import TrackerCategory, check
from lawful.processing.known_trackers import Known, vocabulary
from tests.conftest import Lawful
from tests.factories import bearer, make_api_key, make_register
from tests.registers import MINIMISED, as_yaml, label, measured

CATEGORIES = [c for c in TrackerCategory if c is not TrackerCategory.STRICTLY_NECESSARY]


def _name(known: Known) -> str:
    """A real name the entry covers: `_ga_*` → `_ga_X1Y2`, a host → one of its subdomains."""
    return f"www.{known.pattern}" if known.host else known.pattern.replace("*", "X1Y2")


def _tracker(name: str, category: str, *, kind: str = "cookie", duration: str = "P2Y") -> dict[str, Any]:
    return {
        "key": "tracked",
        "name": name,
        "kind": kind,
        "party": "third" if kind == "script" else "first",
        "provider": "Vendor",
        "category": category,
        "purpose": label("Something"),
        "duration": duration,
        "recipient": "google_analytics",
        "activity": "statistics",
    }


def _problems(*trackers: dict[str, Any], analytics: dict[str, Any] | None = MINIMISED) -> dict[str, Any]:
    document = measured(analytics)
    document["trackers"] += list(trackers)
    register, problems = check(as_yaml(document))
    return {"ok": register is not None, "found": {(p.path, p.rule): p for p in problems}}


def _declare(known: Known, category: str) -> dict[str, Any]:
    return _tracker(
        _name(known), category, kind="script" if known.host else "cookie", duration=known.duration
    )


@pytest.mark.parametrize("known", vocabulary(), ids=lambda k: k.pattern)
def test_a_well_known_tracker_declared_strictly_necessary_is_refused_naming_its_category(
    known: Known,
) -> None:
    result = _problems(_declare(known, "strictly_necessary"))

    problem = result["found"][("trackers[1].category", "known_tracker_category")]
    assert not result["ok"] and problem.severity == "error"
    assert _name(known) in problem.message and f"declare it {known.category}" in problem.message


@pytest.mark.parametrize("known", vocabulary(), ids=lambda k: k.pattern)
def test_a_well_known_tracker_in_another_consent_category_is_refused(known: Known) -> None:
    wrong = next(c for c in CATEGORIES if c not in known.accepted)

    result = _problems(_declare(known, str(wrong)))

    assert ("trackers[1].category", "known_tracker_category") in result["found"]
    assert not result["ok"]


@pytest.mark.parametrize("known", vocabulary(), ids=lambda k: k.pattern)
def test_a_well_known_tracker_in_its_own_category_passes(known: Known) -> None:
    result = _problems(_declare(known, str(known.category)))

    assert result["ok"], [str(p) for p in result["found"].values()]
    assert ("trackers[1].category", "known_tracker_category") not in result["found"]


def test_an_unknown_first_party_cookie_may_be_strictly_necessary() -> None:
    result = _problems(_tracker("cart_id", "strictly_necessary") | {"recipient": None, "activity": None})

    assert result["ok"] and not result["found"]


@pytest.mark.parametrize(
    ("tracker", "severity"),
    [
        (_tracker("_ga", "analytics", duration="P1M"), "warning"),  # the site may have shortened it
        (_tracker("_ga", "analytics", duration="session"), "warning"),
        (
            _tracker("www.googletagmanager.com/gtag/js", "analytics", kind="script", duration="session"),
            "error",
        ),
    ],
)
def test_a_lifetime_shorter_than_the_vendors_is_flagged(tracker: dict[str, Any], severity: str) -> None:
    result = _problems(tracker)

    assert result["found"][("trackers[1].duration", "tracker_duration")].severity == severity


@pytest.mark.parametrize(
    "tracker",
    [
        _tracker("_ga", "analytics", duration="P2Y"),
        _tracker("_gid", "analytics", duration="P1D"),
        _tracker("www.googletagmanager.com/gtag/js", "analytics", kind="script", duration="none"),
    ],
)
def test_the_vendors_lifetime_or_none_for_a_script_passes(tracker: dict[str, Any]) -> None:
    assert ("trackers[1].duration", "tracker_duration") not in _problems(tracker)["found"]


def test_none_is_no_lifetime_for_a_cookie() -> None:
    result = _problems(_tracker("_ga", "analytics", duration="none"))

    assert not result["ok"] and ("trackers[1].duration", "tracker_duration") in result["found"]


GA = _tracker("_ga", "analytics")


def test_google_analytics_without_recorded_settings_is_a_warning_under_consent() -> None:
    result = _problems(GA, analytics=None)

    problem = result["found"][("recipients[1].analytics", "analytics_settings")]
    assert result["ok"] and problem.severity == "warning"
    assert "ip_truncation" in problem.message and "P14M" in problem.message


def test_google_analytics_without_settings_claiming_the_exemption_is_an_error() -> None:
    result = _problems(_tracker("_ga", "strictly_necessary"), analytics=None)

    assert result["found"][("recipients[1].analytics", "analytics_settings")].severity == "error"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"ip_truncation": False}, "ip_truncation"),
        ({"vendor_data_sharing": True}, "vendor_data_sharing"),
        ({"retention": "P15M"}, "retention"),
        ({"retention": "P1Y2M1D"}, "retention"),
        ({"retention": "P26M"}, "retention"),
        ({"advertising_features": True}, "advertising_features"),
    ],
)
def test_analytics_settings_that_do_not_minimise_are_errors(change: dict[str, Any], path: str) -> None:
    result = _problems(GA, analytics=MINIMISED | change)

    assert not result["ok"]
    assert result["found"][(f"recipients[1].analytics.{path}", "analytics_settings")].severity == "error"


@pytest.mark.parametrize("retention", ["P14M", "P1Y2M", "P2M"])
def test_retention_of_at_most_fourteen_months_passes(retention: str) -> None:
    result = _problems(GA, analytics=MINIMISED | {"retention": retention})

    assert result["ok"] and not result["found"]


def test_advertising_features_are_allowed_when_the_tool_is_filed_under_marketing() -> None:
    result = _problems(_tracker("_ga", "marketing"), analytics=MINIMISED | {"advertising_features": True})

    assert result["ok"] and not result["found"]


def test_register_check_refuses_ga_declared_strictly_necessary_naming_cookie_and_category(
    lawful: Lawful, tmp_path: Path
) -> None:
    document = measured(MINIMISED)
    document["trackers"].append(_tracker("_ga", "strictly_necessary"))
    path = tmp_path / "register.yaml"
    path.write_text(as_yaml(document), encoding="utf-8")

    result = lawful("register", "check", str(path))

    assert result.exit_code == 1
    assert "'_ga' is a Google Analytics tracker: declare it analytics" in " ".join(result.stderr.split())


def test_the_api_refuses_a_register_filing_the_meta_pixel_as_necessary(
    client: TestClient, db: Session
) -> None:
    org = make_register(db).organisation_id
    token = make_api_key(db, org, ["register:read", "register:write"])
    document = measured(MINIMISED)
    document["trackers"].append(_tracker("_fbp", "strictly_necessary", duration="P3M"))

    response = client.post(
        "/api/register/versions", json={"yaml": as_yaml(document), "source": "t"}, headers=bearer(token)
    )

    assert response.status_code == 422
    problems = {(p["path"], p["rule"]) for p in response.json()["problems"]}
    assert ("trackers[1].category", "known_tracker_category") in problems


def test_the_vocabulary_is_well_formed() -> None:
    entries = vocabulary()

    assert len(entries) > 60
    assert all(k.category is not TrackerCategory.STRICTLY_NECESSARY for k in entries)
    assert len({(k.host, k.pattern) for k in entries}) == len(entries)
