"""The Art. 15 report as the person reads it: every datum with where it came from, why it is held, who
received it and how long it is kept, in their language (pure: facts in, a JSON-able report out).

access.py gathers the facts from the database; templates/dsr/access.html and `as_csv` present the
report. Keys stay technical for machines (`category`, `activity`), each beside its label (R-51, R-52, T-19).
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lawful import i18n, processing, render

from ..redaction import Own, redact
from .words import STATEMENT, Words

RIGHTS = ("access", "rectification", "erasure", "restriction", "objection", "portability")


@dataclass(frozen=True)
class Held:
    """One current value with its provenance (subjects.Value, flattened)."""

    category: str
    value: str
    version: int
    activity: str
    collected_at: datetime
    channel: str
    source: str
    source_name: str | None = None
    form: str | None = None
    notice: int | None = None
    language: str | None = None


@dataclass(frozen=True)
class Sent:
    """A delivery of the person's data to a recipient that lawful recorded (C-154/21)."""

    recipient: str  # the register's key (uploads, exports, authorities) or its name (Art. 19 notices)
    kind: str  # audience, export, notice or authority (a disclosure on request, R-89)
    at: datetime
    activity: str | None = None
    categories: tuple[str, ...] = ()
    reference: str | None = None
    party: str | None = None  # an authority's kind (police, court, …) and its own name, and the legal basis
    named: str | None = None
    basis: str | None = None


@dataclass(frozen=True)
class Choice:
    """One consent event: given, withdrawn, refused or expired, for an activity or a cookie category."""

    purpose: str
    kind: str
    at: datetime
    channel: str
    language: str


@dataclass(frozen=True)
class Earlier:
    reference: str
    kinds: tuple[str, ...]
    received_at: datetime
    status: str


@dataclass
class Facts:
    reference: str
    received_at: datetime
    today: datetime
    known: bool  # lawful holds a record of the person
    held: list[Held] = field(default_factory=list)
    collected: list[str] = field(default_factory=list)  # the activities of their collections
    consents: list[Choice] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    requests: list[Earlier] = field(default_factory=list)
    excluded_since: datetime | None = None
    datastores: list[dict[str, Any]] = field(default_factory=list)
    own: Own = field(default_factory=lambda: Own.of([], []))


def compose(register: processing.Register, lang: str, facts: Facts) -> dict[str, Any]:
    words = Words(register, lang)
    mask = words.t("report.redacted")
    org = register.organisation
    report: dict[str, Any] = {
        "reference": facts.reference,
        "language": lang,
        "controller": org.legal_name,
        "title": words.t("report.title", controller=org.legal_name),
        "intro": words.t(
            "report.intro",
            reference=facts.reference,
            received=words.day(facts.received_at),
            date=words.day(facts.today),
        ),
        "found": facts.known or any(store.get("rows") for store in facts.datastores),
        "labels": {k: words.t(v) for k, v in _LABELS.items()},
        "datastores": [_store(words, store, facts.own, mask) for store in facts.datastores],
        "rights": _rights(words),
    }
    exclusion = (
        words.t("report.exclusion.listed", date=words.day(facts.excluded_since))
        if facts.excluded_since is not None
        else words.t("report.exclusion.not_listed")
    )
    report |= {"exclusion_list": facts.excluded_since is not None, "exclusion": exclusion}
    if not facts.known:
        empty: dict[str, Any] = {"statement": None, "automated_decisions": []}
        return (
            report
            | empty
            | {k: [] for k in ("data", "activities", "recipients_used", "consents", "cookies", "requests")}
        )
    activities = [a.key for a in register.activities if a.key in set(facts.collected)]
    data = [
        _datum(words, d, facts.own, mask, activities) for d in facts.held
    ]  # the statement too, beside the rest
    statement = next((d.value for d in facts.held if d.category == STATEMENT), None)
    used = [_sent(words, s) for s in facts.sent]
    return report | {
        "data": data,
        "activities": [_activity(words, key, used) for key in activities],
        "recipients_used": used,
        "consents": [_choice(words, c) for c in facts.consents if not c.purpose.startswith("cookies:")],
        "cookies": [_choice(words, c) for c in facts.consents if c.purpose.startswith("cookies:")],
        "requests": [_earlier(words, r) for r in facts.requests],
        "statement": statement,
        "automated_decisions": [
            {"activity": key, "name": words.activity(key), "statement": words.automated(key)}
            for key in activities
        ],
    }


_LABELS = {
    "data": "report.data",
    "category": "csv.datum",
    "value": "csv.value",
    "collected_at": "csv.received",
    "source": "csv.from",
    "activity": "csv.activity",
    "purpose": "csv.purpose",
    "legal_basis": "csv.basis",
    "retention": "csv.retention",
    "recipients": "report.recipient_categories",
    "recipients_used": "report.recipients_used",
    "consents": "report.consents",
    "cookies": "report.cookies",
    "requests": "report.requests",
    "statement": "report.statement",
    "exclusion_list": "report.exclusion",
    "automated_decisions": "report.automated",
    "datastores": "report.elsewhere",
    "rights": "section.rights",
}


def _datum(words: Words, d: Held, own: Own, mask: str, collected: list[str]) -> dict[str, Any]:
    """One value: where it came from, and every activity of the person's that uses its category."""
    uses = [a for a in collected if d.category in words.activities[a].data_categories] or [d.activity]
    where = [words.channel(d.channel)]
    if d.form and words.form(d.form):
        where.append(words.t("report.via_form", form=words.form(d.form)))
    if d.source != "subject":
        where.append(words.t("report.from_source", source=d.source_name or words.source(d.source)))
    return {
        "category": d.category,
        "label": words.category(d.category),
        "value": redact(d.value, own, mask),
        "version": d.version,
        "collected_at": d.collected_at.isoformat(),
        "received_on": words.day(d.collected_at),
        "activity": d.activity,
        "activities": uses,
        "activity_name": ", ".join(words.activity(a) for a in uses),
        "purpose": words.purpose(d.activity),
        "legal_basis": words.bases(d.activity),
        "retention": words.retention(d.activity),
        "channel": d.channel,
        "source": d.source,
        "source_name": d.source_name,
        "form": d.form,
        "from": ", ".join(where),
        "notice_version": d.notice,
        "language": d.language,
    }


def _activity(words: Words, key: str, used: list[dict[str, Any]]) -> dict[str, Any]:
    activity = words.activities[key]
    return {
        "activity": key,
        "name": words.activity(key),
        "purpose": words.purpose(key),
        "legal_basis": words.bases(key),
        "interest": words.label(activity.legitimate_interest.interest)
        if activity.legitimate_interest
        else "",
        "categories": [words.category(c) for c in activity.data_categories],
        "recipients": [words.recipient(words.recipients[r]) for r in activity.recipients],
        "recipients_used": sorted({u["name"] for u in used if u["activity"] == key}),
        "retention": words.retention(key),
        "sources": words.sources(key),
        "automated_decisions": words.automated(key),
    }


def _sent(words: Words, sent: Sent) -> dict[str, Any]:
    recipient = words.recipients.get(sent.recipient) or words.by_name.get(sent.recipient)
    about = words.activity(sent.activity) if sent.activity else ""
    on = words.day(sent.at)
    if sent.kind == "audience":
        data = ", ".join(words.category(c) for c in sent.categories)
        what = words.t("report.sent.audience", activity=about, date=on, data=data)
    elif sent.kind == "export":
        what = words.t("report.sent.export", activity=about, date=on)
    elif sent.kind == "authority":
        return _authority(words, sent, recipient, on)
    else:
        what = words.t("report.sent.notice", reference=sent.reference or "", date=on)
    described = words.recipient(recipient) if recipient else {"name": sent.recipient, "label": ""}
    return described | {"activity": sent.activity, "what": what, "on": on, "at": sent.at.isoformat()}


def _authority(words: Words, sent: Sent, recipient: processing.Recipient | None, on: str) -> dict[str, Any]:
    """A disclosure to an authority on its request: who by its own name, what kind, on which basis, which data."""
    data = ", ".join(words.category(c) for c in sent.categories)
    reference = words.t("disclosures.mail.reference", reference=sent.reference) if sent.reference else ""
    what = words.t("report.sent.authority", date=on, basis=sent.basis or "", reference=reference, data=data)
    kind = words.t(f"disclosures.kind.{sent.party}") if sent.party else ""
    described = words.recipient(recipient) if recipient else {"name": sent.recipient, "label": kind}
    named = {"name": sent.named} if sent.named else {}
    return described | named | {"activity": None, "what": what, "on": on, "at": sent.at.isoformat()}


def _choice(words: Words, choice: Choice) -> dict[str, Any]:
    if choice.purpose.startswith("cookies:"):
        cookie = f"category.{choice.purpose.removeprefix('cookies:')}"
        purpose = words.t(cookie) if cookie in i18n.catalogue() else words.t("report.other_datum")
    else:
        purpose = words.activity(choice.purpose)
    kind = f"consent.kind.{choice.kind}"
    what = words.t(kind) if kind in i18n.catalogue() else choice.kind
    channel = words.channel(choice.channel)
    on = words.day(choice.at)
    return {
        "purpose": choice.purpose,
        "purpose_label": purpose,
        "kind": choice.kind,
        "at": choice.at.isoformat(),
        "on": on,
        "channel": choice.channel,
        "text": words.t("report.consent.line", date=on, what=what, purpose=purpose, channel=channel),
        "language": choice.language,
    }


def _earlier(words: Words, earlier: Earlier) -> dict[str, Any]:
    kinds = ", ".join(
        words.t(f"rights.kind.{k}") for k in earlier.kinds if f"rights.kind.{k}" in i18n.catalogue()
    )
    state = f"rights.state.{earlier.status}"
    on = words.day(earlier.received_at)
    return {
        "reference": earlier.reference,
        "kinds": list(earlier.kinds),
        "received_at": earlier.received_at.isoformat(),
        "status": earlier.status,
        "text": words.t(
            "report.request.line",
            reference=earlier.reference,
            date=on,
            kinds=kinds,
            state=words.t(state) if state in i18n.catalogue() else "",
        ).strip(),
    }


def _store(words: Words, store: dict[str, Any], own: Own, mask: str) -> dict[str, Any]:
    """A datastore's rows: only the columns the dataset map maps to the person's data categories, labelled,
    free text with others' addresses and numbers masked (T-34)."""
    rows = []
    for number, row in enumerate(store.get("rows", []), start=1):
        fields = [
            {
                "column": f["column"],
                "category": f["category"],
                "label": words.category(f["category"]),
                "value": redact(f["value"], own, mask) if isinstance(f["value"], str) else f["value"],
            }
            for f in row.get("fields", [])
            if f["category"] in words.categories and f["value"] is not None
        ]
        rows.append(
            {
                "table": row["table"],
                "record": words.t("report.elsewhere.record", number=number),
                "fields": fields,
            }
        )
    return {"datastore": store.get("datastore"), "name": store.get("name"), "rows": rows}


def _rights(words: Words) -> list[str]:
    everything = words.register.organisation.portability.scope == "all_under_contract_or_consent"
    return [
        words.t("right.portability_all" if right == "portability" and everything else f"right.{right}")
        for right in RIGHTS
    ]


CSV_COLUMNS = (
    "csv.datum",
    "csv.key",
    "csv.value",
    "csv.received",
    "csv.from",
    "csv.activity",
    "csv.purpose",
    "csv.basis",
    "csv.retention",
    "csv.recipients",
)


def as_csv(report: dict[str, Any], words: Words) -> bytes:
    """One row per datum, labelled in the person's language, spreadsheet formulas neutralised; a UTF-8
    byte order mark so that spreadsheets open the accents right."""
    columns = [*CSV_COLUMNS]
    recipients = {a["activity"]: a["recipients"] for a in report.get("activities", [])}
    buffer = io.StringIO()
    # the list separator of the person's spreadsheet: Belgian French and Dutch ones split on ";"
    writer = csv.writer(buffer, delimiter="," if words.lang == "en" else ";", lineterminator="\r\n")
    writer.writerow([words.t(c) for c in columns])
    for d in report.get("data", []):
        names = "; ".join(sorted({str(r["name"]) for a in d["activities"] for r in recipients.get(a, [])}))
        row = [d["label"], d["category"], d["value"], d["received_on"], d["from"], d["activity_name"]]
        row += [d["purpose"], "; ".join(d["legal_basis"]), d["retention"], names]
        writer.writerow([render.spreadsheet_cell(v) for v in row])
    for store in report.get("datastores", []):
        for row in store["rows"]:
            for f in row["fields"]:
                where = f"{store['name']} — {row['record']}"
                writer.writerow(
                    [render.spreadsheet_cell(v) for v in (f["label"], f["category"], f["value"], "", where)]
                    + [""] * 5
                )
    return ("\ufeff" + buffer.getvalue()).encode()
