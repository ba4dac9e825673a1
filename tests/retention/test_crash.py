"""A real `python -m lawful retention run` over 10,000 expiring people, killed with SIGKILL in the middle of
the run, then run again: every person is deleted exactly once, with exactly one log entry and one audit
entry each, and nobody who was not due is touched (R-72: idempotent, resumes after a crash)."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from lawful import audit, clock, keystore, retention, subjects
from lawful.dsr import tombstones
from tests.conftest import Lawful
from tests.retention import bulk
from tests.retention.conftest import World

PEOPLE = int(os.environ.get("LAWFUL_CRASH_PEOPLE", "10000"))
KEPT = 300
KILL_AFTER = 2 * retention.BATCH  # log entries committed before the kill: at least two whole batches


def _count_in(session: Session, column: Any, ids: Sequence[object]) -> int:
    total = 0
    for start in range(0, len(ids), 5000):
        query: Select[int] = select(func.count()).where(column.in_(ids[start : start + 5000]))
        total += session.scalar(query) or 0
    return total


def _logged(world: World) -> int:
    with world.session() as session:
        return session.scalar(select(func.count()).select_from(retention.RetentionAction)) or 0


def test_a_run_killed_mid_way_resumes_and_deletes_everyone_exactly_once(lawful: Lawful, world: World) -> None:
    seeded = bulk.seed(
        world.url, world.keys, world.organisation_id, count=PEOPLE + KEPT, expiring=PEOPLE, now=clock.now()
    )
    command = [sys.executable, "-m", "lawful", "retention", "run"]
    first = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _logged(world) < KILL_AFTER and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait()
    at_kill = _logged(world)

    again = lawful.process("retention", "run", "--json")

    assert first.returncode == -signal.SIGKILL and 0 < at_kill < PEOPLE, "killed genuinely mid-run"
    assert again.returncode == 0, again.stderr
    with world.session() as session:
        actions = session.execute(select(retention.RetentionAction.subject_id)).scalars().all()
        deleted_audits = (
            session.execute(
                select(audit.AuditEntry.data).where(audit.AuditEntry.action == "retention.deleted")
            )
            .scalars()
            .all()
        )
        runs = session.scalars(
            select(retention.RetentionRun).order_by(retention.RetentionRun.started_at)
        ).all()
        left = _count_in(session, subjects.Subject.id, seeded.expiring)
        kept = _count_in(session, subjects.Subject.id, seeded.kept)
    assert len(actions) == PEOPLE and set(actions) == set(seeded.expiring)  # one log entry each
    assert sorted(d["subject_id"] for d in deleted_audits) == sorted(str(s) for s in seeded.expiring)
    assert (left, kept) == (0, KEPT)
    assert [r.status for r in runs] == ["running", "done"]  # the killed run never finished
    assert runs[1].counts[0]["done"] == PEOPLE - at_kill
    erased = [t.subject_id for t in tombstones.all_tombstones(world.keys)]
    assert sorted(erased) == sorted(seeded.expiring)  # one tombstone each, keys destroyed once
    with world.keys.store.engine.connect() as connection:
        owners = [keystore.subject_owner(s) for s in seeded.expiring]
        assert _count_in(Session(connection), keystore.WrappedKey.owner, owners) == 0
