"""The erasure letter (Art. 17, 19; R-57, R-60): what was erased, what is kept with its legal ground and
end date, what remains, which recipients were told, in the person's language. And the certificate's
public view: the step results as the person may read them, without lawful's own bookkeeping.

Composed from the step results (pure), rendered to templates/dsr/erasure_letter.html by the answer step;
the PDF is printed from it on download, like the access report's.
"""

from datetime import date, datetime
from typing import Any

from lawful import clock, notices, processing, render

from ..models import Request
from .words import Words

LETTER = "erasure_letter.html"
DELIVERED = "delivered"
# what a step records for staff and the worker only: never in what the person receives
INTERNAL = frozenset({"key_destroyed", "queued_mail_deleted", "copies_destroyed", "consent_proof"})


def public(results: dict[str, Any]) -> dict[str, Any]:
    """The step results for answer.json: internal counters out, a recipient's outcome as told/pending."""
    shown: dict[str, Any] = {}
    for kind, result in results.items():
        if not isinstance(result, dict):
            shown[kind] = result
        elif kind == "notify_recipients":
            told = dict(result.get("recipients") or {})
            shown[kind] = {
                "recipients": {n: DELIVERED if o == DELIVERED else "pending" for n, o in told.items()}
            }
        else:
            shown[kind] = {k: v for k, v in result.items() if k not in INTERNAL}
    return shown


def letter(register: processing.Register, request: Request, results: dict[str, Any]) -> bytes:
    """The erasure letter as HTML, for an answer that includes an erasure."""
    composed = compose(
        register,
        request.language,
        reference=request.reference,
        received_at=request.received_at,
        today=clock.now(),
        results=results,
    )
    return render.render("dsr/erasure_letter.html", lang=request.language, letter=composed).encode()


def compose(
    register: processing.Register,
    lang: str,
    *,
    reference: str,
    received_at: datetime,
    today: datetime,
    results: dict[str, Any],
) -> dict[str, Any]:
    words = Words(register, lang)
    erasure = dict(results.get("erasure") or {})
    stores = [
        r for k, r in sorted(results.items()) if k.startswith("datastore_erasure:") and isinstance(r, dict)
    ]
    found = erasure.get("found", True) is not False or any(s.get("found") for s in stores)
    erased = [words.activity(a) for a in erasure.get("erased", [])]
    kept = [_kept(words, k) for k in erasure.get("kept", [])]
    elsewhere = []
    for store in stores:
        by_action: dict[str, list[str]] = {}
        for f in store.get("fields", []):
            if f.get("action") == "kept":
                kept.append(_kept_field(words, store, f))
            else:
                labels = by_action.setdefault(f.get("action", "erased"), [])
                if words.category(f["category"]) not in labels:
                    labels.append(words.category(f["category"]))
        what = "; ".join(
            f"{', '.join(labels)} — {words.t(f'erasure.action.{action}')}"
            for action, labels in by_action.items()
        )
        if what:
            elsewhere.append(words.t("erasure.elsewhere", system=store.get("name") or "", what=what))
    told = dict((results.get("notify_recipients") or {}).get("recipients") or {})
    on = words.day(today)
    recipients = [
        words.t("erasure.recipient.told", name=n, date=on)
        if o == DELIVERED
        else words.t("erasure.recipient.pending", name=n)
        for n, o in sorted(told.items())
    ]
    remains = []
    if erasure.get("exclusion_entry"):
        remains.append(words.t("erasure.remains.exclusion"))
    if erasure.get("consent_proof"):
        remains.append(words.t("erasure.remains.proof"))
    case = notices.period(register.organisation.records.rights_requests, lang)
    remains.append(words.t("erasure.remains.case", period=case))
    return {
        "reference": reference,
        "language": lang,
        "controller": register.organisation.legal_name,
        "intro": words.t("erasure.intro", reference=reference, received=words.day(received_at), date=on),
        "found": found,
        "erased": erased,
        "elsewhere": elsewhere,
        "kept": kept,
        "remains": remains,
        "recipients": recipients,
    }


def _kept(words: Words, item: dict[str, Any]) -> str:
    what = words.activity(item["activity"])
    ground = words.t(f"erasure.ground.{item.get('ground', 'legal_obligation')}")
    until = _day(words, item.get("until"))
    if until:
        return words.t("erasure.kept.line", what=what, why=ground, until=until)
    rule = words.retention_rules.get(item.get("retention") or "")
    if rule is not None and item.get("ground") != "legal_hold":
        return words.t("erasure.kept.line_rule", what=what, why=ground, rule=words.label(rule.label))
    return words.t("erasure.kept.line_hold", what=what, why=ground)


def _kept_field(words: Words, store: dict[str, Any], field: dict[str, Any]) -> str:
    what = f"{words.category(field['category'])} ({store.get('name') or ''})"
    ground = words.t("erasure.ground.legal_obligation")
    until = _day(words, field.get("until"))
    if until:
        return words.t("erasure.kept.line", what=what, why=ground, until=until)
    rule = words.retention_rules.get(field.get("retention") or "")
    label = words.label(rule.label) if rule else ""
    return words.t("erasure.kept.line_rule", what=what, why=ground, rule=label)


def _day(words: Words, value: object) -> str:
    if isinstance(value, str) and value:
        return words.day(date.fromisoformat(value[:10]))
    return ""
