"""The register's retention rules: each one ends, and account data end a stated period after the
relationship (Art. 5(1)(e), 13(2)(a); R-71, R-77, R-82). Pure: (path, rule, message) for each problem."""

from collections.abc import Callable, Iterator

from .document import Activity, ActivityRole, Basis, Register, RetentionRule, Trigger
from .periods import period_parts

Finding = tuple[str, str, str]
MAX_REVIEW_MONTHS = 12
# Points in time the data reach (or restart from, at each contact) as they arrive: counted from one of
# them, a rule without a duration would end at once or never, and no review date changes that.
DATED = frozenset({Trigger.COLLECTION, Trigger.DOCUMENT_YEAR_END, Trigger.LAST_INBOUND_CONTACT})
# The end of the customer relationship: what was kept for it goes a stated period later.
RELATIONSHIP_ENDS = frozenset({Trigger.ACCOUNT_CLOSURE, Trigger.RELATIONSHIP_END})
ACCOUNT_ENDS = RELATIONSHIP_ENDS | {Trigger.CONTRACT_END}
# the deletions a person is warned of: after the relationship ended, or after the account lay unused
# (counted from their last inbound contact: their own login, reply, form or call, never our mail)
WARNABLE = RELATIONSHIP_ENDS | {Trigger.LAST_INBOUND_CONTACT}
CUSTOMER = "customer"  # the fideslang data subject of people with an account or a contract
SERVICE_USE = "essential.service"


def period_months(period: str) -> float:
    """Approximate length of an ISO period in months, for limits such as 'review at least yearly'."""
    years, months, weeks, days = period_parts(period)
    return years * 12 + months + (weeks * 7 + days) / 30.4


def problems(register: Register, bases: Callable[[Activity], dict[str, Basis]]) -> Iterator[Finding]:
    for index, rule in enumerate(register.retention_rules):
        yield from _rule(f"retention_rules[{index}]", rule)
    yield from _consent_evidence(register)
    rules = {r.key: r for r in register.retention_rules}
    customers = _customers(register)
    for index, activity in enumerate(register.activities):
        used = rules.get(activity.retention)
        if used is not None and activity.role is ActivityRole.CONTROLLER:
            yield from _account(f"activities[{index}].retention", activity, used, customers, bases)


def _rule(path: str, rule: RetentionRule) -> Iterator[Finding]:
    """R-71: a period or an event with a review of at most 12 months; R-77: a number after the relationship."""
    if rule.duration is None and rule.trigger in DATED:
        yield (
            f"{path}.duration",
            "retention_end",
            f"counted from {rule.trigger}, a rule without a duration never ends: give its period (R-71)",
        )
    elif rule.duration is None and rule.trigger in RELATIONSHIP_ENDS:
        yield (
            f"{path}.duration",
            "post_relationship_period",
            f"counted from {rule.trigger}, say how long the data stay after it, e.g. P12M: no silent 'forever' (R-77)",
        )
    elif rule.duration is None and rule.review_every is None:
        yield (
            f"{path}.review_every",
            "retention_review",
            "a rule without a duration lasts until its trigger and needs a review period (R-71)",
        )
    if rule.review_every is not None and period_months(rule.review_every) > MAX_REVIEW_MONTHS:
        yield (
            f"{path}.review_every",
            "retention_review",
            f"review at least every {MAX_REVIEW_MONTHS} months (R-71)",
        )
    if rule.action == "archive_restricted" and rule.duration is None:
        yield (f"{path}.duration", "archive_period", "an archive needs an end: give its duration")
    yield from _warning(path, rule)


def _warning(path: str, rule: RetentionRule) -> Iterator[Finding]:
    """R-77: inactive or closed accounts are deleted only after the person was warned, in time to react."""
    where, warn = f"{path}.warn_before", rule.warn_before
    if warn is None:
        if rule.trigger is Trigger.ACCOUNT_CLOSURE:
            yield (
                where,
                "warning_period",
                "account data are deleted after the account is closed or lies unused: say how long before "
                "the deletion the person is warned, e.g. P30D (R-77)",
            )
        return
    if rule.trigger not in WARNABLE:
        yield (
            where,
            "warning_period",
            "a warning before deletion is for rules counted from an account closure, a relationship's end "
            "or the person's last inbound contact (an account lying unused)",
        )
    elif period_months(warn) == 0:
        yield (where, "warning_period", "warn at least a day before the deletion")
    elif rule.duration is not None and period_months(warn) >= period_months(rule.duration):
        yield (
            where,
            "warning_period",
            f"a warning {warn} before a deletion {rule.duration} after the {rule.trigger} would come before "
            "it: make it shorter than the duration",
        )


def _consent_evidence(register: Register) -> Iterator[Finding]:
    """R-82: the proof of a consent keeps its link to the person as long as data kept after its withdrawal."""
    evidence = register.organisation.records.consent_evidence
    for index, rule in enumerate(register.retention_rules):
        if (
            rule.trigger is Trigger.CONSENT_WITHDRAWAL
            and rule.duration is not None
            and period_months(rule.duration) > period_months(evidence)
        ):
            yield (
                "organisation.records.consent_evidence",
                "consent_evidence_period",
                f"{evidence} is shorter than retention_rules[{index}] ({rule.duration} after a withdrawal): "
                "the proof of consent must outlast the data it covers (Art. 7(1))",
            )


def _customers(register: Register) -> set[str]:
    """The subject categories that are customers, directly or through the categories they refine."""
    parents = {s.key: s.extends for s in register.subject_categories}
    found: set[str] = set()
    for key in parents:
        seen: set[str] = set()
        current: str | None = key
        while current is not None and current not in seen:
            if current == CUSTOMER:
                found.add(key)
                break
            seen.add(current)
            current = parents.get(current)
    return found


def _account(
    path: str,
    activity: Activity,
    rule: RetentionRule,
    customers: set[str],
    bases: Callable[[Activity], dict[str, Basis]],
) -> Iterator[Finding]:
    """R-77: a customer's account and service data end a stated period after the relationship, or on their
    own (a dated period); never on an event that a former customer never causes (an objection)."""
    if not (activity.data_use == SERVICE_USE or activity.data_use.startswith(SERVICE_USE + ".")):
        return
    if not any(basis is Basis.CONTRACT for s, basis in bases(activity).items() if s in customers):
        return
    if rule.duration is not None and rule.trigger in ACCOUNT_ENDS | DATED:
        return
    yield (
        path,
        "post_relationship_period",
        f"{activity.key!r} holds customers' account or service data: its rule {rule.key!r} must end a stated "
        "period after the relationship (account_closure, relationship_end or contract_end, with a duration) "
        "(R-77)",
    )
