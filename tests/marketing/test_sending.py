"""Campaign messages are checked again at their turn; an opt-out takes back what is queued (R-36, T-14)."""

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawful import consent, keystore, mail, marketing, subjects
from lawful.actor import Actor
from lawful.config import Settings
from tests.conftest import Mailbox
from tests.factories import make_fulfilled_request, make_register
from tests.marketing import world

TEXT = "Hello. Unsubscribe: {unsubscribe_url}"


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    return make_register(db, world.register()).organisation_id


def _queue(
    db: Session, actor: Actor, keys: keystore.Keys, org: uuid.UUID, key: str, purpose: str = "newsletter"
) -> marketing.CampaignResult:
    return marketing.send_campaign(
        db,
        actor,
        keys,
        organisation_id=org,
        purpose=purpose,
        campaign=key,
        subject_line="News",
        text=TEXT,
        base_url="https://acme.example.test",
    )


def _unsubscribe(
    db: Session, actor: Actor, keys: keystore.Keys, subject_id: uuid.UUID, purpose: str, *, only: bool = False
) -> None:
    consent.optin.unsubscribe(
        db, actor, keys, token=consent.optin.unsubscribe_token(keys, subject_id, purpose, only=only)
    )


def test_an_unsubscribe_after_queueing_takes_the_message_back_and_the_rest_goes(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor, settings: Settings, smtp: Mailbox
) -> None:
    stays = world.subscriber(db, keys, actor, org, "stays@example.test")
    leaves = world.subscriber(db, keys, actor, org, "leaves@example.test")
    assert _queue(db, actor, keys, org, "dec").queued == 2

    _unsubscribe(db, actor, keys, leaves, "newsletter")
    mail.deliver_due(db, keys, settings)

    assert [str(m["To"]) for m in smtp.wait_for(1)] == ["stays@example.test"]
    view = marketing.campaigns.show(db, organisation_id=org, key="dec")
    assert view.outcomes == {"sent": 1, "cancelled": 1} and view.cancelled == {"unsubscribed": 1}
    assert [s.outcome for s in marketing.sends_of(db, subject_id=stays)] == ["sent"]
    assert [(s.outcome, s.reason) for s in marketing.sends_of(db, subject_id=leaves)] == [
        ("cancelled", "unsubscribed")
    ]


def test_a_message_whose_person_changed_since_queueing_is_dropped_at_its_turn_with_the_reason(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor, settings: Settings, smtp: Mailbox
) -> None:
    """Changes that do not go through an opt-out (a restriction, a withdrawal recorded by hand in the
    ledger) are caught when the message's turn comes: dropped, not sent, never retried."""
    restricted = world.subscriber(db, keys, actor, org, "restricted@example.test")
    withdrawn = world.subscriber(db, keys, actor, org, "withdrawn@example.test")
    world.subscriber(db, keys, actor, org, "fine@example.test")
    _queue(db, actor, keys, org, "jan")
    subjects.restrict(
        db, actor, subject_id=restricted, ground=subjects.RestrictionGround.ACCURACY_CONTESTED, reason="t"
    )
    consent.record(
        db,
        actor,
        organisation_id=org,
        subject_id=withdrawn,
        purpose="newsletter",
        kind=consent.EventKind.WITHDRAWN,
        proof=consent.Proof(text="no", text_version="1", language="en", channel="web_form", element="x"),
    )

    done = mail.deliver(db, keys, settings)
    again = mail.deliver(db, keys, settings)

    assert (done.sent, done.dropped, again.sent + again.dropped) == (1, 2, 0)
    assert [str(m["To"]) for m in smtp.wait_for(1)] == ["fine@example.test"]
    view = marketing.campaigns.show(db, organisation_id=org, key="jan")
    assert view.dropped == {"restricted": 1, "consent_withdrawn": 1}
    dropped = db.scalars(select(mail.OutboxMessage).where(mail.OutboxMessage.status == "dropped")).all()
    assert len(dropped) == 2 and all(row.sealed is None for row in dropped)


def test_an_unsubscribe_stops_all_marketing_by_default_and_keeps_every_other_consent(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor, settings: Settings, smtp: Mailbox
) -> None:
    """R-36: an unsubscribe covers all direct marketing of the organisation unless the person narrows it."""
    person = world.subscriber(db, keys, actor, org, "reader@example.test")
    _queue(db, actor, keys, org, "news-1")
    _queue(db, actor, keys, org, "products-1", purpose="product_news")

    _unsubscribe(db, actor, keys, person, "newsletter")
    mail.deliver_due(db, keys, settings)

    assert smtp.wait_for(1, seconds=0.5) == []
    assert marketing.campaigns.show(db, organisation_id=org, key="products-1").outcomes == {"cancelled": 1}
    assert world.states(db, org, person) == {
        "newsletter": "withdrawn",
        "product_news": "withdrawn",
        "talent_pool": "given",
        "contest": "given",
    }


def test_the_narrowed_link_stops_only_its_newsletter(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor, settings: Settings, smtp: Mailbox
) -> None:
    person = world.subscriber(db, keys, actor, org, "narrow@example.test")
    _queue(db, actor, keys, org, "news-3")
    _queue(db, actor, keys, org, "products-3", purpose="product_news")

    _unsubscribe(db, actor, keys, person, "newsletter", only=True)
    mail.deliver_due(db, keys, settings)

    assert [str(m["Subject"]) for m in smtp.wait_for(1)] == ["News"]
    assert marketing.campaigns.show(db, organisation_id=org, key="products-3").outcomes == {"sent": 1}
    assert world.states(db, org, person) == {
        "newsletter": "withdrawn",
        "product_news": "given",
        "talent_pool": "given",
        "contest": "given",
    }


def test_a_marketing_objection_stops_every_marketing_purpose_and_nothing_else(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor, settings: Settings, smtp: Mailbox
) -> None:
    person = world.subscriber(db, keys, actor, org, "objector@example.test")
    _queue(db, actor, keys, org, "news-2")
    _queue(db, actor, keys, org, "products-2", purpose="product_news")
    proof = consent.Proof(text="stop", text_version="1", language="en", channel="phone", element="x")

    ended = consent.object_to_marketing(
        db, actor, keys, subject=subjects.get(db, subject_id=person), proof=proof
    )
    mail.deliver_due(db, keys, settings)

    assert ended == ["newsletter", "product_news"]
    assert smtp.wait_for(1, seconds=0.5) == []
    assert world.states(db, org, person)["talent_pool"] == "given"
    assert world.states(db, org, person)["contest"] == "given"


def test_service_mail_is_never_taken_back_by_a_marketing_opt_out(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor, settings: Settings, smtp: Mailbox
) -> None:
    person = world.subscriber(db, keys, actor, org, "served@example.test")
    _queue(db, actor, keys, org, "news-3")
    mail.queue(
        db,
        keys,
        mail.Mail(to="served@example.test", subject="Answer to your request", text="Here it is."),
        kind="dsr_answer",
        category="service",
        organisation_id=org,
        subject_id=person,
    )
    proof = consent.Proof(text="stop", text_version="1", language="en", channel="phone", element="x")

    consent.object_to_marketing(db, actor, keys, subject=subjects.get(db, subject_id=person), proof=proof)
    mail.deliver_due(db, keys, settings)

    assert [str(m["Subject"]) for m in smtp.wait_for(1)] == ["Answer to your request"]


def test_a_cancelled_campaign_sends_nothing_more_and_says_why(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor, settings: Settings, smtp: Mailbox
) -> None:
    for n in range(3):
        world.subscriber(db, keys, actor, org, f"c{n}@example.test")
    _queue(db, actor, keys, org, "feb")

    view = marketing.campaigns.cancel(db, actor, organisation_id=org, key="feb")
    mail.deliver_due(db, keys, settings)

    assert smtp.wait_for(1, seconds=0.5) == []
    assert view.outcomes == {"cancelled": 3} and view.cancelled == {"campaign_cancelled": 3}
    assert [c.key for c in marketing.list_campaigns(db, organisation_id=org)] == ["feb"]


def test_a_campaign_name_is_used_once(db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor) -> None:
    _queue(db, actor, keys, org, "once")
    with pytest.raises(marketing.CampaignExists):
        _queue(db, actor, keys, org, "once")


def test_a_rights_request_objection_keeps_the_talent_pool_consent(
    db: Session, keys: keystore.Keys, org: uuid.UUID, actor: Actor
) -> None:
    person = world.subscriber(db, keys, actor, org, "rights@example.test")

    make_fulfilled_request(
        db, actor, keys, org, kinds=["objection"], email="rights@example.test", base_url=""
    )

    assert world.states(db, org, person) == {
        "newsletter": "withdrawn",
        "product_news": "withdrawn",
        "talent_pool": "given",
        "contest": "given",
    }
