"""A campaign is checked when it is queued, in every language its readers get (R-35, R-08, R-38): a version
with an unfilled placeholder or a program value, or without its unsubscribe link, sender or notice link,
refuses it with a 422 naming the field and the language, and nothing is queued."""

import json
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import keystore, mail
from lawful.actor import Actor
from lawful.config import Settings
from lawful.marketing import rules
from tests.conftest import Lawful, Mailbox
from tests.factories import bearer, make_api_key, make_register
from tests.marketing import world
from tests.registers import as_yaml


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, world.register()).organisation_id


def _queue(client: TestClient, token: str, **changes: str) -> tuple[int, dict[str, object]]:
    body = {"purpose": "newsletter", "campaign": "c-1", "subject": "News", "text": "Hi. {unsubscribe_url}"}
    answer = client.post("/api/campaigns", json=body | changes, headers=bearer(token))
    return answer.status_code, answer.json()


def _outbox(db: Session) -> int:
    return int(db.scalar(select(func.count()).select_from(mail.OutboxMessage)) or 0)


def test_an_unfilled_placeholder_refuses_the_campaign_naming_the_field_and_every_language(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    world.subscriber(db, keys, actor, org, "reader@example.test")
    token = make_api_key(db, org, ["marketing:send"])

    status, answer = _queue(client, token, text="Dear {first_name}, {unsubscribe_url}")
    listed = client.get("/api/campaigns", headers=bearer(token)).json()

    assert status == 422 and answer["error"] == "template_refused"
    problems = answer["problems"]
    assert isinstance(problems, list)
    assert {(p["path"], p["language"]) for p in problems} == {("text", "fr"), ("text", "en"), ("text", "nl")}
    assert all("{first_name}" in p["message"] for p in problems)
    assert listed == [] and _outbox(db) == 0


def test_a_placeholder_in_the_subject_line_is_refused_as_the_subject(
    client: TestClient, db: Session, org: uuid.UUID
) -> None:
    token = make_api_key(db, org, ["marketing:send"])

    status, answer = _queue(client, token, subject="News for {{ name }}")

    assert status == 422 and str(answer["detail"]).startswith("subject (fr): the placeholder {{ name }}")


def test_a_text_without_its_unsubscribe_link_is_refused(
    client: TestClient, db: Session, org: uuid.UUID
) -> None:
    token = make_api_key(db, org, ["marketing:send"])

    status, answer = _queue(client, token, text="No way out.")

    assert status == 422 and "unsubscribe_url" in str(answer["detail"])


def test_a_good_text_goes_out_with_its_link_and_the_author_may_write_none(
    client: TestClient,
    db: Session,
    keys: keystore.Keys,
    settings: Settings,
    smtp: Mailbox,
    org: uuid.UUID,
    actor: Actor,
) -> None:
    world.subscriber(db, keys, actor, org, "good@example.test")
    token = make_api_key(db, org, ["marketing:send"])
    text = "None of our offers expire. Leave: {{ unsubscribe_url }}"

    checked = client.post(
        "/api/campaigns/checks",
        json={"purpose": "newsletter", "subject": "News", "text": text},
        headers=bearer(token),
    )
    status, _ = _queue(client, token, text=text)
    mail.deliver_due(db, keys, settings)

    assert checked.json() == {"publishable": True, "problems": []} and status == 202
    [message] = smtp.wait_for(1)
    content = message.get_content()
    assert "None of our offers expire. Leave: http" in content and "{" not in content
    assert str(message["List-Unsubscribe"]).strip("<>") in content


def test_the_check_endpoint_reports_without_queueing(client: TestClient, db: Session, org: uuid.UUID) -> None:
    token = make_api_key(db, org, ["marketing:send"])
    body = {"purpose": "newsletter", "subject": "Hi ${name}", "text": "{unsubscribe_url}"}

    answer = client.post("/api/campaigns/checks", json=body, headers=bearer(token))

    assert answer.status_code == 200 and answer.json()["publishable"] is False
    assert {p["path"] for p in answer.json()["problems"]} == {"subject"}
    assert _outbox(db) == 0


def test_lawful_marketing_campaign_check_exits_1_naming_field_and_language(
    lawful: Lawful, tmp_path: Path
) -> None:
    lawful.apply_register(tmp_path, as_yaml(world.register()))
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text("Our news. {unsubscribe_url}", encoding="utf-8")
    bad.write_text("Dear %(name)s. {unsubscribe_url}", encoding="utf-8")
    check = ("marketing", "campaign", "check", "--purpose", "newsletter", "--subject", "News", "--text")

    passed = lawful(*check, str(good))
    failed = lawful(*check, str(bad))
    as_json = lawful(*check, str(bad), "--json")

    assert passed.exit_code == 0 and "every language version may be sent" in passed.output
    assert failed.exit_code == 1 and "text (nl): the placeholder %(name)s is not filled" in failed.output
    assert as_json.exit_code == 1 and json.loads(as_json.output)["publishable"] is False


@pytest.mark.parametrize(
    ("source", "rendered", "problem"),
    [
        ("Hi", "Hi {name}", "the placeholder {name} is not filled"),
        ("Hi", "Hi {{name}}", "the placeholder {{name}} is not filled"),
        ("Hi", "Hi {% if x %}", "the placeholder {% if x %} is not filled"),
        ("Hi", "Hi <built-in method upper of str object>", "shows a program value ('<built-in')"),
        ("Hi", "Hi <function f at 0x7f3a2b>", "shows a program value (' at 0x')"),
        ("Hi", "Sent by None.", "shows a program value ('None')"),
        ("Hi", "Your data: {'email': 'x'}", 'shows a program value ("{\'")'),
    ],
)
def test_a_rendered_version_is_refused_for_what_rendering_left_in_it(
    source: str, rendered: str, problem: str
) -> None:
    assert any(found.startswith(problem) for found in rules.rendering_problems(source, rendered))


@pytest.mark.parametrize(
    ("source", "rendered"),
    [
        ("None of these", "None of these -- Acme"),
        ("Price: 10 {EUR", "Price: 10 {EUR -- Acme"),
        ("Hi", "Hi https://x.test/u/abc"),
    ],
)
def test_the_authors_own_words_are_not_mistaken_for_rendering_errors(source: str, rendered: str) -> None:
    assert rules.rendering_problems(source, rendered) == []


@pytest.mark.parametrize(
    ("rendered", "missing"),
    [
        ("link https://x/u/t by Acme SA https://x/privacy?lang=fr", []),
        ("by Acme SA https://x/privacy?lang=fr", ["lacks the one-click unsubscribe link (R-35)"]),
        ("link https://x/u/t https://x/privacy?lang=fr", ["lacks the sender's identity (R-35)"]),
        ("link https://x/u/t by Acme SA", ["lacks the link to the privacy notice (R-08)"]),
    ],
)
def test_a_version_without_link_sender_or_notice_is_refused(rendered: str, missing: list[str]) -> None:
    found = rules.missing_parts(
        rendered, unsubscribe_url="https://x/u/t", sender="Acme SA", notice_url="https://x/privacy?lang=fr"
    )

    assert found == missing
