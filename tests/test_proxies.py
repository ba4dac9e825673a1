"""Forwarded headers are believed only from configured proxies (Art. 32): none by default, not even loopback."""

import httpx
from fastapi import FastAPI

from lawful.app import create_app
from lawful.config import Settings
from tests.live import serving

FORWARDED_HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}


def _https_only(settings: Settings, **changes: str) -> FastAPI:
    return create_app(settings.model_copy(update={"https_only": True, **changes}))


def test_by_default_no_proxy_is_trusted() -> None:
    assert Settings().trusted_proxies == ""


def test_forwarded_https_from_loopback_is_not_believed_by_default(settings: Settings) -> None:
    with serving(_https_only(settings)) as origin:
        response = httpx.get(f"{origin}/healthz", headers=FORWARDED_HTTPS)

    assert response.status_code == 308 and response.headers["location"].startswith("https://")


def test_forwarded_https_from_a_configured_proxy_is_believed(settings: Settings) -> None:
    with serving(_https_only(settings, trusted_proxies="127.0.0.1")) as origin:
        response = httpx.get(f"{origin}/healthz", headers=FORWARDED_HTTPS)

    assert response.status_code == 200 and "strict-transport-security" in response.headers
