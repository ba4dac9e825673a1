"""Console page of notice changes: /console/notices/changes (what changed, whom it concerns, who was told, and
the button that tells those not yet told before a material change takes effect, R-116, R-117)."""

import uuid

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse

from lawful import clock, processing
from lawful.web import AppKeys, AppSettings, ConsoleActor, Db, Number, SameOrigin, console_permission, html

from ..rules import NoticeKind
from . import rules, service

console = APIRouter(prefix="/console/notices/changes", tags=["console"], include_in_schema=False)


@console.get("")
def notice_changes(db: Db, actor: ConsoleActor) -> HTMLResponse:
    console_permission(actor, "register:read")
    org = _org(actor)
    today = clock.today()
    changes = [
        {
            **service.as_dict(db, change),
            "mail_by": rules.mail_by(change.effective_from),
            "in_force": change.effective_from <= today,
            "can_mail": change.material and today <= rules.mail_by(change.effective_from),
        }
        for change in service.list_changes(db, organisation_id=org)
    ]
    return html(
        "console/notice_changes.html",
        title="Notice changes",
        actor=actor,
        changes=changes,
        can_publish=actor.can("notice:publish"),
    )


@console.post("/{kind}/{number}/mail", dependencies=[SameOrigin])
def mail_change(
    kind: NoticeKind, number: Number, db: Db, actor: ConsoleActor, keys: AppKeys, settings: AppSettings
) -> RedirectResponse:
    """Tell the people concerned not yet told (idempotent, as the API's and the CLI's `mail`)."""
    console_permission(actor, "notice:publish")
    org = _org(actor)
    change = service.find(db, organisation_id=org, kind=str(kind), number=number)
    service.notify(db, actor, keys, organisation_id=org, change_id=change.id, base_url=settings.base_url)
    return RedirectResponse("/console/notices/changes", status_code=303)


def _org(actor: ConsoleActor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise processing.OrganisationNotFound("your account belongs to no organisation")
    return actor.organisation_id
