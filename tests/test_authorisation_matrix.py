"""Who may call what (the "one safe path" evidence): every API route and console page of the app, each kind
of caller, from one table. A route missing from the table fails, so a new route must say who may call it.

Outcomes: "401" (API, no key), "login" (console, no session: 303 to the login page), "403" (lacks the
permission), "404" (another organisation's id), "deny" (403 or 404: another organisation lacking the
permission too) and "ok" (2xx, a redirect elsewhere than the login page, or 400/409/410/422 - the call was let
through and refused on its content). Another organisation's callers use this organisation's ids in the path;
whatever they send, this organisation's rows must stay as they were."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from lawful.config import Settings
from lawful.staff.rules import PERMISSIONS, ROLE_PERMISSIONS, Role
from tests.conftest import empty
from tests.matrix_world import NOW, World, build_world, fresh_rows, log_in, snapshot

P = frozenset
PUBLIC = None  # no credentials needed
ANY: frozenset[str] = P()  # any signed-in caller
HOLD = {"case_ref": "C-9", "reason": "claim", "purpose": "request_followup", "review_on": "2027-01-01"}
RESTRICT = {"ground": "accuracy_contested", "reason": "contested"}
FOLLOWUP = {"purpose": "request_followup"}
REFUSAL = "the same request for the fifth time this month"
OFFICER = P({"dsr:write", "export:approve"})  # decisions the privacy officer alone takes (dsr.errors)
DISCLOSURES = P({"disclosures:approve"})  # R-89: privacy officer and legal, for the whole log
DISCLOSURE = {"requester_kind": "police", "legal_basis": "Art. 46bis", "categories": ["user.name"]}
RETENTION_EVENT = {"subject_id": "{subject_id}", "kind": "contract_end", "at": "2020-06-30"}


@dataclass(frozen=True)
class Rule:
    needs: frozenset[str] | None  # every permission the caller must hold; None: public
    body: dict[str, Any] | None = None  # JSON for the API, form fields for the console
    query: dict[str, str] | None = None
    others: dict[str, str] = field(default_factory=dict)  # callers whose outcome differs from the rule
    ends_session: bool = False
    allowed: str = "ok"  # what a caller let through gets, when it is not "ok"
    once: bool = False  # the first caller let through uses the row up; later ones find it gone


# Exports: a requester's export is hidden (404) from anyone else who cannot approve exports.
NOT_REQUESTER = {f"key:{s}": "404" for s in ("personal_data:read",)} | {
    f"role:{r}": "404"
    for r in Role
    if "personal_data:read" in ROLE_PERMISSIONS[r] and "export:approve" not in ROLE_PERMISSIONS[r]
}

# Breaches: a processor's key (breaches:report) reports cases and sees only its own; anyone on staff reports.
REPORTER = {"key:breaches:report": "ok"}
NOT_ITS_REPORT = {"key:breaches:report": "404"}
BREACH = "/api/breaches/{reference}"
PAGE = "/console/breaches/{reference}"
ASSESSMENT = {"risk": "unlikely", "rationale": "encrypted"}
DECISION = {"audience": "authority", "notify": True, "reasons": "names exposed"}
BREACH_ROUTES: dict[tuple[str, str], Rule] = {
    ("POST", "/api/breaches"): Rule(P({"breaches:write"}), {"title": "x", "aware_at": NOW}, others=REPORTER),
    ("GET", "/api/breaches"): Rule(P({"breaches:read"}), others=REPORTER),
    ("GET", BREACH): Rule(P({"breaches:read"}), others=NOT_ITS_REPORT),
    ("PATCH", BREACH): Rule(P({"breaches:write"}), {"approx_subjects": 5}),
    ("POST", BREACH + "/notes"): Rule(P({"breaches:write"}), {"text": "x"}, others=NOT_ITS_REPORT),
    ("POST", BREACH + "/assessment"): Rule(P({"breaches:write"}), ASSESSMENT),
    ("POST", BREACH + "/decisions"): Rule(P({"breaches:write"}), DECISION),
    ("POST", BREACH + "/close"): Rule(P({"breaches:write"})),  # 422 until decided: let through
    ("POST", "/api/breaches/alerts"): Rule(P({"breaches:write"})),
    ("POST", "/api/breaches/detections"): Rule(P({"breaches:write"}), {"only": ["login_spike"]}),
    ("POST", "/api/breaches/forget-affected"): Rule(P({"breaches:write"})),
    ("GET", "/console/breaches"): Rule(P({"breaches:read"})),
    ("GET", "/console/breaches/new"): Rule(ANY),
    ("POST", "/console/breaches"): Rule(ANY, {"title": "x", "aware_at": "2026-01-05T10:00"}),
    ("GET", PAGE): Rule(P({"breaches:read"})),
    ("POST", PAGE + "/notes"): Rule(P({"breaches:write"}), {"text": "x"}),
    ("POST", PAGE + "/assessment"): Rule(P({"breaches:write"}), ASSESSMENT),
    ("POST", PAGE + "/decisions"): Rule(P({"breaches:write"}), DECISION | {"notify": "true"}),
    ("POST", PAGE + "/close"): Rule(P({"breaches:write"})),
}

# A case's scope, APD dossier and letters (breaches/scope, dossier, letters): the world's case has no scope
# computed and no decision on the people, so reading the scope finds none and sending letters is refused.
WORDS = {"what_happened": "x", "consequences": "y", "measures": "z"}
BREACH_SCOPE_ROUTES: dict[tuple[str, str], Rule] = {
    ("POST", BREACH + "/scope"): Rule(P({"breaches:write"}), {"systems": ["lawful"]}),
    ("GET", BREACH + "/scope"): Rule(P({"breaches:read"}), allowed="404"),
    ("GET", BREACH + "/dossier"): Rule(P({"breaches:read"})),
    ("POST", BREACH + "/dossier"): Rule(P({"breaches:write"}), {"lang": "fr"}),  # 422: items missing
    ("POST", BREACH + "/letters"): Rule(P({"breaches:write"}), {"texts": {"fr": WORDS}}),  # 422: no decision
    ("GET", BREACH + "/letters"): Rule(P({"breaches:read"})),
    ("GET", BREACH + "/letters/printable.pdf"): Rule(P({"breaches:write"})),
    ("GET", PAGE + "/scope"): Rule(P({"breaches:read"})),
    ("POST", PAGE + "/scope"): Rule(P({"breaches:write"}), {"systems": "lawful"}),
    ("GET", PAGE + "/dossier"): Rule(P({"breaches:read"})),
    ("GET", PAGE + "/dossier.pdf"): Rule(P({"breaches:read"})),
    ("GET", PAGE + "/letters"): Rule(P({"breaches:read"})),
    ("POST", PAGE + "/letters"): Rule(P({"breaches:write"}), {f"fr_{k}": v for k, v in WORDS.items()}),
    ("GET", PAGE + "/letters/printable.pdf"): Rule(P({"breaches:write"})),
    # notices to client controllers (breaches/clients): the world's case concerns no client's data
    ("GET", BREACH + "/clients"): Rule(P({"breaches:read"})),
    ("POST", BREACH + "/clients/notices"): Rule(P({"breaches:write"}), {"clients": []}),
    ("GET", PAGE + "/clients"): Rule(P({"breaches:read"})),
    ("POST", PAGE + "/clients"): Rule(P({"breaches:write"})),
}

TABLE: dict[tuple[str, str], Rule] = {
    ("GET", "/api/register/schema"): Rule(PUBLIC),
    ("POST", "/api/register/check"): Rule(P({"register:read"})),
    ("POST", "/api/register/versions"): Rule(P({"register:write"})),
    ("GET", "/api/register/versions"): Rule(P({"register:read"})),
    ("GET", "/api/register/versions/{number}"): Rule(P({"register:read"})),
    ("GET", "/api/register/versions/{number}/diff"): Rule(P({"register:read"})),
    # a private address: refused on its content (422) before any browser starts
    ("POST", "/api/register/scans"): Rule(P({"register:read"}), {"url": "http://10.0.0.1/"}),
    ("GET", "/api/register/export"): Rule(P({"register:read"})),
    ("GET", "/api/clients"): Rule(P({"register:read"})),
    ("GET", "/api/clients/{client}"): Rule(P({"register:read"})),
    ("POST", "/api/clients/ends/due"): Rule(P({"register:write"})),
    ("GET", "/api/clients/register"): Rule(P({"register:read"})),
    ("GET", "/api/clients/sub-processor-changes"): Rule(P({"register:read"})),
    ("POST", "/api/clients/sub-processor-changes"): Rule(
        P({"register:write"}), body={"recipient": "print_house", "notice": "a new print house"}
    ),
    ("POST", "/api/clients/sub-processor-changes/{change_id}/decision"): Rule(
        P({"register:write"}), body={"decision": "objected"}
    ),
    ("GET", "/api/clients/credentials"): Rule(P({"register:read"})),
    ("POST", "/api/clients/credentials"): Rule(
        P({"register:write"}), body={"client": "brand", "system": "AD", "username": "u", "secret": "s3cret"}
    ),
    ("POST", "/api/clients/credentials/{credential_id}/reveal"): Rule(
        P({"credentials:reveal"}), body={"reason": "ticket 42: reset the switch"}
    ),
    ("DELETE", "/api/clients/credentials/{credential_id}"): Rule(P({"register:write"}), once=True),
    ("GET", "/api/clients/{client}/instructions/flags"): Rule(P({"register:read"})),
    ("POST", "/api/clients/{client}/instructions/{number}/flag"): Rule(
        P({"register:write"}), body={"reasons": ["no retention limit"]}
    ),
    ("POST", "/api/clients/instruction-flags/{flag_id}/resolve"): Rule(
        P({"register:write"}), body={"resolution": "the client set a limit"}
    ),
    ("GET", "/api/clients/{client}/end"): Rule(P({"register:read"})),
    ("POST", "/api/clients/{client}/end"): Rule(P({"register:write"}), body={}),
    ("POST", "/api/clients/{client}/end/return"): Rule(P({"register:write", "personal_data:read"})),
    ("POST", "/api/clients/{client}/end/erasure"): Rule(P({"retention:run"})),
    ("POST", "/api/clients/{client}/end/certificate"): Rule(P({"retention:run"})),
    # R-102: a client's key; the world's register has no client, so whoever is let through finds none
    ("GET", "/api/clients/{key}/requests"): Rule(P({"clients:instruct"}), allowed="404"),
    ("POST", "/api/clients/{key}/requests/{request_id}/instruction"): Rule(
        P({"clients:instruct"}), {"instruction": "refuse"}, allowed="404"
    ),
    ("GET", "/console/clients/requests"): Rule(P({"dsr:read"})),
    ("POST", "/api/notices/{kind}/versions"): Rule(P({"notice:publish"})),
    ("GET", "/api/notices/{kind}/versions"): Rule(P({"register:read"})),
    ("GET", "/api/notices/{kind}/versions/{number}"): Rule(P({"register:read"})),
    ("GET", "/api/notices/{kind}/check"): Rule(P({"register:read"})),
    ("GET", "/api/notices/changes"): Rule(P({"register:read"})),
    ("GET", "/api/notices/changes/{kind}/{number}"): Rule(P({"register:read"})),
    ("POST", "/api/notices/changes/{kind}/{number}/mail"): Rule(P({"notice:publish"})),
    ("GET", "/api/staff/access-review"): Rule(P({"audit:read"})),
    ("POST", "/api/staff/grants/{grant_id}/review"): Rule(P({"staff:manage"}), body={}),
    ("GET", "/api/staff"): Rule(P({"staff:manage"})),
    # nobody gives a role with rights they lack: a key holding staff:manage alone is refused the auditor's
    ("POST", "/api/staff"): Rule(
        P({"staff:manage"}), {"email": "{email}", "roles": ["auditor"]}, others={"key:staff:manage": "403"}
    ),
    ("POST", "/api/staff/{staff_id}/grants"): Rule(
        P({"staff:manage"}), {"role": "auditor"}, others={"key:staff:manage": "403"}
    ),
    ("DELETE", "/api/staff/{staff_id}/grants/{role}"): Rule(P({"staff:manage"})),
    ("POST", "/api/staff/{staff_id}/password"): Rule(P({"staff:manage"}), {"generate": True}),
    # a key gives only scopes it holds: staff:manage alone may give staff:manage
    ("POST", "/api/staff/api-keys"): Rule(P({"staff:manage"}), {"name": "m", "scopes": ["staff:manage"]}),
    ("DELETE", "/api/staff/api-keys/{key_id}"): Rule(P({"staff:manage"})),
    ("GET", "/api/audit/head"): Rule(P({"audit:read"})),
    # the world's register has no analytics tool: whoever is let through finds none
    ("PUT", "/api/analytics/config"): Rule(P({"register:write"}), {"retention_months": 13}, allowed="404"),
    ("GET", "/api/calendar/working-days/{day}"): Rule(ANY),
    ("GET", "/api/audit"): Rule(P({"audit:read"})),
    ("GET", "/api/audit/verify"): Rule(P({"audit:read"})),
    ("GET", "/api/connectors/retention/plan"): Rule(P({"retention:read"})),
    ("POST", "/api/connectors/retention/run"): Rule(P({"retention:run"})),
    ("POST", "/api/connectors/events/import"): Rule(P({"retention:run"})),
    ("POST", "/api/connectors/check"): Rule(P({"register:read"}), {}),
    ("POST", "/api/connectors/find"): Rule(P({"personal_data:read"}), {"email": "someone@example.test"}),
    ("GET", "/api/forms/{form_key}"): Rule(PUBLIC),
    ("POST", "/api/forms/{form_key}/submissions"): Rule(PUBLIC),
    ("POST", "/api/subjects"): Rule(P({"subjects:write"})),
    ("POST", "/api/imports"): Rule(P({"subjects:write"})),
    ("POST", "/api/subjects/{subject_id}/update-links"): Rule(P({"subjects:write", "subjects:read"})),
    ("GET", "/api/banner/config"): Rule(PUBLIC),
    ("GET", "/api/analytics/config"): Rule(PUBLIC),
    ("POST", "/api/banner/consents"): Rule(PUBLIC),
    ("GET", "/api/banner/consents/{consent_id}"): Rule(PUBLIC),
    ("POST", "/api/newsletters/{purpose}/subscriptions"): Rule(PUBLIC),
    ("GET", "/api/subjects/{subject_id}/consents"): Rule(P({"subjects:read"})),
    ("POST", "/api/audiences"): Rule(P({"marketing:send"})),
    ("POST", "/api/campaigns"): Rule(P({"marketing:send"})),
    ("POST", "/api/campaigns/checks"): Rule(P({"marketing:send"})),
    ("GET", "/api/campaigns"): Rule(P({"marketing:send"})),
    ("GET", "/api/campaigns/{key}"): Rule(P({"marketing:send"}), allowed="deny"),  # no such campaign: 404
    ("POST", "/api/campaigns/{key}/cancel"): Rule(P({"marketing:send"}), allowed="deny"),
    ("GET", "/api/subjects/{subject_id}/campaigns"): Rule(P({"subjects:read"})),
    ("POST", "/api/subjects/{subject_id}/consents/withdrawals"): Rule(
        P({"subjects:write"}), {"purpose": "newsletter", "channel": "phone"}
    ),
    ("POST", "/api/audiences/exports"): Rule(P({"marketing:send"})),
    ("POST", "/api/audiences/uploads"): Rule(P({"marketing:send"})),
    ("POST", "/api/phone/dncm-imports"): Rule(P({"marketing:send"})),
    ("POST", "/api/phone/call-lists"): Rule(P({"marketing:send"})),
    ("POST", "/api/phone/suppressions"): Rule(P({"marketing:send"}), {"number": "+32470000001"}),
    ("POST", "/api/dsr"): Rule(P({"dsr:write"})),
    ("GET", "/api/dsr"): Rule(P({"dsr:read"})),
    ("GET", "/api/dsr/{request_id}"): Rule(P({"dsr:read"})),
    ("POST", "/api/dsr/{request_id}/extension"): Rule(P({"dsr:write"}), {"months": 1, "reason": "many"}),
    ("POST", "/api/dsr/{request_id}/refusal"): Rule(OFFICER, {"justification": REFUSAL}),
    ("POST", "/api/dsr/{request_id}/mandate"): Rule(P({"dsr:write"}), {"text": "a signed mandate"}),
    ("POST", "/api/dsr/{request_id}/identification"): Rule(
        P({"dsr:write"}), {"doubt": "two people", "asked": "a bill"}
    ),
    ("POST", "/api/dsr/{request_id}/answer"): Rule(P({"dsr:write"}), {"text": "our answer"}),
    ("POST", "/api/dsr/{request_id}/unidentified"): Rule(P({"dsr:write"}), {"text": "no match"}),
    ("POST", "/api/dsr/{request_id}/identity"): Rule(P({"dsr:write"}), {"text": "customer number"}),
    ("GET", "/api/dsr/{request_id}/letters"): Rule(P({"dsr:read"})),
    ("GET", "/api/dsr/{request_id}/letters/{letter}"): Rule(P({"dsr:read"}), allowed="404"),
    ("POST", "/api/dsr/{request_id}/run"): Rule(P({"dsr:write"})),
    ("GET", "/api/dsr/{request_id}/fee"): Rule(P({"dsr:read"}), allowed="404"),  # no fee was quoted
    ("POST", "/api/dsr/{request_id}/fee"): Rule(P({"dsr:write"}), {"decision": "waived"}),
    ("POST", "/api/dsr/{request_id}/objection"): Rule(OFFICER, {"outcome": "upheld"}),
    ("PUT", "/api/dsr/{request_id}/assignee"): Rule(P({"dsr:write"}), {"staff_id": None}),
    ("GET", "/api/dsr/tasks"): Rule(P({"dsr:read"})),
    ("POST", "/api/dsr/recipients/retry"): Rule(P({"dsr:write"})),
    ("GET", "/api/dsr/{request_id}/recipients"): Rule(P({"dsr:read"})),
    ("POST", "/api/dsr/{request_id}/recipients"): Rule(  # the request has no recipient to tell yet
        P({"dsr:write"}),
        {"recipient": "Host SA", "outcome": "impossible", "note": "gone bankrupt"},
        allowed="404",
    ),
    ("POST", "/api/dsr/{request_id}/complete"): Rule(P({"dsr:write"})),  # 409: not answered yet
    ("POST", "/api/dsr/disclosures"): Rule(DISCLOSURES, DISCLOSURE | {"received_on": "2026-01-05"}),
    ("GET", "/api/dsr/disclosures"): Rule(DISCLOSURES),
    ("GET", "/api/dsr/disclosures/{disclosure_id}"): Rule(DISCLOSURES),
    ("POST", "/api/dsr/disclosures/{disclosure_id}/approve"): Rule(DISCLOSURES),  # then 409: approved
    ("POST", "/api/dsr/disclosures/{disclosure_id}/disclose"): Rule(DISCLOSURES),  # 409 until approved
    ("POST", "/api/dsr/disclosures/{disclosure_id}/lift-prohibition"): Rule(DISCLOSURES),
    ("GET", "/api/dsr/deletions"): Rule(P({"dsr:read"}), query={"status": "scheduled"}),
    ("GET", "/api/dsr/deletions/{deletion_id}"): Rule(P({"dsr:read"})),
    ("POST", "/api/dsr/deletions/run"): Rule(P({"dsr:write"})),  # the key's organisation only
    ("POST", "/api/dsr/sweep"): Rule(P({"dsr:write"})),
    ("GET", "/api/dsr/tombstones"): Rule(P({"dsr:read"})),
    ("POST", "/api/dsr/tombstones/apply"): Rule(P({"dsr:write"}), {"dry_run": True}),
    ("POST", "/api/dsr/tombstones/sweep"): Rule(P({"dsr:write"})),
    ("POST", "/api/mail/deliver"): Rule(P({"dsr:write"})),  # the key's organisation's mail only
    ("POST", "/api/decisions"): Rule(P({"decisions:ask"})),
    ("POST", "/api/decisions/batch"): Rule(P({"decisions:ask"})),
    ("POST", "/api/subjects/read"): Rule(P({"personal_data:read"})),
    ("POST", "/api/exports"): Rule(P({"personal_data:read"})),
    ("GET", "/api/exports/{export_id}"): Rule(P({"personal_data:read"})),
    ("POST", "/api/exports/{export_id}/approval"): Rule(P({"personal_data:read", "export:approve"})),
    ("GET", "/api/exports/{export_id}/file"): Rule(P({"personal_data:read"}), others=NOT_REQUESTER),
    ("GET", "/api/subjects/{subject_id}/history"): Rule(P({"subjects:read"})),
    ("POST", "/api/subjects/{subject_id}/holds"): Rule(P({"subjects:flag"}), HOLD),
    ("POST", "/api/holds/{hold_id}/lift"): Rule(P({"subjects:flag"}), once=True),
    ("GET", "/api/subjects/holds"): Rule(P({"subjects:flag"})),
    ("POST", "/api/subjects/{subject_id}/restrictions"): Rule(P({"subjects:flag"}), RESTRICT),
    ("POST", "/api/restrictions/{restriction_id}/lift"): Rule(
        P({"subjects:flag"}), {"informed_at": "2026-03-01T10:00:00+01:00"}, once=True
    ),
    ("POST", "/api/subjects/{subject_id}/child"): Rule(P({"subjects:flag"})),
    ("GET", "/api/stats/subjects"): Rule(P({"stats:read"}), query={"group_by": "country"}),
    ("GET", "/api/stats/consents"): Rule(P({"stats:read"})),
    ("GET", "/api/stats/requests"): Rule(P({"stats:read"})),
    ("GET", "/api/compliance"): Rule(P({"compliance:read"})),
    ("GET", "/api/compliance/transfers"): Rule(P({"compliance:read"})),
    ("GET", "/api/compliance/trend"): Rule(P({"compliance:read"})),
    ("POST", "/api/compliance/art14/send"): Rule(P({"subjects:write"})),
    ("POST", "/api/compliance/art14/{subject_id}/exemption"): Rule(
        P({"subjects:write"}), {"ground": "impossible_or_disproportionate", "reason": "no address"}
    ),
    ("GET", "/api/compliance/art14/notices"): Rule(P({"compliance:read"})),
    ("GET", "/api/compliance/art14/letters"): Rule(P({"compliance:read"})),
    ("POST", "/api/compliance/run"): Rule(P({"subjects:write"})),
    ("GET", "/api/compliance/art14/letters/{subject_id}"): Rule(P({"personal_data:read"}), allowed="404"),
    ("GET", "/console/login"): Rule(PUBLIC),
    ("POST", "/console/login"): Rule(PUBLIC),
    ("POST", "/console/logout"): Rule(ANY, allowed="login", ends_session=True),
    ("GET", "/console"): Rule(P({"register:read"})),
    ("GET", "/console/register/export"): Rule(P({"register:read"})),
    ("GET", "/console/clients/register"): Rule(P({"register:read"})),
    ("GET", "/console/clients"): Rule(P({"register:read"})),
    ("GET", "/console/register/{number}"): Rule(P({"register:read"})),
    ("GET", "/console/notices"): Rule(P({"register:read"})),
    ("POST", "/console/notices/{kind}"): Rule(P({"notice:publish"})),
    ("GET", "/console/notices/changes"): Rule(P({"register:read"})),
    ("POST", "/console/notices/changes/{kind}/{number}/mail"): Rule(P({"notice:publish"})),
    ("GET", "/console/audit"): Rule(P({"audit:read"})),
    ("GET", "/console/stats"): Rule(P({"stats:read"})),
    ("GET", "/console/compliance"): Rule(P({"compliance:read"})),
    ("GET", "/console/subjects"): Rule(P({"personal_data:read"})),
    ("POST", "/console/subjects"): Rule(
        P({"personal_data:read"}), {"kind": "email", "value": "{email}"} | FOLLOWUP
    ),
    ("GET", "/console/subjects/holds"): Rule(P({"subjects:flag"})),
    ("GET", "/console/subjects/{subject_id}"): Rule(P({"personal_data:read"}), query=FOLLOWUP),
    ("POST", "/console/subjects/{subject_id}/holds"): Rule(
        P({"subjects:flag"}), HOLD | {"hold_purpose": "request_followup"} | FOLLOWUP
    ),
    ("POST", "/console/subjects/{subject_id}/restrictions"): Rule(P({"subjects:flag"}), RESTRICT | FOLLOWUP),
    ("POST", "/console/subjects/{subject_id}/restrictions/{restriction_id}/lift"): Rule(
        P({"subjects:flag"}), {"informed_at": "2026-03-01T10:00"} | FOLLOWUP, once=True
    ),
    ("POST", "/console/subjects/{subject_id}/holds/{hold_id}/lift"): Rule(
        P({"subjects:flag"}), FOLLOWUP, once=True
    ),
    ("GET", "/console/exports"): Rule(P({"personal_data:read"})),
    ("POST", "/console/exports"): Rule(P({"personal_data:read"}), FOLLOWUP),
    ("POST", "/console/exports/{export_id}/approval"): Rule(P({"export:approve"})),
    ("GET", "/console/exports/{export_id}/file"): Rule(P({"personal_data:read"}), others=NOT_REQUESTER),
    ("GET", "/console/requests"): Rule(P({"dsr:read"})),
    ("GET", "/console/requests/deletions"): Rule(P({"dsr:read"})),
    ("GET", "/console/requests/{request_id}"): Rule(P({"dsr:read"})),
    ("GET", "/console/tasks"): Rule(P({"dsr:read"})),
    ("GET", "/console/disclosures"): Rule(DISCLOSURES),
    ("POST", "/console/disclosures/{disclosure_id}/approve"): Rule(DISCLOSURES),
    ("POST", "/console/disclosures/{disclosure_id}/disclose"): Rule(DISCLOSURES),
    ("POST", "/console/disclosures/{disclosure_id}/lift-prohibition"): Rule(DISCLOSURES),
    ("GET", "/console/disclosures/{disclosure_id}/data"): Rule(DISCLOSURES),  # 409: nothing disclosed yet
    ("POST", "/console/requests/{request_id}/recipients"): Rule(
        P({"dsr:write"}),
        {"notice": "{request_id}", "outcome": "impossible", "note": "gone bankrupt"},
        allowed="404",
    ),
    ("POST", "/console/requests/{request_id}/complete"): Rule(P({"dsr:write"})),
    ("POST", "/console/requests/{request_id}/fee"): Rule(P({"dsr:write"}), {"decision": "waived"}),
    ("POST", "/console/requests/{request_id}/objection"): Rule(OFFICER, {"outcome": "upheld"}),
    ("POST", "/console/requests/{request_id}/extension"): Rule(
        P({"dsr:write"}), {"months": "1", "reason": "x"}
    ),
    ("POST", "/console/requests/{request_id}/refusal"): Rule(OFFICER, {"justification": REFUSAL}),
    ("GET", "/console/requests/intake"): Rule(P({"dsr:write"})),
    ("POST", "/console/requests/intake"): Rule(
        P({"dsr:write"}),
        {
            "kinds": "access",
            "channel": "post",
            "received_at": "2026-01-05T10:00",
            "name": "A",
            "postal_address": "x",
        },
    ),
    ("POST", "/console/requests/{request_id}/identification"): Rule(
        P({"dsr:write"}), {"doubt": "two people", "asked": "a bill"}
    ),
    ("POST", "/console/requests/{request_id}/unidentified"): Rule(P({"dsr:write"}), {"why": "no match"}),
    ("POST", "/console/requests/{request_id}/identity"): Rule(
        P({"dsr:write"}), {"method": "customer number"}
    ),
    ("GET", "/console/requests/{request_id}/letters/{letter}"): Rule(P({"dsr:read"}), allowed="404"),
    ("GET", "/console/consent"): Rule(P({"subjects:read"})),
    ("GET", "/console/audiences"): Rule(P({"marketing:send"})),
    ("GET", "/console/campaigns"): Rule(P({"marketing:send"})),
    ("POST", "/console/campaigns"): Rule(
        P({"marketing:send"}),
        {"purpose": "newsletter", "key": "matrix", "subject": "News", "text": "{{unsubscribe_url}}"},
    ),
    ("POST", "/console/campaigns/{key}/cancel"): Rule(P({"marketing:send"}), allowed="deny"),
    ("GET", "/console/campaigns/people/{subject_id}"): Rule(P({"personal_data:read"})),
    ("POST", "/console/consent/withdrawals"): Rule(
        P({"subjects:write"}), {"subject_id": "{subject_id}", "purpose": "newsletter", "channel": "phone"}
    ),
    ("POST", "/console/audiences/uploads"): Rule(
        P({"marketing:send"}), {"purpose": "newsletter", "recipient": "hosting"}
    ),
    **BREACH_ROUTES,
    ("GET", "/api/retention/plan"): Rule(P({"retention:read"})),
    ("POST", "/api/retention/run"): Rule(P({"retention:run"})),
    ("GET", "/api/retention/runs"): Rule(P({"retention:read"})),
    ("GET", "/api/retention/runs/{run_id}"): Rule(P({"retention:read"})),
    ("POST", "/api/retention/events"): Rule(P({"subjects:write"}), RETENTION_EVENT),
    ("GET", "/console/retention"): Rule(P({"retention:read"})),
    ("GET", "/console/retention/runs/{run_id}"): Rule(P({"retention:read"})),
    ("POST", "/console/retention/run"): Rule(P({"retention:run"})),
    ("POST", "/console/retention/events"): Rule(
        P({"subjects:write"}), RETENTION_EVENT | {"channel": "staff", "activity": "", "reference": ""}
    ),
    **BREACH_SCOPE_ROUTES,
}


def app_routes(app: FastAPI) -> list[tuple[str, str]]:
    found = []
    for context in iter_route_contexts(app.routes):
        path = context.path or ""
        if isinstance(context.original_route, APIRoute) and path.startswith(("/api/", "/console")):
            found += [(method, path) for method in sorted(context.methods or ())]
    return found


# Parameters of this organisation's own rows: another organisation calling with them must get nothing.
IDS = {
    "subject_id",
    "hold_id",
    "restriction_id",
    "request_id",
    "export_id",
    "number",
    "disclosure_id",
    "reference",
    "run_id",
    "staff_id",
    "key_id",
}
SCOPES = sorted(PERMISSIONS)


def callers(path: str, rule: Rule) -> list[str]:
    """Each kind of caller of this route, by name: `key:<scope>`, `role:<role>`, `their key:*`..."""
    console = path.startswith("/console")
    ours = [f"role:{r}" for r in Role] if console else [f"key:{s}" for s in [*SCOPES, "*"]]
    foreign = ["key:*"] if console else [f"role:{Role.PRIVACY_OFFICER}"]  # the other door's credentials
    theirs = [f"their {c}" for c in ours] if rule.needs is not None and IDS & _parameters(path) else []
    return ["anonymous", *ours, *[f"wrong door {c}" for c in foreign], *theirs]


def expected(path: str, rule: Rule, caller: str) -> str:
    console = path.startswith("/console")
    if caller in rule.others:
        return rule.others[caller]
    if rule.needs is None:
        return "ok"
    if caller == "anonymous" or caller.startswith("wrong door"):
        return "login" if console else "401"
    kind, _, name = caller.removeprefix("their ").partition(":")
    granted = ROLE_PERMISSIONS[Role(name)] if kind == "role" else PERMISSIONS if name == "*" else P({name})
    allowed = rule.needs <= granted
    if caller.startswith("their "):
        return "404" if allowed else "deny"
    return rule.allowed if allowed else "403"


def outcome(status: int, location: str) -> set[str]:
    if status == 303 and location.endswith("/console/login"):
        return {"login"}
    if status in (401, 403, 404):
        return {str(status), "deny"} if status != 401 else {"401"}
    if status < 400 or status in (400, 409, 410, 422):
        return {"ok"}
    return {str(status)}


def _parameters(path: str) -> set[str]:
    return {part[1:-1] for part in path.split("/") if part.startswith("{")}


@pytest.fixture(scope="module")
def world(app: FastAPI, engine: Engine, settings: Settings) -> Iterator[World]:
    """Two organisations, committed once for the module: ours ("acme", served publicly) and theirs."""
    previous, settings.organisation = settings.organisation, "acme"
    with TestClient(
        app, headers={"Referer": "http://testserver/console"}
    ) as client:  # a browser on the console
        made = build_world(engine, app.state.keys, client)
        yield made
    settings.organisation = previous
    for lane in app.state.lanes:
        lane.forget()
    empty(engine)


def _call(client: TestClient, world: World, route: tuple[str, str, dict[str, str]], caller: str) -> Any:
    method, path, rows = route
    rule = TABLE[(method, path)]
    their = caller.startswith("their ")
    name = caller.removeprefix("their ").removeprefix("wrong door ")
    headers = {"X-Lawful-Now": NOW}
    if name.startswith("key:"):
        headers["Authorization"] = f"Bearer {(world.their_keys if their else world.keys_by_scope)[name[4:]]}"
    elif name.startswith("role:"):
        role = Role(name[5:])
        cookie = log_in(client, world, role) if rule.ends_session else world.sessions[(their, role)]
        headers["Cookie"] = f"lawful_session={cookie}"
    url = path.format(**rows)
    body = {k: v.format(**rows) if isinstance(v, str) else v for k, v in (rule.body or {}).items()}
    if not body and (method == "GET" or path.startswith("/console")):
        return client.request(method, url, headers=headers, params=rule.query, follow_redirects=False)
    if path.startswith("/console"):
        return client.request(method, url, headers=headers, data=body, follow_redirects=False)
    return client.request(method, url, headers=headers, params=rule.query, json=body, follow_redirects=False)


def test_every_route_of_the_app_is_in_the_table(app: FastAPI) -> None:
    routes = app_routes(app)

    assert sorted(set(routes) - set(TABLE)) == []
    assert sorted(set(TABLE) - set(routes)) == []


@pytest.mark.parametrize(("method", "path"), list(TABLE), ids=[f"{m} {p}" for m, p in TABLE])
def test_each_caller_gets_what_the_table_says(
    app: FastAPI, engine: Engine, world: World, method: str, path: str
) -> None:
    rule = TABLE[(method, path)]
    everyone = callers(path, rule)
    theirs = [c for c in everyone if c.startswith("their ")]
    with Session(engine) as db:
        rows = fresh_rows(db, world)
    with TestClient(
        app, headers={"Referer": "http://testserver/console"}
    ) as client:  # a browser on the console
        before = snapshot(engine, world, rows)
        unexpected = _unexpected(client, world, (method, path, rows), theirs)  # while our rows are as made
        after = snapshot(engine, world, rows)
        unexpected += _unexpected(
            client, world, (method, path, rows), [c for c in everyone if c not in theirs]
        )

    assert unexpected == []
    assert after == before, "another organisation changed our rows"


def _unexpected(
    client: TestClient, world: World, route: tuple[str, str, dict[str, str]], names: list[str]
) -> list[str]:
    method, path, _ = route
    rule = TABLE[(method, path)]
    found, done = [], False
    for caller in names:
        response = _call(client, world, route, caller)
        want = expected(path, rule, caller)
        got = outcome(response.status_code, response.headers.get("location", ""))
        if want == "ok" and rule.once and done and response.status_code == 404:
            continue  # the first caller let through used it up (a hold lifts once)
        done = done or (want == "ok" and response.status_code < 400)
        if want not in got:
            found.append(
                f"{caller}: expected {want}, got {response.status_code} {response.text[-300:] if response.status_code != 404 else _error(response.text)}"
            )
    return found


def _error(text: str) -> str:
    return text.split("<main", 1)[-1][:300] if "<main" in text else text[:300]
