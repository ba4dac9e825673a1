"""`lawful dsr show|extend|refuse|mandate`: the API's reads and officer decisions on one request, by reference
(R-123: each calls the service function its route calls, under the same permission)."""

import json
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from lawful import jobs, keystore, terminal

from . import cases, fees, officer, service, tasks
from .errors import RequestNotFound
from .models import Request
from .schemas import FeeRead, RequestRead


def _find(db: Session, reference: str, org: str | None) -> Request:
    found = fees.find_by_reference(db, reference=reference)
    if found is None:
        raise RequestNotFound(f"no request {reference}")
    return service.get(db, request_id=found.id, organisation_id=terminal.organisation_id(db, org))


def _print(request: Request, as_json: bool) -> None:
    data = RequestRead.model_validate(request).model_dump(mode="json")
    if not terminal.emit(data, as_json=as_json):
        terminal.out.print(json.dumps(data, indent=2, ensure_ascii=False))


def show(
    reference: str,
    org: Annotated[str | None, typer.Option("--org")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """One request as GET /api/dsr/{id} answers it: rights, status, due date, outcome."""
    with terminal.session() as db:
        _print(_find(db, reference, org), as_json)


def extend(
    reference: str,
    months: Annotated[int, typer.Option(min=1, max=2, help="1 or 2 more months (Art. 12(3))")],
    reason: Annotated[str, typer.Option(help="why, told to the person")],
    org: Annotated[str | None, typer.Option("--org")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Extend the deadline by up to two months, with the reasons told to the person (Art. 12(3))."""
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        found = _find(db, reference, org)
        request = officer.extend(
            db, terminal.operator(), keys, request_id=found.id, months=months, reason=reason
        )
        _print(request, as_json)


def refuse(
    reference: str,
    justification: Annotated[str, typer.Option(help="the written reasons (Art. 12(5))")],
    org: Annotated[str | None, typer.Option("--org")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Refuse a manifestly unfounded or excessive request, with reasons (privacy officer only, R-48)."""
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        found = _find(db, reference, org)
        request = officer.refuse(
            db, terminal.operator(), keys, request_id=found.id, justification=justification
        )
        _print(request, as_json)


def mandate(
    reference: str,
    evidence: Annotated[
        str, typer.Option(help="what proves the representative may act for the person (R-50)")
    ],
    org: Annotated[str | None, typer.Option("--org")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Record the proof that a representative may act for the person; the request then goes ahead."""
    with terminal.session() as db:
        found = _find(db, reference, org)
        request = cases.confirm_mandate(db, terminal.operator(), request_id=found.id, evidence=evidence)
        if request.status in tasks.RUNNABLE:
            jobs.kick(db, tasks.run_request, str(request.id))
        _print(request, as_json)


def fee_show(reference: str, org: Annotated[str | None, typer.Option("--org")] = None) -> None:
    """The quote for a further copy (R-52) and what was decided (JSON), as GET /api/dsr/{id}/fee."""
    with terminal.session() as db:
        found = _find(db, reference, org)
        data = FeeRead.model_validate(fees.get_fee(db, request_id=found.id)).model_dump(mode="json")
    terminal.emit(data, as_json=True)


def answer(
    reference: str,
    text: Annotated[str, typer.Option(help="the written answer; the APD and the courts are named after it")],
    org: Annotated[str | None, typer.Option("--org")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Close a question or complaint with its written answer (R-70), as POST /api/dsr/{id}/answer."""
    if not 1 <= len(text) <= 10_000:
        raise typer.BadParameter("between 1 and 10000 characters", param_hint="--text")
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        found = _find(db, reference, org)
        request = cases.close_case(db, terminal.operator(), keys, request_id=found.id, answer=text)
        _print(request, as_json)
