"""Count and time the SQL statements engines run, grouped by verb and tables (`SELECT subjects+identities`)."""

import re
import time
from typing import Any

from sqlalchemy import Engine, event

_TABLES = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE)\s+\"?(\w+)")


class Statements:
    def __init__(self, *engines: Engine) -> None:
        self._started = f"lawful_bench_started_{id(self)}"  # several counters may watch one engine
        self.count: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        for engine in engines:
            event.listen(engine, "before_cursor_execute", self._before)
            event.listen(engine, "after_cursor_execute", self._after)

    def reset(self) -> None:
        self.count.clear()
        self.seconds.clear()

    def show(self, title: str, *, per: int) -> None:
        """Statements per call (`per` calls were made) with their mean time, busiest first."""
        print(f"{title}:")
        for key in sorted(self.seconds, key=self.seconds.__getitem__, reverse=True):
            mean_ms = self.seconds[key] / self.count[key] * 1e3
            print(f"  {self.count[key] / per:8.2f} x {mean_ms:7.3f} ms  {key}")
        total = sum(self.count.values()) / per
        print(
            f"  {total:8.2f} statements, {sum(self.seconds.values()) / per * 1e3:.2f} ms in the database driver"
        )

    def _before(self, conn: Any, _cursor: Any, _statement: str, *_: Any) -> None:
        conn.info[self._started] = time.perf_counter()

    def _after(self, conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seconds = time.perf_counter() - conn.info.pop(self._started)
        tables = "+".join(dict.fromkeys(_TABLES.findall(statement)))
        key = (
            f"{statement.split(None, 1)[0].upper()} {tables}" if tables else " ".join(statement.split())[:60]
        )
        self.count[key] = self.count.get(key, 0) + 1
        self.seconds[key] = self.seconds.get(key, 0.0) + seconds
