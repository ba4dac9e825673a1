"""Processor mode in the register: each client's DPA covers what is done for it (Art. 28, 29, 30(2)).

Pure: (path, rule, message) for each problem, and look-ups of the client an activity or form serves.
"""

from collections.abc import Iterator

from .document import Activity, ActivityRole, Client, Form, Recipient, Register

Finding = tuple[str, str, str]
SUB_PROCESSOR_TYPES = frozenset({"processor", "sub_processor"})


def client_of(register: Register, activity_key: str) -> Client | None:
    """The client controller a processor activity acts for; None for the company's own activities."""
    activity = next((a for a in register.activities if a.key == activity_key), None)
    if activity is None or activity.role is not ActivityRole.PROCESSOR:
        return None
    return next((c for c in register.clients if c.key == activity.on_behalf_of), None)


def dpa_complete(recipient: Recipient) -> bool:
    """R-90: a processor receives data only once its DPA is recorded; other recipients need none."""
    return recipient.type not in SUB_PROCESSOR_TYPES or bool(recipient.dpa_ref)


def problems(register: Register) -> Iterator[Finding]:
    categories = {c.key for c in register.data_categories}
    subjects = {s.key for s in register.subject_categories}
    recipients = {r.key: r for r in register.recipients}
    for index, client in enumerate(register.clients):
        yield from _dpa(f"clients[{index}].dpa", client, categories, subjects, recipients)
    clients = {c.key: c for c in register.clients}
    for index, activity in enumerate(register.activities):
        yield from _activity(f"activities[{index}]", activity, clients)
    activities = {a.key: a for a in register.activities}
    for index, form in enumerate(register.forms):
        yield from _form(f"forms[{index}]", form, activities)


def _dpa(
    path: str, client: Client, categories: set[str], subjects: set[str], recipients: dict[str, Recipient]
) -> Iterator[Finding]:
    dpa = client.dpa
    for position, category in enumerate(dpa.data_categories):
        if category not in categories:
            yield (
                f"{path}.data_categories[{position}]",
                "known_reference",
                f"{category!r} is not a declared data category",
            )
    for position, subject in enumerate(dpa.subject_categories):
        if subject not in subjects:
            yield (
                f"{path}.subject_categories[{position}]",
                "known_reference",
                f"{subject!r} is not a declared subject category",
            )
    for position, key in enumerate(dpa.sub_processors):
        recipient = recipients.get(key)
        where = f"{path}.sub_processors[{position}]"
        if recipient is None:
            yield (where, "known_reference", f"{key!r} is not a declared recipient")
        elif recipient.type not in SUB_PROCESSOR_TYPES:
            yield (where, "sub_processor_type", f"{key!r} is a {recipient.type}, not a (sub-)processor")
        elif not dpa_complete(recipient):
            yield (where, "processor_dpa", f"{key!r} has no DPA recorded; it may receive nothing (R-90)")
        else:
            outside = sorted(set(recipient.countries) - set(dpa.locations))
            if outside:
                yield (
                    where,
                    "processing_location",
                    f"{key!r} processes in {', '.join(outside)}, which the DPA's locations do not list",
                )


def _activity(path: str, activity: Activity, clients: dict[str, Client]) -> Iterator[Finding]:
    """Art. 28(3)(a), 29: a processor activity acts for one declared client, within its DPA."""
    if activity.role is not ActivityRole.PROCESSOR or not activity.on_behalf_of:
        return
    client = clients.get(activity.on_behalf_of)
    if client is None:
        yield (
            f"{path}.on_behalf_of",
            "known_client",
            f"{activity.on_behalf_of!r} is not a declared client (clients[].key)",
        )
        return
    count = len(client.dpa.instructions)
    for position, number in enumerate(activity.instructions):
        if not 1 <= number <= count:
            yield (
                f"{path}.instructions[{position}]",
                "known_instruction",
                f"{client.key!r}'s DPA has no instruction {number} (it has {count}; 1 is the first)",
            )
    checks = (
        ("data_categories", activity.data_categories, client.dpa.data_categories),
        ("subjects", activity.subjects, client.dpa.subject_categories),
        ("recipients", activity.recipients, client.dpa.sub_processors),
    )
    for field, used, allowed in checks:
        for position, value in enumerate(used):
            if value not in allowed:
                yield (
                    f"{path}.{field}[{position}]",
                    "outside_dpa",
                    f"{value!r} is outside {client.key!r}'s DPA: processing only on documented "
                    "instructions (Art. 28(3)(a))",
                )


def _form(path: str, form: Form, activities: dict[str, Activity]) -> Iterator[Finding]:
    """R-101, R-106: a client's form offers only that client's purposes, never the company's own."""
    activity = activities.get(form.activity)
    offered = activities.get(form.marketing_consent or "")
    if activity is None or offered is None:
        return
    if offered.on_behalf_of != activity.on_behalf_of or offered.role != activity.role:
        yield (
            f"{path}.marketing_consent",
            "controller_mismatch",
            f"{offered.key!r} is not for the same controller as {activity.key!r}: "
            "a client's form never collects for the company's own purposes (Art. 28(10))",
        )
