"""Forwarding a rights request about client data to the client controller (Art. 28(3)(e), R-102), as
pure functions over dates. The Belgian calendar comes in as an argument (`lawful.clock.is_working_day`).

The DPA's `rights_forwarding_days` (default 2 working days, the receipt day not counted) is the period:
- to forward the request to the client (`forward_by`);
- then for the client to give its instruction before it is reminded (`remind_on`);
- then, after the reminder, before the privacy officer hears of it (`escalate_on`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

Calendar = Callable[[date], bool]
_LONGEST_GAP = 31  # guards against a calendar with no working day at all


class Instruction(StrEnum):
    """What the client controller instructs: carry the request out in its space, or not (it answers itself)."""

    CARRY_OUT = "carry_out"
    REFUSE = "refuse"


class State(StrEnum):
    FORWARDED = "forwarded"  # sent to the client, waiting for its instruction
    CARRIED_OUT = "carried_out"  # instructed to carry out: done through the rights-request machinery
    REFUSED = "refused"  # the client instructed not to act


class FollowUp(StrEnum):
    REMIND = "remind"
    ESCALATE = "escalate"


def add_working_days(start: date, working_days: int, is_working_day: Calendar) -> date:
    """The `working_days`-th working day after `start` (the start day itself not counted)."""
    if working_days < 0:
        raise ValueError("working_days must not be negative")
    day = start
    for _ in range(working_days):
        gap = 0
        day += timedelta(days=1)
        while not is_working_day(day):
            day += timedelta(days=1)
            gap += 1
            if gap > _LONGEST_GAP:
                raise ValueError(f"no working day within {_LONGEST_GAP} days of {day}")
    return day


@dataclass(frozen=True)
class Schedule:
    forward_by: date
    remind_on: date
    escalate_on: date


def schedule(received: date, working_days: int, is_working_day: Calendar) -> Schedule:
    forward_by = add_working_days(received, working_days, is_working_day)
    remind_on = add_working_days(forward_by, working_days, is_working_day)
    return Schedule(forward_by, remind_on, add_working_days(remind_on, working_days, is_working_day))


def follow_up(
    today: date, plan: Schedule, *, instructed: bool, reminded: bool, escalated: bool
) -> FollowUp | None:
    """What is due today for a forwarding: nothing once the client has answered; else a reminder to the
    client from `remind_on`, then the privacy officer from `escalate_on` (each once)."""
    if instructed:
        return None
    if not escalated and today >= plan.escalate_on:
        return FollowUp.ESCALATE
    if not reminded and today >= plan.remind_on:
        return FollowUp.REMIND
    return None


def forwarded_in_time(forwarded_on: date, plan: Schedule) -> bool:
    return forwarded_on <= plan.forward_by
