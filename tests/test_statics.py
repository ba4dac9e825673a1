"""Static files: compressed once (gzip, brotli) as the client asks, versioned URLs cached a year, the stable
URLs websites embed revalidated with an ETag, and every page naming the versioned URL."""

import gzip
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import brotli  # type: ignore[import-untyped]
import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from lawful import statics
from tests.live import serving

STATIC = Path(__file__).parent.parent / "src" / "lawful" / "static"
TEMPLATES = STATIC.parent / "templates"
FILES = ("banner.js", "banner.css", "lawful.css")
DECODE = {"br": brotli.decompress, "gzip": gzip.decompress, "identity": lambda body: body}


def _expected(name: str) -> bytes:
    """The file as served: banner.js names the stylesheet by its versioned URL."""
    data = (STATIC / name).read_bytes()
    if name == "banner.js":
        data = data.replace(b"/static/banner.css", statics.url("banner.css").encode())
    return data


def _raw(client: TestClient | httpx.Client, url: str, **headers: str) -> tuple[Any, bytes]:
    """The answer and its body as sent, not decoded."""
    with client.stream("GET", url, headers=headers) as answer:
        return answer, b"".join(answer.iter_raw())


@pytest.fixture(scope="module")
def live(app: FastAPI) -> Iterator[httpx.Client]:
    with serving(app) as origin, httpx.Client(base_url=origin) as client:
        yield client


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("coding", ["br", "gzip", "identity"])
def test_each_file_is_sent_in_the_coding_asked_and_decodes_to_the_exact_file(
    live: httpx.Client, name: str, coding: str
) -> None:
    answer, body = _raw(live, statics.url(name), **{"Accept-Encoding": coding})

    assert answer.status_code == 200
    assert answer.headers.get("content-encoding", "identity") == coding
    assert int(answer.headers["content-length"]) == len(body)
    assert DECODE[coding](body) == _expected(name)


@pytest.mark.parametrize("name", FILES)
def test_brotli_is_smaller_than_gzip_which_is_smaller_than_the_file(live: httpx.Client, name: str) -> None:
    sizes = {c: len(_raw(live, statics.url(name), **{"Accept-Encoding": c})[1]) for c in DECODE}

    assert sizes["br"] < sizes["gzip"] < sizes["identity"] / 2


def test_the_smallest_accepted_coding_is_chosen_and_a_refused_one_never(client: TestClient) -> None:
    url = statics.url("banner.js")

    both = _raw(client, url, **{"Accept-Encoding": "gzip, deflate, br, zstd"})[0]
    no_br = _raw(client, url, **{"Accept-Encoding": "br;q=0, gzip"})[0]
    nothing = _raw(client, url, **{"Accept-Encoding": ""})[0]

    assert both.headers["content-encoding"] == "br" and no_br.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in nothing.headers


@pytest.mark.parametrize("name", FILES)
def test_a_versioned_url_is_cached_a_year_and_the_stable_one_revalidated(
    client: TestClient, name: str
) -> None:
    versioned = client.get(statics.url(name), headers={"Accept-Encoding": "br"})
    stable = client.get(f"/static/{name}", headers={"Accept-Encoding": "br"})

    assert re.fullmatch(
        rf"/static/{name.split('.')[0]}\.[0-9a-f]{{12}}\.{name.split('.')[1]}", statics.url(name)
    )
    assert versioned.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert stable.headers["cache-control"] == "public, max-age=3600"
    for answer in (versioned, stable):  # CORS adds Origin
        assert "Accept-Encoding" in [v.strip() for v in answer.headers["vary"].split(",")]
    assert versioned.content == stable.content == _expected(name)
    assert stable.headers["etag"].startswith('"') and stable.headers["etag"] == versioned.headers["etag"]


@pytest.mark.parametrize("coding", ["br", "gzip", "identity"])
def test_a_known_etag_is_answered_304_without_a_body(client: TestClient, coding: str) -> None:
    first = client.get("/static/banner.js", headers={"Accept-Encoding": coding})

    again = client.get(
        "/static/banner.js", headers={"Accept-Encoding": coding, "If-None-Match": first.headers["etag"]}
    )
    other = client.get("/static/banner.js", headers={"If-None-Match": '"0123456789ab"'})

    assert (
        again.status_code == 304 and again.content == b"" and again.headers["etag"] == first.headers["etag"]
    )
    assert other.status_code == 200


def test_an_old_version_or_an_unknown_file_is_404(client: TestClient) -> None:
    assert client.get("/static/banner.000000000000.js").status_code == 404
    assert client.get("/static/nothing.js").status_code == 404
    assert client.post("/static/banner.js", content=b"").status_code == 405


def test_the_old_banner_url_is_compressed_too(client: TestClient) -> None:
    answer = client.get("/banner.js", headers={"Accept-Encoding": "br"})

    assert answer.headers["content-encoding"] == "br" and answer.content == _expected("banner.js")


def test_pages_and_the_banner_name_the_versioned_urls(client: TestClient) -> None:
    login = client.get("/console/login")
    script = client.get("/static/banner.js").text

    assert statics.url("lawful.css") in login.text and 'href="/static/lawful.css"' not in login.text
    assert statics.url("banner.css") in script and "'/static/banner.css'" not in script


def test_no_template_names_a_static_file_by_hand() -> None:
    named = [str(p) for p in TEMPLATES.rglob("*.html") if "/static/" in p.read_text(encoding="utf-8")]

    assert named == []
