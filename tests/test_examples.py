"""The example registers of the four seed organisations: valid, publishable (but Kresoft), complete."""

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session

from lawful import notices, processing
from lawful.actor import Actor
from lawful.demo import site
from lawful.notices import NoticeKind
from lawful.processing import Register
from tests.registers import EXAMPLES, example

PUBLISHABLE = ["crms", "crm", "qualifio"]


@pytest.mark.parametrize("name", [*PUBLISHABLE, "kresoft"])
def test_each_example_passes_check_without_errors_or_warnings(name: str) -> None:
    register, problems = processing.check(example(name))

    assert register is not None
    assert problems == []


def test_there_is_one_example_per_seed_organisation() -> None:
    assert sorted(p.stem for p in EXAMPLES.glob("*.yaml")) == ["crm", "crms", "kresoft", "qualifio"]


@pytest.mark.parametrize("name", PUBLISHABLE)
@pytest.mark.parametrize("kind", list(NoticeKind))
def test_each_example_publishes_every_element_in_every_language(
    db: Session, actor: Actor, name: str, kind: NoticeKind
) -> None:
    version, _ = processing.apply(db, actor, text=example(name), source=name)
    elements = notices.PRIVACY_ELEMENTS if kind is NoticeKind.PRIVACY else notices.COOKIE_ELEMENTS

    published = notices.publish(db, actor, organisation_id=version.organisation_id, kind=kind)

    assert sorted(published.texts) == ["en", "fr", "nl"]
    for lang, text in published.texts.items():
        assert [e for e in elements if f'data-element="{e}"' not in text] == [], (name, lang)


def test_kresoft_is_refused_at_publication_naming_what_is_missing(db: Session, actor: Actor) -> None:
    version, _ = processing.apply(db, actor, text=example("kresoft"), source="kresoft")

    with pytest.raises(notices.NoticeIncomplete) as raised:
        notices.publish(db, actor, organisation_id=version.organisation_id, kind=NoticeKind.PRIVACY)

    assert {(p["element"], p["path"]) for p in raised.value.problems} == {
        ("controller_identity", "organisation.registered_office"),
        ("controller_contact", "organisation.contact"),
    }
    assert "controller_contact" in raised.value.detail


def test_the_kresoft_notice_names_the_apd_and_never_the_old_commission() -> None:
    register, _ = processing.check(example("kresoft"))
    assert register is not None

    dutch = notices.preview(register, NoticeKind.PRIVACY, "nl")

    assert "Gegevensbeschermingsautoriteit" in dutch and "Drukpersstraat 35" in dutch
    assert "Commissie voor de Bescherming" not in dutch


def test_crms_names_the_us_transfer_and_its_mechanism() -> None:
    register, _ = processing.check(example("crms"))
    assert register is not None

    english = notices.preview(register, NoticeKind.PRIVACY, "en")

    assert "United States — EU-US Data Privacy Framework" in english


def test_qualifio_sends_hubspot_only_the_four_whitelisted_fields() -> None:
    register, _ = processing.check(example("qualifio"))
    assert register is not None

    hubspot = next(r for r in register.recipients if "hubspot" in r.key)

    assert sorted(hubspot.fields) == sorted(
        ["user.contact.email", "user.name", "user.demographic.language", "user.contact.address.country"]
    )


def test_crms_french_prevails_and_the_english_text_says_so(db: Session, actor: Actor) -> None:
    version, _ = processing.apply(db, actor, text=example("crms"), source="crms")
    published = notices.publish(db, actor, organisation_id=version.organisation_id, kind=NoticeKind.PRIVACY)

    page = notices.page(published, "en", "SRL CRMS SOLUTIONS")

    assert published.authoritative_language == "fr"
    assert "the French version prevails" in page and 'href="/privacy/versions/1?lang=fr"' in page


# --- the demo website (examples/website), as `lawful demo` serves it with the demo register -----------------

WEBSITE = EXAMPLES / "website"
DEMO_REGISTER = "crms"  # lawful demo's default register: the website is CRMS Solutions' home page
LOCAL_ATTRIBUTES = ("src", "href", "data-src")


class _Page(HTMLParser):
    """Every element's attributes, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))


def _elements(html: str) -> list[tuple[str, dict[str, str]]]:
    page = _Page()
    page.feed(html)
    return page.elements


def _pages() -> list[Path]:
    return sorted(WEBSITE.glob("*.html"))


def _local(reference: str) -> str | None:
    """The website file a reference points to; None for anchors, other schemes and lawful's own pages."""
    if reference.startswith(("#", "{{LAWFUL}}")) or re.match(r"^[a-z][a-z0-9+.-]*:", reference):
        return None
    path = reference.split("#", 1)[0].split("?", 1)[0].lstrip("/")
    return path or "index.html"


def _demo_register() -> Register:
    register, problems = processing.check(example(DEMO_REGISTER))
    assert register is not None and problems == []
    return register


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.name)
def test_every_local_asset_the_website_uses_exists(page: Path) -> None:
    references = [
        value
        for _, attrs in _elements(page.read_text(encoding="utf-8"))
        for name, value in attrs.items()
        if name in LOCAL_ATTRIBUTES
    ]

    missing = [r for r in references if (local := _local(r)) and not (WEBSITE / local).is_file()]

    assert missing == []


def test_every_category_and_form_the_website_uses_is_declared_in_the_demo_register() -> None:
    register = _demo_register()
    elements = [e for page in _pages() for e in _elements(page.read_text(encoding="utf-8"))]
    used = {attrs["data-lawful-category"] for _, attrs in elements if "data-lawful-category" in attrs}
    forms = {
        m[1]
        for _, attrs in elements
        for m in [re.match(r"\{\{LAWFUL\}\}/forms/(\w+)", attrs.get("href", ""))]
        if m
    }

    assert used == {"analytics", "social_media"}  # the Google tag and the LinkedIn feed
    assert used <= {str(t.category) for t in register.trackers}
    assert forms and forms <= {f.key for f in register.forms}


def test_every_cookie_the_websites_scripts_set_is_declared_in_the_demo_register() -> None:
    declared = [t.name for t in _demo_register().trackers if str(t.kind) == "cookie"]
    # `_ga_<container-id>`: the part in angle brackets stands for any text
    patterns = [re.compile(".+".join(map(re.escape, re.split(r"<[^>]+>", name))) + "$") for name in declared]
    set_by_scripts = {
        name
        for script in WEBSITE.glob("*.js")
        for name in re.findall(
            r"document\.cookie\s*=\s*[\"'`]([^=;\"'`]+)=", script.read_text(encoding="utf-8")
        )
    }

    undeclared = [name for name in set_by_scripts if not any(p.match(name) for p in patterns)]

    assert set_by_scripts >= {"_ga", "_ga_DEMO42"} and undeclared == []


@pytest.fixture
def served() -> Iterator[str]:
    """The website as `lawful demo` serves it, with lawful's origin fixed; yields the website's origin."""
    server = site.server("127.0.0.1", 0, WEBSITE, lambda _host: "http://lawful.test:8000")
    site.start(server)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_what_the_demo_serves_has_lawfuls_origin_and_no_placeholder_left(served: str) -> None:
    page = httpx.get(f"{served}/")

    assert page.status_code == 200 and "{{" not in page.text
    assert 'src="http://lawful.test:8000/static/banner.js" data-lawful="http://lawful.test:8000"' in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self' http://lawful.test:8000;" in policy and "unsafe-inline" not in policy
    for tag, attrs in _elements(page.text):
        for name in LOCAL_ATTRIBUTES:
            if (local := _local(attrs.get(name, ""))) and attrs.get(name):
                assert httpx.get(f"{served}/{local}").status_code == 200, (tag, attrs[name])


def test_the_demo_serves_nothing_outside_the_website_directory(served: str) -> None:
    for path in ("/../crms.yaml", "/%2e%2e/crms.yaml", "/nowhere.html"):
        assert httpx.get(f"{served}{path}").status_code == 404, path
