"""Who a CLI command acts as (R-123: the same authorisation as the API): the operator of the data
directory by default, or with `lawful --as EMAIL` a staff member whose roles limit what it may run.

`RIGHTS` names the permission (or every permission, a tuple) each command needs, as its API route does;
None: any staff member. tests/test_parity.py holds each to its routes' permissions. A
command that is not listed is the operator's alone (serving, migrations, key rotation, sweeps over every
organisation), so a new command is refused to staff until someone decides what it needs.
"""

from typing import TYPE_CHECKING

from lawful.actor import Actor
from lawful.errors import Forbidden

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

RIGHTS: dict[str, str | tuple[str, ...] | None] = {
    "register schema": None,
    "register check": "register:read",  # as POST /api/register/check
    "register apply": "register:write",
    "register versions": "register:read",
    "register diff": "register:read",
    "register show": "register:read",
    "clients end show": "register:read",  # as GET /api/clients/{client}/end
    "clients show": "register:read",  # as GET /api/clients/{client}
    "clients end due": "register:write",  # as POST /api/clients/ends/due: the staff member's organisation
    "compliance run": "subjects:write",  # as POST /api/compliance/run, which sends the Art. 14 notices due
    "register export": "register:read",
    "register scan": "register:read",
    "notice publish": "notice:publish",
    "notice list": "register:read",
    "notice show": "register:read",
    "notice check": "register:read",
    "i18n check": None,
    "staff add": "staff:manage",
    "staff grant": "staff:manage",
    "staff revoke": "staff:manage",
    "staff list": "staff:manage",
    "staff totp": "staff:manage",
    "staff api-key": "staff:manage",
    "staff revoke-key": "staff:manage",
    "staff reset-password": "staff:manage",  # as POST /api/staff/{staff_id}/password
    "analytics set": "register:write",  # a new register version, as PUT /api/analytics/config
    "audit verify": "audit:read",
    "compliance trend": "compliance:read",  # as GET /api/compliance/trend
    "stats subjects": "stats:read",  # as GET /api/stats/*
    "stats consents": "stats:read",
    "stats requests": "stats:read",
    "compliance transfers": "compliance:read",  # as GET /api/compliance/transfers
    "compliance art14 send": "subjects:write",  # as POST /api/compliance/art14/send
    "compliance art14 exempt": "subjects:write",
    "compliance art14 letters": "compliance:read",
    "compliance art14 letter": "personal_data:read",
    "audit head": "audit:read",
    "audit list": "audit:read",
    "subjects add": "subjects:write",
    "subjects import": "subjects:write",
    "subjects update-link": "subjects:write",  # and subjects:read, checked as the route checks it
    "flags hold": "subjects:flag",
    "flags restrict": "subjects:flag",
    "flags lift-restriction": "subjects:flag",
    "flags lift-hold": "subjects:flag",
    "flags flag-child": "subjects:flag",
    "flags holds": "subjects:flag",
    "flags art14-pending": "compliance:read",  # as GET /api/compliance/art14/notices
    "flags history": "subjects:read",  # as GET /api/subjects/{subject_id}/history
    "consent history": "subjects:read",  # as GET /api/subjects/{subject_id}/consents
    "decide check": "decisions:ask",
    "decide read": "personal_data:read",
    "decide export request": "personal_data:read",  # as /api/exports: approval also needs export:approve
    "decide export show": "personal_data:read",
    "decide export approve": "personal_data:read",
    "decide export file": "personal_data:read",
    "dsr add": "dsr:write",
    "dsr list": "dsr:read",
    "dsr show": "dsr:read",
    "dsr tasks show": "dsr:read",
    "dsr extend": "dsr:write",
    "dsr refuse": "dsr:write",
    "dsr mandate": "dsr:write",
    "dsr run": "dsr:write",
    "dsr fee": "dsr:write",
    "dsr fee-show": "dsr:read",  # as GET /api/dsr/{request_id}/fee
    "dsr answer": "dsr:write",  # as POST /api/dsr/{request_id}/answer
    "dsr objection": "dsr:write",
    "dsr assign": "dsr:write",
    "dsr deletions list": "dsr:read",
    "dsr tasks list": "dsr:read",  # as GET /api/dsr/tasks
    "dsr tasks record": "dsr:write",
    "dsr letter": "dsr:read",
    "dsr identify": "dsr:write",
    "dsr identified": "dsr:write",
    "dsr unidentified": "dsr:write",
    "dsr complete": "dsr:write",
    "notice changes list": "register:read",  # as GET /api/notices/changes
    "notice changes show": "register:read",
    "notice changes mail": "notice:publish",
    "staff access-review": "audit:read",  # as GET /api/staff/access-review
    "staff review-grant": "staff:manage",
    "analytics show": None,  # the banner's public settings
    "compliance check": "compliance:read",  # as GET /api/compliance
    "consent withdraw": "subjects:write",
    "marketing sends": "subjects:read",  # as GET /api/subjects/{subject_id}/campaigns
    "marketing campaign queue": "marketing:send",
    "marketing campaign check": "marketing:send",
    "marketing campaign list": "marketing:send",
    "marketing campaign show": "marketing:send",
    "marketing campaign cancel": "marketing:send",
    "retention plan": "retention:read",  # as GET /api/retention/plan
    "retention log": "retention:read",
    "retention event": "subjects:write",
    "clients list": "register:read",  # as GET /api/clients
    "clients register": "register:read",
    "clients sub-processors list": "register:read",
    "clients sub-processors add": "register:write",
    "clients sub-processors decide": "register:write",
    "clients end record": "register:write",
    "clients end return": ("personal_data:read", "register:write"),
    "clients end erase": "retention:run",
    "clients end certify": "retention:run",
    "breaches clients": ("breaches:read", "breaches:write"),  # --notify tells the clients, as the POST does
    "breach clients": ("breaches:read", "breaches:write"),
    "clients requests list": "clients:instruct",  # a client's own systems' scope: held by no staff role
    "clients requests instruct": "clients:instruct",
    "clients credentials add": "register:write",
    "clients credentials list": "register:read",
    "clients credentials reveal": "credentials:reveal",
    "clients credentials destroy": "register:write",
    "clients instructions list": "register:read",
    "clients instructions flag": "register:write",
    "clients instructions resolve": "register:write",
    "dsr deletions show": "dsr:read",
    "dsr disclosures create": "disclosures:approve",
    "dsr disclosures approve": "disclosures:approve",
    "dsr disclosures disclose": "disclosures:approve",
    "dsr disclosures lift-prohibition": "disclosures:approve",
    "dsr disclosures list": "disclosures:approve",
    "dsr disclosures show": "disclosures:approve",
    "connectors check": "register:read",
    "connectors find": "personal_data:read",
    "connectors retention plan": "retention:read",
    "marketing audience upload": "marketing:send",
    "marketing audience preview": "marketing:send",  # as POST /api/audiences
    "marketing audience export": "marketing:send",  # as POST /api/audiences/exports
    "marketing phone import-dncm": "marketing:send",
    "marketing phone call-list": "marketing:send",
    "marketing phone suppress": "marketing:send",
    "calendar working-day": None,
    **{
        f"{group} {command}": right
        for group in ("breaches", "breach")  # R-93 writes `lawful breach …`
        for command, right in {
            "open": None,  # anyone on staff reports a suspected incident
            "list": "breaches:read",
            "show": "breaches:read",
            "note": "breaches:write",
            "assess": "breaches:write",
            "decide": "breaches:write",
            "close": "breaches:write",
            "update": "breaches:write",  # as PATCH /api/breaches/{reference}
            # the jobs, as POST /api/breaches/alerts, /detections: the staff member's organisation only
            "alerts": "breaches:write",
            "detect": "breaches:write",
        }.items()
    },
    **{
        f"{group} {command}": right
        for group in ("breaches", "breach")
        for command, right in {  # the scope, the APD dossier, the letters, the lists' destruction
            "scope": "breaches:write",
            "scope-show": "breaches:read",  # as GET /api/breaches/{reference}/scope
            "dossier": "breaches:read",
            "notify-authority": "breaches:write",
            "letters send": "breaches:write",
            "letters status": "breaches:read",
            "letters print": "breaches:write",
            "forget-affected": "breaches:write",  # as POST /api/breaches/forget-affected (its organisation)
        }.items()
    },
}


def staff_actor(db: "Session", email: str, command: str) -> Actor:
    """The staff member behind `--as`, if their roles allow `command`; Forbidden otherwise."""
    from lawful import staff

    if command not in RIGHTS:
        raise Forbidden(f"`lawful {command}` is run by the operator of the data directory, not with --as")
    actor = staff.actor_for_email(db, email=email)
    lacking = [permission for permission in needs(command) if not actor.can(permission)]
    if lacking:
        named = ", ".join(lacking)
        detail = f"your roles do not allow {named!r}, which `lawful {command}` needs"
        raise staff.refused(actor, named, f"lawful {command}", detail)  # audited, as the API's refusal
    return actor


def needs(command: str) -> tuple[str, ...]:
    """Every permission `command` needs (none: any staff member)."""
    found = RIGHTS[command]
    return () if found is None else (found,) if isinstance(found, str) else found
