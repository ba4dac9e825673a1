"""The legal rules of a register that span several of its parts (Art. 6, 9, 13, 30, 44-46).

Pure: values in, problems out. Each problem names its path in the document, e.g.
`activities[3].legal_basis`, and the rule it breaks.
"""

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from . import clients, datastores, known_trackers, retention, taxonomy
from .document import Activity, Basis, FieldType, Form, Mechanism, Register, TrackerCategory

# EU member states plus Iceland, Liechtenstein and Norway: no transfer mechanism needed (Art. 44).
EEA = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
    ]
)


@dataclass(frozen=True)
class Problem:
    path: str
    rule: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.rule}]"


def check(register: Register) -> list[Problem]:
    """Every rule violation in the register; an empty list means it may be applied."""
    return [
        *_duplicate_keys(register),
        *_organisation(register),
        *_data_categories(register),
        *_recipients(register),
        *(Problem(*found) for found in retention.problems(register, bases)),
        *_trackers(register),
        *(Problem(*found) for found in clients.problems(register)),
        *(Problem(*found) for found in known_trackers.problems(register)),
        *(
            Problem(*found)
            for found in datastores.problems(
                register.datastores,
                categories={c.key for c in register.data_categories},
                retention_rules={r.key for r in register.retention_rules},
                activities={a.key for a in register.activities},
                clients={c.key for c in register.clients},
            )
        ),
        *(p for index, form in enumerate(register.forms) for p in _form(register, index, form)),
        *(
            p
            for index, activity in enumerate(register.activities)
            for p in _activity(register, index, activity)
        ),
    ]


def bases(activity: Activity) -> dict[str, Basis]:
    """The legal basis for each subject category of an activity (one per category, R-02)."""
    if activity.legal_basis is None:
        return {}
    if isinstance(activity.legal_basis, Basis):
        return dict.fromkeys(activity.subjects, activity.legal_basis)
    return {subject: entry.basis for entry in activity.legal_basis for subject in entry.subjects}


def _duplicate_keys(register: Register) -> Iterator[Problem]:
    sections = (
        "forms",
        "subject_categories",
        "data_categories",
        "recipients",
        "retention_rules",
        "security_measures",
        "activities",
        "trackers",
        "clients",
    )
    for section in sections:
        items = getattr(register, section)
        seen = Counter(item.key for item in items)
        for index, item in enumerate(items):
            if seen[item.key] > 1:
                yield Problem(
                    f"{section}[{index}].key", "unique_key", f"key {item.key!r} is used more than once"
                )


def _organisation(register: Register) -> Iterator[Problem]:
    org = register.organisation
    if org.authoritative_language not in org.languages:
        yield Problem(
            "organisation.authoritative_language",
            "authoritative_language",
            f"{org.authoritative_language!r} is not one of the organisation's languages",
        )
    if len(set(org.languages)) != len(org.languages):
        yield Problem("organisation.languages", "unique_language", "a language is listed twice")


def _data_categories(register: Register) -> Iterator[Problem]:
    known = taxonomy.data_categories()
    for index, category in enumerate(register.data_categories):
        path = f"data_categories[{index}]"
        if category.key not in known and category.extends is None:
            yield Problem(
                f"{path}.key",
                "fideslang_category",
                f"{category.key!r} is not a fideslang data category; name the one it refines in 'extends'",
            )
        if category.extends is not None and category.extends not in known:
            yield Problem(
                f"{path}.extends",
                "fideslang_category",
                f"{category.extends!r} is not a fideslang data category",
            )
        if is_special(category) and category.art9_condition is None:
            yield Problem(
                f"{path}.art9_condition",
                "art9_condition",
                f"{category.key!r} is a special category (Art. 9/10) and needs an Art. 9(2) condition",
            )


def is_special(category: object) -> bool:
    key, extends, flagged = (getattr(category, name) for name in ("key", "extends", "special"))
    return bool(flagged) or taxonomy.is_special(key) or (extends is not None and taxonomy.is_special(extends))


def _recipients(register: Register) -> Iterator[Problem]:
    categories = {c.key for c in register.data_categories}
    for index, recipient in enumerate(register.recipients):
        path = f"recipients[{index}]"
        outside = sorted(set(recipient.countries) - EEA)
        if outside and recipient.transfer is None:
            yield Problem(
                f"{path}.transfer",
                "transfer_mechanism",
                f"{recipient.key!r} processes data in {', '.join(outside)} (outside the EEA) "
                "and needs a transfer mechanism (Art. 44-49)",
            )
        transfer = recipient.transfer
        if transfer and transfer.mechanism in (Mechanism.SCC, Mechanism.BCR) and not transfer.tia_ref:
            yield Problem(
                f"{path}.transfer.tia_ref",
                "transfer_impact_assessment",
                "SCC and BCR transfers need a transfer impact assessment reference (Schrems II)",
            )
        for field_index, field in enumerate(recipient.fields):
            if field not in categories:
                yield Problem(
                    f"{path}.fields[{field_index}]",
                    "known_category",
                    f"{field!r} is not a declared data category",
                )
        if recipient.type in ("processor", "sub_processor") and not recipient.dpa_ref:
            yield Problem(
                f"{path}.dpa_ref",
                "processor_dpa",
                f"processor {recipient.key!r} has no DPA recorded; no data may flow to it (Art. 28)",
                "warning",
            )


def _trackers(register: Register) -> Iterator[Problem]:
    activities = {a.key: a for a in register.activities}
    recipients = {r.key for r in register.recipients}
    for index, tracker in enumerate(register.trackers):
        path = f"trackers[{index}]"
        if tracker.recipient is not None and tracker.recipient not in recipients:
            yield Problem(
                f"{path}.recipient", "known_recipient", f"{tracker.recipient!r} is not a declared recipient"
            )
        if tracker.activity is not None and tracker.activity not in activities:
            yield Problem(
                f"{path}.activity", "known_activity", f"{tracker.activity!r} is not a declared activity"
            )
            continue
        if tracker.category is TrackerCategory.STRICTLY_NECESSARY:
            continue
        activity = activities.get(tracker.activity or "")
        if activity is None:
            yield Problem(
                f"{path}.activity",
                "tracker_consent",
                "a non-essential tracker must name the consent-based activity it serves (ePrivacy Art. 5(3))",
            )
        elif set(bases(activity).values()) != {Basis.CONSENT}:
            yield Problem(
                f"{path}.activity",
                "tracker_consent",
                f"non-essential device access needs consent; {activity.key!r} is not consent-based (R-24)",
            )


def _activity(register: Register, index: int, activity: Activity) -> Iterator[Problem]:
    path = f"activities[{index}]"
    yield from _references(register, path, activity)
    yield from _legal_basis(path, activity)
    if activity.data_use not in taxonomy.data_uses():
        yield Problem(
            f"{path}.data_use", "fideslang_use", f"{activity.data_use!r} is not a fideslang data use"
        )
    if activity.role == "processor" and not activity.on_behalf_of:
        yield Problem(
            f"{path}.on_behalf_of",
            "processor_controller",
            "a processor activity names the controllers it acts for (Art. 30(2)(a))",
        )


def _references(register: Register, path: str, activity: Activity) -> Iterator[Problem]:
    checks: Iterable[tuple[str, list[str], set[str]]] = (
        ("data_categories", activity.data_categories, {c.key for c in register.data_categories}),
        ("subjects", activity.subjects, {s.key for s in register.subject_categories}),
        ("recipients", activity.recipients, {r.key for r in register.recipients}),
        ("security_measures", activity.security_measures, {m.key for m in register.security_measures}),
    )
    for field, values, known in checks:
        for position, value in enumerate(values):
            if value not in known:
                yield Problem(
                    f"{path}.{field}[{position}]", "known_reference", f"{value!r} is not declared in {field}"
                )
    if activity.retention not in {r.key for r in register.retention_rules}:
        yield Problem(
            f"{path}.retention", "known_reference", f"{activity.retention!r} is not a declared retention rule"
        )


def _legal_basis(path: str, activity: Activity) -> Iterator[Problem]:
    if activity.legal_basis is None:
        if activity.role == "controller":
            yield Problem(
                f"{path}.legal_basis",
                "missing_basis",
                "a controller activity needs its legal basis (Art. 6(1))",
            )
        return
    if activity.role == "processor":
        yield Problem(
            f"{path}.legal_basis",
            "processor_basis",
            "a processor activity has no legal basis of its own: the controller's applies (Art. 28)",
            "warning",
        )
    if isinstance(activity.legal_basis, list):
        counts = Counter(subject for entry in activity.legal_basis for subject in entry.subjects)
        for subject, times in sorted(counts.items()):
            if times > 1:
                yield Problem(
                    f"{path}.legal_basis",
                    "one_basis",
                    f"subject category {subject!r} has {times} legal bases; one activity has one basis per "
                    "subject category: split the activity (R-02)",
                )
            if subject not in activity.subjects:
                yield Problem(
                    f"{path}.legal_basis",
                    "known_subject",
                    f"{subject!r} is not one of the activity's subjects",
                )
        for subject in activity.subjects:
            if subject not in counts:
                yield Problem(
                    f"{path}.legal_basis", "missing_basis", f"no legal basis for subject category {subject!r}"
                )
    if Basis.LEGITIMATE_INTERESTS in bases(activity).values() and activity.legitimate_interest is None:
        yield Problem(
            f"{path}.legitimate_interest",
            "lia_required",
            "an activity based on legitimate interests needs its balancing test on file (R-03)",
        )


IDENTITY_TYPES = frozenset({FieldType.EMAIL, FieldType.PHONE})


def _form(register: Register, index: int, form: Form) -> Iterator[Problem]:
    """A form collects only what its activity declares, from the people it serves (R-12, R-15)."""
    path = f"forms[{index}]"
    activities = {a.key: a for a in register.activities}
    activity = activities.get(form.activity)
    if activity is None:
        yield Problem(f"{path}.activity", "known_activity", f"{form.activity!r} is not a declared activity")
        return
    if form.subject_category not in activity.subjects:
        yield Problem(
            f"{path}.subject_category",
            "known_subject",
            f"{form.subject_category!r} is not one of the subjects of {activity.key!r}",
        )
    seen: set[str] = set()
    categories: set[str] = set()
    for position, field in enumerate(form.fields):
        if field.category in categories:
            yield Problem(
                f"{path}.fields[{position}].category",
                "unique_category",
                f"two fields collect {field.category!r}; use a finer category (user.name.first, user.name.last)",
            )
        categories.add(field.category)
        if field.key in seen:
            yield Problem(
                f"{path}.fields[{position}].key", "unique_key", f"field {field.key!r} is declared twice"
            )
        seen.add(field.key)
        if field.category not in activity.data_categories:
            yield Problem(
                f"{path}.fields[{position}].category",
                "field_category",
                f"{field.category!r} is not collected by activity {activity.key!r}; declare it there first",
            )
    if not form.referral and not any(f.type in IDENTITY_TYPES for f in form.fields):
        yield Problem(
            f"{path}.fields", "identity_field", "a form needs an email or phone field to know who wrote"
        )
    if form.marketing_consent is not None:
        offered = activities.get(form.marketing_consent)
        if offered is None:
            yield Problem(
                f"{path}.marketing_consent", "known_activity", f"{form.marketing_consent!r} is not declared"
            )
        elif bases(offered).get(form.subject_category) is not Basis.CONSENT:
            yield Problem(
                f"{path}.marketing_consent",
                "consent_basis",
                f"{offered.key!r} does not rest on consent for {form.subject_category!r}",
            )
    if form.marketing_optout and not any(
        a.data_use.startswith("marketing")
        and bases(a).get(form.subject_category) not in (None, Basis.CONSENT)
        for a in register.activities
    ):
        yield Problem(
            f"{path}.marketing_optout",
            "optout_purpose",
            f"no marketing activity reaches {form.subject_category!r} without consent: there is nothing to refuse",
        )
