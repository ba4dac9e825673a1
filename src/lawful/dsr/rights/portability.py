"""Art. 20 portability: what the person provided, processed on consent or contract, to take away (T-18)."""

import csv
import io
import json
from typing import Any

from sqlalchemy.orm import Session

from lawful import audit, keystore, outbound, processing, render, subjects
from lawful.actor import Actor

from .. import datastores, rules, writes
from ..models import Request
from ..packages import package_parts
from .access import current_register


def portability(
    db: Session, actor: Actor, keys: keystore.Keys, request: Request, base_url: str
) -> dict[str, Any]:
    """Art. 20: what the person provided, processed under consent or contract, as JSON and CSV (T-18).

    The copy joins lawful's own values with the fields its datastore steps found in the company's other
    databases (datastores.py): a person lawful never met still gets what those hold about them.
    """
    rows = [*_portable_values(db, keys, request), *_portable_fields(db, keys, request)]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: render.spreadsheet_cell(v) for k, v in row.items()} for row in rows)
    package_parts(
        db,
        keys,
        request,
        {
            "portability.json": json.dumps({"data": rows}, ensure_ascii=False, default=str).encode(),
            "portability.csv": buffer.getvalue().encode(),
        },
    )
    transmitted = None
    if request.details.get(rules.TRANSMIT_TO):
        transmitted = _transmit(db, actor, request, {"reference": request.reference, "data": rows})
    return {"found": bool(rows), "items": len(rows), "transmitted": transmitted}


_COLUMNS = ["category", "value", "collected_at", "source"]


def _portable_values(db: Session, keys: keystore.Keys, request: Request) -> list[dict[str, Any]]:
    """The values lawful holds for an activity on consent or contract that the register's scope carries."""
    if request.subject_id is None:
        return []
    portable = processing.portable(current_register(db, request))
    return [
        {
            "category": v.category,
            "value": v.value,
            "collected_at": v.collection.collected_at.isoformat(),
            "source": "lawful",
        }
        for v in subjects.values(db, keys, subject_id=request.subject_id)
        if portable.carries(
            activity=v.collection.activity,
            category=v.category,
            from_subject=v.collection.provided_by_subject,
        )
    ]


def _portable_fields(db: Session, keys: keystore.Keys, request: Request) -> list[dict[str, Any]]:
    """The portable fields of the company's other databases, one row per field, named by store and table."""
    return [
        {
            "category": field["category"],
            "value": field["value"],
            "collected_at": None,  # a datastore does not say when a field was collected
            "source": f"{store['datastore']}:{row['table']}",
        }
        for store in datastores.found(db, keys, request, right=datastores.PORTABILITY)
        for row in store["rows"]
        for field in row["fields"]
    ]


def _transmit(db: Session, actor: Actor, request: Request, payload: dict[str, Any]) -> str:
    """Art. 20(2): to the destination the person confirmed with their code, else not at all. The person
    reads only whether it was delivered (no network outcome: the privacy center is no port scanner);
    staff read the category in the audit: unconfirmed, refused_address, unreachable or rejected."""
    if not rules.destination_confirmed(request.details):
        shown, category = rules.UNCONFIRMED, "unconfirmed"
    else:
        try:
            response = outbound.post(str(request.details[rules.TRANSMIT_TO]), json=payload, timeout=15)
            delivered = outbound.delivered(response)
            category = "delivered" if delivered else "rejected"
        except outbound.OutboundError as exc:
            category = exc.category
        shown = rules.DELIVERED if category == "delivered" else rules.NOT_DELIVERED
    entry = audit.entry(
        actor,
        "dsr.transmitted",
        entity=request,
        organisation_id=request.organisation_id,
        outcome="ok" if category == "delivered" else "failed",
        data={"category": category},
    )
    writes.add(db, audit.TABLE, [entry])
    return shown
