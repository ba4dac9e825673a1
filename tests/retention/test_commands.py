"""The issue's date vectors through `lawful retention plan|run|event --now`, each at the day before and the day
of the end; what is left is read back by another session (R-72 to R-79, T-30)."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from lawful import clock, consent, subjects
from tests.conftest import Lawful
from tests.retention import world as worlds
from tests.retention.conftest import World


def _run(lawful: Lawful, day: str) -> str:
    done = lawful("retention", "run", "--now", day)
    assert done.exit_code == 0, done.output
    return done.stdout


def _event(lawful: Lawful, subject_id: uuid.UUID, kind: str, at: str, *extra: str) -> None:
    done = lawful("retention", "event", str(subject_id), "--kind", kind, "--at", at, *extra)
    assert done.exit_code == 0, done.output


def _items(world: World, subject_id: uuid.UUID, activity: str | None = None) -> int:
    with world.session() as session:
        return worlds.items(session, subject_id, activity)


def _prospect(world: World, email: str) -> uuid.UUID:
    """Collected 2023-01-10 from their own mail; an import in 2024 does not reset the clock (T-30)."""
    with world.session() as session:
        sid = worlds.collect(
            session,
            world.keys,
            world.organisation_id,
            email=email,
            activity="request_followup",
            at=datetime(2023, 1, 10, 10, tzinfo=UTC),
        )
        worlds.collect(
            session,
            world.keys,
            world.organisation_id,
            email=email,
            activity="request_followup",
            at=datetime(2024, 6, 1, 9, tzinfo=UTC),
            channel=subjects.Channel.IMPORT,
        )
    return sid


def test_a_prospect_without_reply_is_present_on_the_last_day_and_gone_after_the_next_run(
    lawful: Lawful, world: World
) -> None:
    sid = _prospect(world, "quiet@example.test")

    planned = json.loads(lawful("retention", "plan", "--now", "2026-01-10", "--json").stdout)
    before = _run(lawful, "2026-01-10")
    kept = _items(world, sid)
    after = _run(lawful, "2026-01-11")

    group = next(g for g in planned["groups"] if g["activity"] == "request_followup")
    assert (group["due"], group["months"]["2026-01"]) == (0, 1)
    assert "nothing due" in before and kept == 2
    assert "deleted:1" in after
    with world.session() as session:
        assert not worlds.exists(session, sid)


def test_a_prospect_who_replied_stays_three_years_from_the_reply(lawful: Lawful, world: World) -> None:
    sid = _prospect(world, "replied@example.test")
    _event(lawful, sid, "last_inbound_contact", "2025-05-01", "--channel", "reply")

    _run(lawful, "2026-01-11")
    _run(lawful, "2028-05-01")
    kept = _items(world, sid)
    after = _run(lawful, "2028-05-02")

    assert kept == 2 and "deleted:1" in after
    with world.session() as session:
        assert not worlds.exists(session, sid)


def test_our_own_mail_cannot_be_recorded_as_their_contact(lawful: Lawful, world: World) -> None:
    sid = _prospect(world, "mailed@example.test")

    refused = lawful("retention", "event", str(sid), "--kind", "last_inbound_contact", "--at", "2025-05-01")

    assert refused.exit_code == 1 and "channel" in refused.output
    with world.session() as session:
        assert subjects.events(session, subject_ids=[sid]) == []


def test_a_contract_is_archived_at_its_end_and_deleted_ten_years_later(lawful: Lawful, world: World) -> None:
    with world.session() as session:
        sid = worlds.collect(
            session,
            world.keys,
            world.organisation_id,
            email="customer@example.test",
            activity="contracts",
            category="customer",
            at=datetime(2019, 3, 1, 9, tzinfo=UTC),
        )
    _event(lawful, sid, "contract_end", "2020-06-30", "--activity", "contracts", "--reference", "C-12")

    archived = _run(lawful, "2020-07-01")
    _run(lawful, "2030-06-30")
    with world.session() as session:
        state = session.scalars(select(subjects.Archive).where(subjects.Archive.subject_id == sid)).one()
        kept = worlds.items(session, sid)
    gone = _run(lawful, "2030-07-01")

    assert "archived:1" in archived
    assert (state.activity, state.delete_on.isoformat(), kept) == ("contracts", "2030-07-01", 2)
    assert "deleted:1" in gone
    with world.session() as session:
        assert not worlds.exists(session, sid)


def test_an_invoice_is_kept_ten_years_from_the_next_first_of_january(lawful: Lawful, world: World) -> None:
    with world.session() as session:
        sid = worlds.collect(
            session,
            world.keys,
            world.organisation_id,
            email="buyer@example.test",
            activity="invoicing",
            category="customer",
            at=datetime(2024, 3, 15, 9, tzinfo=UTC),
        )
    _event(lawful, sid, "document_date_next_january", "2024-03-15", "--reference", "INV-2024-001")

    _run(lawful, "2034-12-31")
    kept = _items(world, sid)
    gone = _run(lawful, "2035-01-01")

    assert kept == 2 and "deleted:1" in gone
    with world.session() as session:
        assert not worlds.exists(session, sid)


def _candidate(world: World, email: str, *, pool: bool) -> uuid.UUID:
    with world.session() as session:
        sid = worlds.collect(
            session,
            world.keys,
            world.organisation_id,
            email=email,
            activity="recruitment",
            category="candidate",
            at=datetime(2025, 11, 3, 9, tzinfo=UTC),
            values={"recruitment_data": "CV text"},
        )
        if pool:  # the candidate's consent to the pool, and the pool's own copy
            worlds.collect(
                session,
                world.keys,
                world.organisation_id,
                email=email,
                activity="talent_pool",
                category="candidate",
                at=datetime(2025, 11, 3, 9, 5, tzinfo=UTC),
                values={"recruitment_data": "CV text"},
            )
            proof = consent.Proof(
                text="Keep me", text_version="1", language="en", channel="web_form", element="pool"
            )
            consent.record(
                session,
                worlds.ACTOR,
                organisation_id=world.organisation_id,
                subject_id=sid,
                purpose="talent_pool",
                kind=consent.EventKind.GIVEN,
                proof=proof,
            )
    return sid


def test_a_rejected_candidate_without_pool_consent_is_gone_six_months_after(
    lawful: Lawful, world: World
) -> None:
    sid = _candidate(world, "candidate@example.test", pool=False)
    _event(lawful, sid, "recruitment_end", "2026-01-15")

    _run(lawful, "2026-07-15")
    kept = _items(world, sid)
    gone = _run(lawful, "2026-07-16")

    assert kept == 3 and "deleted:1" in gone
    with world.session() as session:
        assert not worlds.exists(session, sid)


def test_a_candidate_in_the_talent_pool_is_kept_until_the_pool_ends(lawful: Lawful, world: World) -> None:
    sid = _candidate(world, "pool@example.test", pool=True)
    _event(lawful, sid, "recruitment_end", "2026-01-15")

    _run(lawful, "2026-07-16")
    recruitment, pool = _items(world, sid, "recruitment"), _items(world, sid)
    _run(lawful, "2028-01-15")
    still = _items(world, sid)
    gone = _run(lawful, "2028-01-16")

    assert (recruitment, pool, still) == (3, 3, 3)
    assert "deleted:1" in gone
    with world.session() as session:
        assert not worlds.exists(session, sid)


def test_a_held_person_is_skipped_with_the_reason_legal_hold(lawful: Lawful, world: World) -> None:
    sid = _prospect(world, "held@example.test")
    with world.session() as session:
        subjects.place_hold(
            session,
            worlds.ACTOR,
            subject_id=sid,
            case_ref="C-7",
            reason="claim about the offer",
            purpose="request_followup",
            review_on=clock.today() + timedelta(days=90),
        )

    planned = json.loads(lawful("retention", "plan", "--now", "2026-01-11", "--json").stdout)
    held = _run(lawful, "2026-01-11")
    log = json.loads(lawful("retention", "log", "--json").stdout)

    group = next(g for g in planned["groups"] if g["activity"] == "request_followup")
    assert (group["due"], group["skipped"]) == (0, {"legal_hold": 1})
    assert "skipped:legal_hold:1" in held and "deleted" not in held
    assert log[0]["counts"][0]["skipped"] == {"legal_hold": 1}
    assert _items(world, sid) == 2


def test_a_second_run_does_nothing_and_the_log_has_one_entry_per_person(lawful: Lawful, world: World) -> None:
    people = [_prospect(world, f"twice-{n}@example.test") for n in range(3)]

    first = _run(lawful, "2026-01-11")
    second = _run(lawful, "2026-01-11")
    runs = json.loads(lawful("retention", "log", "--json").stdout)
    steps = json.loads(lawful("retention", "log", "--run", runs[1]["id"], "--json").stdout)

    assert "deleted:3" in first and "nothing due" in second
    assert sorted(s["subject_id"] for s in steps) == sorted(str(p) for p in people)
    assert all(s["items"] == 2 and s["whole"] for s in steps)
    assert "twice-" not in json.dumps(runs) + json.dumps(steps)  # never content


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("retention", "run", "--now", "2026-02-30"), "--now"),
        (("retention", "plan", "--now", "soon"), "--now"),
        (("retention", "event", "not-an-id", "--kind", "contract_end", "--at", "2020-06-30"), "SUBJECT_ID"),
        (("retention", "event", str(uuid.uuid4()), "--kind", "contract_end", "--at", "30/06/2020"), "--at"),
        (("retention", "log", "--run", "nope"), "--run"),
    ],
)
def test_bad_input_names_the_option_and_changes_nothing(
    lawful: Lawful, world: World, args: tuple[str, ...], named: str
) -> None:
    done = lawful(*args)

    assert done.exit_code == 2 and named in done.output


def test_a_run_ahead_of_the_clock_is_refused_outside_test_mode(
    lawful: Lawful, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lawful.config import get_settings

    monkeypatch.setenv("LAWFUL_TEST_MODE", "0")
    get_settings.cache_clear()
    sid = _prospect(world, "early@example.test")

    refused = lawful("retention", "run", "--now", "2099-01-01")

    assert refused.exit_code == 1 and "run_ahead_of_clock" in refused.output
    assert _items(world, sid) == 2
