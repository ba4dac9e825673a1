"""Background work of the audit log: the sealer, which chains committed entries every fraction of a second.

Each `lawful serve` and `lawful worker` process runs one. They never wait for each other: on PostgreSQL a
sealer that finds the chain taken skips its turn, on SQLite it gives up after a short busy timeout.
"""

import logging
import threading

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from lawful import db, keystore, work

from .heads import NoAuditKey
from .service import seal

log = logging.getLogger(__name__)


class Sealer:
    def __init__(self, url: str, *, interval: float) -> None:
        self.url = url
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._engine: Engine | None = None

    def start(self) -> "Sealer":
        """Start sealing; refused at once when the process has not opened the database's key store (the
        audit key signs each seal's head)."""
        if keystore.for_database(self.url) is None:
            raise NoAuditKey(f"open the key store of {keystore.database_name(self.url)} before its sealer")
        self._engine = db.make_engine(self.url, busy_timeout=0.2, pool_size=1)
        self._thread = threading.Thread(target=self._run, name="lawful-audit-sealer", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._engine is not None:
            self._engine.dispose()

    def run_once(self) -> int:
        assert self._engine is not None
        with work.unit(db.make_sessionmaker(self._engine)) as session:
            sealed = seal(session, wait=False)
        return sealed

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.run_once()
            except OperationalError:  # SQLite busy, or the database restarting: next turn
                log.debug("audit sealer skipped a turn", exc_info=True)
        try:
            self.run_once()  # what was committed before the stop
        except OperationalError:
            log.debug("audit sealer could not seal at stop", exc_info=True)
