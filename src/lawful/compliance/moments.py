"""`--now` of the compliance commands: a day is its start in Brussels; another moment than now in test mode only."""

from datetime import date, datetime, time, timedelta
from typing import Annotated

import typer

from lawful import clock, terminal

Now = Annotated[
    str | None,
    typer.Option("--now", help="as of this day (its start, in Brussels) or moment; test mode only"),
]


def moment(value: str | None) -> datetime:
    """`--now`: a day is its start in Brussels; a moment other than the clock's only in test mode."""
    if value is None:
        return clock.now()
    try:
        text = value.strip()
        found = (
            datetime.combine(date.fromisoformat(text), time(0), tzinfo=clock.BRUSSELS)
            if len(text) == 10
            else datetime.fromisoformat(text)
        )
    except ValueError as exc:
        raise typer.BadParameter("use YYYY-MM-DD or an ISO 8601 moment", param_hint="--now") from exc
    found = found if found.tzinfo else found.replace(tzinfo=clock.BRUSSELS)
    # a run as of another moment would suspend, lift or mark notices done at the wrong time: tests only
    if abs(found - clock.now()) > timedelta(minutes=5) and not terminal.settings().test_mode:
        raise typer.BadParameter("a moment other than now needs test mode", param_hint="--now")
    return found
