"""JSON API of the register: /api/register."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from lawful.actor import Actor
from lawful.errors import Forbidden
from lawful.web import Db, Number, OptionalNumber, require

from . import service
from .document import Register
from .export import MEDIA_TYPES, ExportFormat, export
from .scan import scan_site
from .schemas import (
    CheckResult,
    ProblemRead,
    RegisterScan,
    RegisterSubmit,
    RegisterVersionDetail,
    RegisterVersionRead,
    ScanFindingRead,
)

router = APIRouter(prefix="/api/register", tags=["register"])
Reader = Annotated[Actor, Depends(require("register:read"))]
Writer = Annotated[Actor, Depends(require("register:write"))]


@router.get("/schema")
def get_schema() -> dict[str, Any]:
    """The JSON Schema of the register format."""
    return Register.model_json_schema()


@router.post("/check")
def check_register(body: RegisterSubmit, db: Db, actor: Reader) -> CheckResult:
    """Against the register in force of the caller's organisation: a new purpose on data already held
    needs its Art. 6(4) assessment."""
    _, problems = service.check(body.yaml, service.in_force(db, organisation_id=actor.organisation_id))
    return CheckResult(
        ok=not any(p.severity == "error" for p in problems),
        problems=[ProblemRead(**vars(p)) for p in problems],
    )


@router.post("/versions", status_code=201)
def apply_register(body: RegisterSubmit, db: Db, actor: Writer, response: Response) -> RegisterVersionRead:
    register, _ = service.check(body.yaml)
    if register is not None and actor.organisation_id is not None:
        own = service.find_organisation(db, slug=register.organisation.slug)
        if own is None or own.id != actor.organisation_id:
            raise Forbidden("this key belongs to another organisation")
    version, created = service.apply(db, actor, text=body.yaml, source=body.source)
    if not created:
        response.status_code = 200
    return RegisterVersionRead.model_validate(version)


@router.get("/versions")
def list_versions(db: Db, actor: Reader) -> list[RegisterVersionRead]:
    versions = service.list_versions(db, organisation_id=_org(actor))
    return [RegisterVersionRead.model_validate(v) for v in versions]


@router.get("/versions/{number}")
def get_version(number: Number, db: Db, actor: Reader) -> RegisterVersionDetail:
    return RegisterVersionDetail.model_validate(
        service.get_version(db, organisation_id=_org(actor), number=number)
    )


@router.get("/versions/{number}/diff")
def diff_version(number: Number, db: Db, actor: Reader) -> list[dict[str, Any]]:
    """What version NUMBER changed compared with the one before it: op, path, before, after."""
    return service.get_version(db, organisation_id=_org(actor), number=number).changes


@router.post("/scans")
def create_scan(body: RegisterScan, db: Db, actor: Reader) -> list[ScanFindingRead]:
    """Visit the page in Chromium (only at addresses the outbound policy allows) and say, for each cookie,
    storage key and third-party host found, whether the register declares it (R-23)."""
    found = scan_site(db, organisation_id=_org(actor), url=body.url, accept_all=body.accept_all)
    return [ScanFindingRead.model_validate(row) for row in found]


@router.get("/export")
def export_record(
    db: Db,
    actor: Reader,
    format: ExportFormat = ExportFormat.JSON,
    lang: Annotated[str | None, Query(pattern="^(en|fr|nl)$")] = None,
    version: OptionalNumber = None,
) -> Response:
    """The Art. 30 record of processing."""
    stored = service.get_version(db, organisation_id=_org(actor), number=version)
    register = service.register_of(stored)
    body = export(
        register, format, lang=lang or register.organisation.authoritative_language, version=stored.number
    )
    filename = f"art30-{register.organisation.slug}-v{stored.number}.{format}"
    return Response(
        body,
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _org(actor: Actor) -> Any:
    if actor.organisation_id is None:
        raise Forbidden("this key belongs to no organisation")
    return actor.organisation_id
