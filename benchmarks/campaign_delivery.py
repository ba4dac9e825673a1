"""Campaign delivery with eligibility checked again for each message at its turn (R-36, T-14).

100,000 people seeded by benchmarks.seeded (about 10 % consented to the newsletter). A newsletter campaign
is queued in this process, then delivered as the worker does it (`jobs.deliver_mail`: a unit of work per
batch of 50 until none is due) to a local SMTP sink (aiosmtpd, counting only). Two campaigns to the same
audience: the first with the send-time check switched off (the delivery before issue 16), the second
with it on; the check's own time is measured around `marketing.sending.screen`.

Run: .venv/bin/python -m benchmarks.campaign_delivery [--database sqlite|postgresql] [--smoke]
(--smoke: 300 people.)
"""

import time
from collections.abc import Callable
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope
from sqlalchemy.orm import Session

from lawful import db, jobs, keystore, mail, marketing, work
from lawful.actor import Actor, ActorKind
from lawful.config import Settings

from .report import header, options
from .seeded import PEOPLE, REGISTER, SMOKE_PEOPLE, Seeded, describe, seeded
from .server import free_port

ACTOR = Actor(ActorKind.CLI, label="bench:campaign")


class Sink:
    """An SMTP server that accepts and counts."""

    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server: object, session: object, envelope: Envelope) -> str:  # noqa: N802 (aiosmtpd API)
        self.received += 1
        return "250 OK"


def main() -> None:
    args = options(__doc__ or "")
    people = SMOKE_PEOPLE if args.smoke else PEOPLE
    with seeded(args.database, "campaign_delivery", people) as item:
        header(f"campaign delivery, {people:,} people", args.database, REGISTER)
        describe(item)
        sink = Sink()
        port = free_port()
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        settings = item.settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port})
        try:
            checked: list[float] = []
            mail.delivery._screens[:] = []  # before: nothing asked at send time
            run(item, settings, "before", "re-check off", checked)
            mail.delivery._screens[:] = [_timed(marketing.sending.screen, checked)]
            run(item, settings, "after", "re-check on", checked)
        finally:
            controller.stop()


def _timed(screen: mail.Screen, spent: list[float]) -> mail.Screen:
    def timed(*args: Any) -> dict[Any, str]:
        started = time.perf_counter()
        try:
            return screen(*args)
        finally:
            spent.append(time.perf_counter() - started)

    return timed


def run(item: Seeded, settings: Settings, key: str, label: str, checked: list[float]) -> None:
    keys = keystore.open_keys(settings)
    engine = db.make_engine(settings.resolved_database_url())
    sessions: Callable[[], Session] = db.make_sessionmaker(engine)
    started = time.perf_counter()
    with work.unit(sessions) as session:
        queued = marketing.send_campaign(
            session,
            ACTOR,
            keys,
            organisation_id=item.population.organisation_id,
            purpose="newsletter",
            campaign=key,
            subject_line="News",
            text="Our news. {unsubscribe_url}",
            base_url="https://bench.example.test",
        )
    print(f"{label}: queued {queued.queued:,} messages in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    done = jobs.deliver_units(settings, keys)  # the worker's and `lawful mail deliver`'s short units
    sent, dropped = done.sent, done.dropped
    seconds = time.perf_counter() - started
    print(f"  {label}: {sent:,} sent, {dropped:,} dropped in {seconds:.1f} s")
    line = f"  {label}: delivery {sent / seconds:,.0f} messages/s"
    if checked:
        line += f", re-check {sum(checked) / max(sent + dropped, 1) * 1000:.3f} ms per message"
    print(line)
    engine.dispose()


if __name__ == "__main__":
    main()
