"""Rights requests with 100,000 people: an access request and an erasure, from receipt to answer ready.

For each of 50 seeded people per kind, in this process and one after the other: `dsr.open_request(...,
identity_verified=True)` and a commit, then `dsr.steps.run_next` and a commit after each step until none
is left, exactly as the worker's `run_request` job does (mail delivery is a separate job, not timed).
Each request gets a fresh session. One request of each kind is made first, untimed (it imports
WeasyPrint and warms the caches). The access step renders a PDF with WeasyPrint; for every access
request the report (`dsr.rights.access_report`), the HTML rendering and the PDF rendering are then timed
alone, so the time without the PDF can be given. Finally one more request of each kind runs under
cProfile and the top functions by cumulative time are printed.

Then the same work as a deployment runs it: PROCESSES worker processes of THREADS threads (a worker's
threads overlap one request's database waits with another's work), 200 requests in all. A deployment's
workers are long-lived, so the rate is timed from a start line that every thread reaches after its
process has imported lawful, opened its engines and run one request of each kind; the time from the
processes' spawn is printed too.

Goals: access and erasure each under 100 ms of processing, at least 50 requests per second.

Run: .venv/bin/python -m benchmarks.rights [--database sqlite|postgresql] [--smoke]
(--smoke: 300 people, 2 requests per kind, 1 process x 2 threads of 2 requests, no cProfile.)
"""

import cProfile
import io
import multiprocessing
import pstats
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from lawful import db, dsr, keystore, render
from lawful.actor import Actor, ActorKind
from lawful.dsr import rights, steps

from .report import header, options, summarise
from .seeded import PEOPLE, REGISTER, SMOKE_PEOPLE, Seeded, describe, seeded

STAFF = Actor(ActorKind.CLI, label="cli:benchmark")
WORKER = Actor(ActorKind.SYSTEM, label="system:worker")
GOAL_MS = 100.0
GOAL_PER_SECOND = 50.0


@dataclass(frozen=True)
class Size:
    people: int
    per_kind: int
    first: dict[str, int]  # the people asked about: first[kind] + 7 * i
    processes: int
    threads: int
    parallel_per_thread: int
    parallel_first: int  # people not asked about by the sequential runs
    profile: bool


REAL = Size(PEOPLE, 50, {"access": 10_000, "erasure": 20_000}, 2, 4, 25, 40_000, profile=True)
SMOKE = Size(SMOKE_PEOPLE, 2, {"access": 50, "erasure": 100}, 1, 2, 2, 200, profile=False)


def main() -> None:
    args = options(__doc__ or "")
    size = SMOKE if args.smoke else REAL
    with seeded(args.database, "rights", size.people) as item:
        header(f"rights requests, {size.people:,} people", args.database, REGISTER)
        describe(item)
        bench = _Bench(item)
        for kind in ("access", "erasure"):
            bench.one(kind, size.first[kind] - 1)  # warm-up, untimed
        totals: list[float] = []
        for kind in ("access", "erasure"):
            totals += bench.timed(kind, size)
        print(
            f"all {len(totals)} requests, sequential: {len(totals) / sum(totals):.1f} requests/s "
            f"(goal {GOAL_PER_SECOND:.0f}/s: {'met' if len(totals) / sum(totals) >= GOAL_PER_SECOND else 'missed'})"
        )
        parallel(item, size)
        if size.profile:
            for kind in ("access", "erasure"):
                bench.profiled(kind, size.first[kind] + 7 * size.per_kind + 1)


def parallel(item: Seeded, size: Size) -> None:
    """Throughput as a deployment gets it: `processes` worker processes of `threads` threads each (as
    `lawful worker --workers N` runs them), every thread taking its own people, access and erasure
    alternating. Each process is started afresh (spawn), opens its own engines and runs one request of
    each kind; then every thread waits at a start line and the clock runs from there to the last request."""
    processes, threads, per_thread = size.processes, size.threads, size.parallel_per_thread
    print(
        f"parallel: {processes} processes x {threads} threads, {per_thread} requests each "
        "(access and erasure alternating), open_request + run_next/commit per step"
    )
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        start_line = manager.Barrier(processes * threads + 1)
        spawned = time.perf_counter()
        with context.Pool(processes) as pool:
            pending = pool.starmap_async(_worker, [(item, p, size, start_line) for p in range(processes)])
            start_line.wait()
            started = time.perf_counter()
            results = pending.get()
            ended = max(r[2] for r in results)
    done = sum(r[0] for r in results)
    statuses = sum((Counter(r[1]) for r in results), Counter[str]())
    rate = done / (ended - started)
    print(
        f"  {done} requests in {ended - started:.2f} s from the start line: {rate:.1f} requests/s; "
        f"statuses {dict(statuses)}"
    )
    print(
        f"  with process start, imports, engine set-up and warm-up ({started - spawned:.2f} s): "
        f"{done / (ended - spawned):.1f} requests/s"
    )
    print(f"  goal {GOAL_PER_SECOND:.0f}/s: {'met' if rate >= GOAL_PER_SECOND else 'missed'}")


def _worker(item: Seeded, process: int, size: Size, start_line: Any) -> tuple[int, dict[str, int], float]:
    bench = _Bench(item)
    threads, per_thread, first = size.threads, size.parallel_per_thread, size.parallel_first
    for kind in ("access", "erasure"):  # warm-up, not counted: people no other run asks about
        bench.one(kind, first - 1 - 2 * process - (kind == "erasure"))
    statuses: Counter[str] = Counter()
    lock = threading.Lock()

    def run(thread: int) -> None:
        start_line.wait()
        for i in range(per_thread):
            kind = ("access", "erasure")[i % 2]
            index = first + ((process * threads + thread) * per_thread + i) * 3
            status = bench.one(kind, index)[2]
            with lock:
                statuses[status] += 1

    pool = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    # perf_counter is the system's monotonic clock, shared by the processes of one machine
    return sum(statuses.values()), dict(statuses), time.perf_counter()


class _Bench:
    def __init__(self, item: Seeded) -> None:
        self.item = item
        self.keys = keystore.open_keys(item.settings)
        self.sessions: sessionmaker[Session] = db.make_sessionmaker(
            db.make_engine(item.settings.resolved_database_url())
        )

    def one(self, kind: str, index: int) -> tuple[float, dict[str, float], str, object]:
        """One request about person `index`: its processing time, seconds per step, final status, id."""
        population, base_url = self.item.population, self.item.settings.base_url
        per_step: dict[str, float] = {}
        with self.sessions() as session:
            started = time.perf_counter()
            request = dsr.open_request(
                session,
                STAFF,
                self.keys,
                organisation_id=population.organisation_id,
                kinds=[kind],
                email=population.emails[index],
                language="en",
                channel="email",
                base_url=base_url,
                identity_verified=True,
            )
            session.commit()
            request_id = request.id
            per_step["open"] = time.perf_counter() - started
            while True:
                step_started = time.perf_counter()
                step = steps.run_next(session, WORKER, self.keys, request_id=request_id, base_url=base_url)
                if step is None:
                    break
                session.commit()
                per_step[step.kind] = time.perf_counter() - step_started
            total = time.perf_counter() - started
            status = str(session.get(dsr.Request, request_id).status)  # type: ignore[union-attr]
        return total, per_step, status, request_id

    def timed(self, kind: str, size: Size) -> list[float]:
        print(
            f"{kind}: {size.per_kind} requests, open_request(identity_verified=True) + run_next/commit per step, "
            "one fresh session each"
        )
        totals, statuses, report_ms, html_ms, pdf_ms = [], Counter[str](), [], [], []
        per_step: dict[str, list[float]] = {}
        for i in range(size.per_kind):
            total, steps_done, status, request_id = self.one(kind, size.first[kind] + 7 * i)
            totals.append(total)
            statuses[status] += 1
            for name, seconds in steps_done.items():
                per_step.setdefault(name, []).append(seconds * 1000)
            if kind == "access":
                report, html, pdf = self._access_parts(request_id)
                report_ms.append(report)
                html_ms.append(html)
                pdf_ms.append(pdf)
        ms = [t * 1000 for t in totals]
        print(f"  processing per request: {summarise(ms).line('ms', digits=1)}")
        print(f"  statuses at the end: {dict(statuses)}")
        for name, values in per_step.items():
            print(f"    step {name}: {summarise(values).line('ms', digits=1)}")
        if kind == "access":
            print(f"  access_report alone: {summarise(report_ms).line('ms', digits=1)}")
            print(f"  render dsr/access.html alone: {summarise(html_ms).line('ms', digits=1)}")
            # the answer's PDF is printed when the person downloads it, not while the request is processed
            print(
                f"  HTML(...).write_pdf() alone, paid at download: {summarise(pdf_ms).line('ms', digits=1)}"
            )
        median = summarise(ms).median
        print(
            f"  {kind}: {len(totals) / sum(totals):.1f} requests/s sequential; median {median:.1f} ms "
            f"(goal < {GOAL_MS:.0f} ms: {'met' if median < GOAL_MS else 'missed'})"
        )
        return totals

    def _access_parts(self, request_id: object) -> tuple[float, float, float]:
        """The report, its HTML and its PDF for a finished access request, each timed alone (ms)."""
        with self.sessions() as session:
            request = session.get(dsr.Request, request_id)
            assert request is not None
            started = time.perf_counter()
            report = rights.access_report(session, self.keys, request)
            report_ms = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            html = render.render("dsr/access.html", lang=request.language, report=report)
            html_ms = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            from weasyprint import HTML  # 1.2 s to import: not in the worker processes

            HTML(string=html).write_pdf()
            pdf_ms = (time.perf_counter() - started) * 1000
            session.rollback()
        return report_ms, html_ms, pdf_ms

    def profiled(self, kind: str, index: int) -> None:
        profile = cProfile.Profile()
        run: Callable[[], object] = lambda: self.one(kind, index)  # noqa: E731
        profile.runcall(run)
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(15)
        lines = [line for line in out.getvalue().splitlines() if line.strip()]
        print(f"cProfile, one {kind} request, top 15 by cumulative time:")
        for line in lines[2:]:
            print(f"  {line}")


if __name__ == "__main__":
    main()
