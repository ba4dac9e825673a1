"""R-123: every operation of the HTTP API and the CLI command that does the same, or why there is none.

`COMMANDS` maps (METHOD, path) to the CLI command path; `EXEMPT` names the routes that are not operator
operations, by category (`CATEGORIES` gives each one's reason); `MISSING` lists the operator operations
without a command yet, each with the command it should get and why it is not there yet. test_parity.py
fails on a route in none of them, on a name that no longer exists, and on a MISSING entry whose command
now exists (so the list only shrinks).
"""

Route = tuple[str, str]

COMMANDS: dict[Route, str] = {
    # register
    ("GET", "/api/register/schema"): "register schema",
    ("POST", "/api/register/check"): "register check",
    ("POST", "/api/register/versions"): "register apply",
    ("GET", "/api/register/versions"): "register versions",
    ("GET", "/api/register/versions/{number}"): "register show",
    ("GET", "/api/register/versions/{number}/diff"): "register diff",
    ("POST", "/api/register/scans"): "register scan",
    ("GET", "/api/register/export"): "register export",
    # notices
    ("POST", "/api/notices/{kind}/versions"): "notice publish",
    ("GET", "/api/notices/{kind}/versions"): "notice list",
    ("GET", "/api/notices/{kind}/versions/{number}"): "notice show",
    ("GET", "/api/notices/{kind}/check"): "notice check",
    ("GET", "/api/notices/changes"): "notice changes list",
    ("GET", "/api/notices/changes/{kind}/{number}"): "notice changes show",
    ("POST", "/api/notices/changes/{kind}/{number}/mail"): "notice changes mail",
    # staff and audit
    ("GET", "/api/staff/access-review"): "staff access-review",
    ("POST", "/api/staff/grants/{grant_id}/review"): "staff review-grant",
    ("GET", "/api/staff"): "staff list",
    ("POST", "/api/staff"): "staff add",
    ("POST", "/api/staff/{staff_id}/grants"): "staff grant",
    ("DELETE", "/api/staff/{staff_id}/grants/{role}"): "staff revoke",
    ("POST", "/api/staff/{staff_id}/password"): "staff reset-password",
    ("POST", "/api/staff/api-keys"): "staff api-key",
    ("DELETE", "/api/staff/api-keys/{key_id}"): "staff revoke-key",
    ("GET", "/api/audit/head"): "audit head",
    ("GET", "/api/audit"): "audit list",
    ("GET", "/api/audit/verify"): "audit verify",
    # intake
    ("POST", "/api/subjects"): "subjects add",
    ("POST", "/api/imports"): "subjects import",
    ("POST", "/api/subjects/{subject_id}/update-links"): "subjects update-link",  # the url to stdout only
    # consent
    ("GET", "/api/analytics/config"): "analytics show",
    ("PUT", "/api/analytics/config"): "analytics set",
    ("POST", "/api/subjects/{subject_id}/consents/withdrawals"): "consent withdraw",
    ("GET", "/api/subjects/{subject_id}/consents"): "consent history",
    # marketing
    ("POST", "/api/campaigns"): "marketing campaign queue",
    ("POST", "/api/campaigns/checks"): "marketing campaign check",
    ("GET", "/api/campaigns"): "marketing campaign list",
    ("GET", "/api/campaigns/{key}"): "marketing campaign show",
    ("POST", "/api/campaigns/{key}/cancel"): "marketing campaign cancel",
    ("GET", "/api/subjects/{subject_id}/campaigns"): "marketing sends",
    ("POST", "/api/audiences/uploads"): "marketing audience upload",
    ("POST", "/api/audiences"): "marketing audience preview",
    ("POST", "/api/audiences/exports"): "marketing audience export",
    ("POST", "/api/phone/dncm-imports"): "marketing phone import-dncm",
    ("POST", "/api/phone/call-lists"): "marketing phone call-list",
    ("POST", "/api/phone/suppressions"): "marketing phone suppress",
    # rights requests
    ("POST", "/api/dsr"): "dsr add",
    ("GET", "/api/dsr"): "dsr list",
    ("GET", "/api/dsr/{request_id}"): "dsr show",
    ("POST", "/api/dsr/{request_id}/mandate"): "dsr mandate",
    ("GET", "/api/dsr/disclosures/{disclosure_id}"): "dsr disclosures show",
    ("POST", "/api/dsr/{request_id}/extension"): "dsr extend",
    ("POST", "/api/dsr/{request_id}/refusal"): "dsr refuse",
    ("POST", "/api/dsr/{request_id}/identification"): "dsr identify",
    ("POST", "/api/dsr/{request_id}/identity"): "dsr identified",
    ("POST", "/api/dsr/{request_id}/unidentified"): "dsr unidentified",
    ("GET", "/api/dsr/{request_id}/letters"): "dsr letter",  # --list
    ("GET", "/api/dsr/{request_id}/letters/{letter}"): "dsr letter",
    ("POST", "/api/dsr/{request_id}/run"): "dsr run",  # the CLI runs every pending step, this one's too
    ("POST", "/api/dsr/{request_id}/fee"): "dsr fee",
    ("GET", "/api/dsr/{request_id}/fee"): "dsr fee-show",  # `dsr fee` decides: the read is its own command
    ("POST", "/api/dsr/{request_id}/answer"): "dsr answer",
    ("POST", "/api/dsr/{request_id}/objection"): "dsr objection",
    ("PUT", "/api/dsr/{request_id}/assignee"): "dsr assign",
    ("GET", "/api/dsr/tasks"): "dsr tasks list",
    ("POST", "/api/dsr/recipients/retry"): "dsr tasks retry",
    ("GET", "/api/dsr/{request_id}/recipients"): "dsr tasks show",
    ("POST", "/api/dsr/{request_id}/recipients"): "dsr tasks record",
    ("POST", "/api/dsr/{request_id}/complete"): "dsr complete",
    ("POST", "/api/dsr/disclosures"): "dsr disclosures create",
    ("GET", "/api/dsr/disclosures"): "dsr disclosures list",
    ("POST", "/api/dsr/disclosures/{disclosure_id}/approve"): "dsr disclosures approve",
    ("POST", "/api/dsr/disclosures/{disclosure_id}/disclose"): "dsr disclosures disclose",
    ("POST", "/api/dsr/disclosures/{disclosure_id}/lift-prohibition"): "dsr disclosures lift-prohibition",
    ("GET", "/api/dsr/deletions"): "dsr deletions list",
    ("GET", "/api/dsr/deletions/{deletion_id}"): "dsr deletions show",
    ("POST", "/api/dsr/deletions/run"): "dsr deletions run",  # the key's organisation only
    ("POST", "/api/dsr/sweep"): "dsr sweep",  # the key's organisation only
    ("GET", "/api/dsr/tombstones"): "dsr tombstones status",
    ("POST", "/api/dsr/tombstones/apply"): "dsr tombstones apply",  # a dry run that finds some: `found_some`
    ("POST", "/api/dsr/tombstones/sweep"): "dsr tombstones sweep",
    ("POST", "/api/mail/deliver"): "mail deliver",  # the key's organisation's mail only
    # the purpose gate
    ("POST", "/api/decisions"): "decide check",
    ("POST", "/api/decisions/batch"): "decide check",  # the same question, one person per call
    ("POST", "/api/subjects/read"): "decide read",
    ("POST", "/api/exports"): "decide export request",
    ("GET", "/api/exports/{export_id}"): "decide export show",
    ("POST", "/api/exports/{export_id}/approval"): "decide export approve",
    ("GET", "/api/exports/{export_id}/file"): "decide export file",
    # flags on a person
    ("POST", "/api/subjects/{subject_id}/holds"): "flags hold",
    ("POST", "/api/holds/{hold_id}/lift"): "flags lift-hold",
    ("GET", "/api/subjects/holds"): "flags holds",
    ("GET", "/api/subjects/{subject_id}/history"): "flags history",
    ("POST", "/api/subjects/{subject_id}/restrictions"): "flags restrict",
    ("POST", "/api/restrictions/{restriction_id}/lift"): "flags lift-restriction",
    ("POST", "/api/subjects/{subject_id}/child"): "flags flag-child",
    # breaches
    ("POST", "/api/breaches"): "breaches open",
    ("GET", "/api/breaches"): "breaches list",
    ("GET", "/api/breaches/{reference}"): "breaches show",
    ("POST", "/api/breaches/{reference}/notes"): "breaches note",
    ("POST", "/api/breaches/{reference}/assessment"): "breaches assess",
    ("POST", "/api/breaches/{reference}/decisions"): "breaches decide",
    ("POST", "/api/breaches/{reference}/close"): "breaches close",
    ("PATCH", "/api/breaches/{reference}"): "breaches update",
    ("POST", "/api/breaches/{reference}/scope"): "breaches scope",
    ("GET", "/api/breaches/{reference}/scope"): "breaches scope-show",  # `breaches scope` computes it
    ("GET", "/api/breaches/{reference}/dossier"): "breaches dossier",
    ("POST", "/api/breaches/{reference}/dossier"): "breaches notify-authority",
    ("POST", "/api/breaches/{reference}/letters"): "breaches letters send",
    ("GET", "/api/breaches/{reference}/letters"): "breaches letters status",
    ("GET", "/api/breaches/{reference}/letters/printable.pdf"): "breaches letters print",
    ("GET", "/api/breaches/{reference}/clients"): "breaches clients",
    ("POST", "/api/breaches/{reference}/clients/notices"): "breaches clients",  # --notify
    ("POST", "/api/breaches/alerts"): "breaches alerts",  # the key's organisation's, as the job sends them
    ("POST", "/api/breaches/detections"): "breaches detect",
    ("POST", "/api/breaches/forget-affected"): "breaches forget-affected",
    # connectors, compliance
    ("GET", "/api/connectors/retention/plan"): "connectors retention plan",
    # the key's organisation only; the CLI can do every organisation
    ("POST", "/api/connectors/retention/run"): "connectors retention run",
    ("POST", "/api/connectors/events/import"): "connectors events import",
    ("POST", "/api/connectors/check"): "connectors check",
    ("POST", "/api/connectors/find"): "connectors find",
    ("GET", "/api/compliance"): "compliance check",
    ("GET", "/api/compliance/transfers"): "compliance transfers",
    ("GET", "/api/compliance/trend"): "compliance trend",
    ("GET", "/api/calendar/working-days/{day}"): "calendar working-day",
    ("POST", "/api/compliance/art14/send"): "compliance art14 send",
    ("POST", "/api/compliance/art14/{subject_id}/exemption"): "compliance art14 exempt",
    ("GET", "/api/compliance/art14/notices"): "flags art14-pending",
    ("GET", "/api/compliance/art14/letters/{subject_id}"): "compliance art14 letter",
    ("GET", "/api/compliance/art14/letters"): "compliance art14 letters",
    ("POST", "/api/compliance/run"): "compliance run",  # the key's organisation's; another moment: test mode
    # clients (lawful as a processor)
    ("GET", "/api/clients"): "clients list",
    ("GET", "/api/clients/{client}"): "clients show",
    ("POST", "/api/clients/ends/due"): "clients end due",
    ("GET", "/api/clients/register"): "clients register",
    ("GET", "/api/clients/sub-processor-changes"): "clients sub-processors list",
    ("POST", "/api/clients/sub-processor-changes"): "clients sub-processors add",
    ("POST", "/api/clients/sub-processor-changes/{change_id}/decision"): "clients sub-processors decide",
    ("POST", "/api/clients/{client}/end"): "clients end record",
    ("GET", "/api/clients/{client}/end"): "clients end show",
    ("POST", "/api/clients/{client}/end/return"): "clients end return",
    ("POST", "/api/clients/{client}/end/erasure"): "clients end erase",
    ("POST", "/api/clients/{client}/end/certificate"): "clients end certify",
    ("GET", "/api/clients/{key}/requests"): "clients requests list",
    ("POST", "/api/clients/{key}/requests/{request_id}/instruction"): "clients requests instruct",
    ("POST", "/api/clients/credentials"): "clients credentials add",
    ("GET", "/api/clients/credentials"): "clients credentials list",
    ("POST", "/api/clients/credentials/{credential_id}/reveal"): "clients credentials reveal",
    ("DELETE", "/api/clients/credentials/{credential_id}"): "clients credentials destroy",
    ("GET", "/api/clients/{client}/instructions/flags"): "clients instructions list",
    ("POST", "/api/clients/{client}/instructions/{number}/flag"): "clients instructions flag",
    ("POST", "/api/clients/instruction-flags/{flag_id}/resolve"): "clients instructions resolve",
    # retention
    ("GET", "/api/retention/plan"): "retention plan",
    ("POST", "/api/retention/run"): "retention run",
    ("GET", "/api/retention/runs"): "retention log",
    ("GET", "/api/retention/runs/{run_id}"): "retention log",  # --run
    ("POST", "/api/retention/events"): "retention event",
    # statistics
    ("GET", "/api/stats/subjects"): "stats subjects",
    ("GET", "/api/stats/consents"): "stats consents",
    ("GET", "/api/stats/requests"): "stats requests",
}

CATEGORIES = {
    "public": "called by the people's browsers on the company's website (forms, banner, newsletter "
    "sign-up), with the organisation's public key and no staff member behind it: no operator runs them",
}

EXEMPT: dict[Route, str] = {
    ("GET", "/api/forms/{form_key}"): "public",
    ("POST", "/api/forms/{form_key}/submissions"): "public",
    ("GET", "/api/banner/config"): "public",
    ("POST", "/api/banner/consents"): "public",
    ("GET", "/api/banner/consents/{consent_id}"): "public",  # the visitor's proof, by their cookie's id
    ("POST", "/api/newsletters/{purpose}/subscriptions"): "public",
}

# route → (the command it should get, why it has none yet)
MISSING: dict[Route, tuple[str, str]] = {}

# --- the reverse direction: every CLI command and the route that does the same, or why there is none ---

# a second name for a group: `lawful breach …` is `lawful breaches …` (R-93 writes it in the singular)
ALIASES = {"breach": "breaches"}

# commands that run the installation itself rather than an operation on the organisation's data
CLI_CATEGORIES = {
    "operator": "runs or sets up the installation on its own machine (the server, the worker, the schema, "
    "the demo, the master key, the audit chain's recovery): an HTTP route would need the running service it "
    "starts, repairs or re-keys",
    "terminal": "enrols a second factor or shows a secret at the operator's terminal, which a route would put "
    "on the network",
    "development": "checks the installed package's own translation catalogues, not the organisation's data",
}

CLI_EXEMPT: dict[str, str] = {
    "serve": "operator",
    "worker": "operator",
    "demo": "operator",
    "db upgrade": "operator",
    "keys rotate": "operator",
    "audit accept-head": "operator",
    "staff totp": "terminal",
    "i18n check": "development",
}

# command → (the route it should get, why it has none yet); the list only shrinks
CLI_MISSING: dict[str, tuple[Route, str]] = {}

# commands with a route that staff may not run with `lawful --as` (acting.RIGHTS leaves them out): jobs over
# every organisation whose domain functions reach what the acting member's organisation scope does not (the
# key store, the outbox of every organisation); their routes act on the key's organisation only
OPERATOR_JOBS = {
    "dsr sweep",
    "dsr deletions run",
    "dsr tombstones status",
    "dsr tombstones apply",
    "dsr tombstones sweep",
    "dsr tasks retry",
    "mail deliver",
    "retention run",
    "connectors events import",
    "connectors retention run",
}

# where a command's rights differ from its route's, and why
RIGHTS_DIFFER = {
    "breaches open": "any staff member reports a suspected incident (R-93), as in the console; an API key needs "
    "breaches:write, or breaches:report for a processor's systems",
    # the route asks dsr:write and the privacy officer's decision (export:approve) is checked by the service,
    # for the route and the command alike, with the same words
    "dsr refuse": "the service checks export:approve",
    "dsr objection": "the service checks export:approve",
    "decide export approve": "the service checks export:approve",
    "subjects update-link": "the service checks subjects:read",
}
