"""create_app(settings): the FastAPI application with every domain's routes and pages mounted."""

import gc
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from functools import cache
from urllib.parse import parse_qsl

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import RedirectResponse
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lawful import __version__, bodies, clock, db, keystore, outbound, pace, refusals, staff, statics
from lawful.actor import Actor
from lawful.audit import pages as audit_pages
from lawful.audit import routes as audit_routes
from lawful.audit import tasks as audit_tasks
from lawful.breaches import pages as breach_pages
from lawful.breaches import routes as breach_routes
from lawful.breaches.clients import pages as breach_client_pages
from lawful.breaches.clients import routes as breach_client_routes
from lawful.breaches.dossier import pages as breach_dossier_pages
from lawful.breaches.dossier import routes as breach_dossier_routes
from lawful.breaches.letters import pages as breach_letter_pages
from lawful.breaches.letters import routes as breach_letter_routes
from lawful.breaches.scope import pages as breach_scope_pages
from lawful.breaches.scope import routes as breach_scope_routes
from lawful.clients import pages as client_pages
from lawful.clients import routes as client_routes
from lawful.clients.export import pages as client_register_pages
from lawful.clients.export import routes as client_register_routes
from lawful.clients.forwarding import pages as client_forwarding_pages
from lawful.clients.forwarding import routes as client_forwarding_routes
from lawful.clients.instructions import routes as client_instruction_routes
from lawful.clients.subprocessors import routes as client_subprocessor_routes
from lawful.clients.vault import routes as client_vault_routes
from lawful.compliance import pages as compliance_pages
from lawful.compliance import routes as compliance_routes
from lawful.compliance.art14 import routes as art14_routes
from lawful.config import Settings
from lawful.connectors import routes as connector_routes
from lawful.consent import pages as consent_pages
from lawful.consent import routes as consent_routes
from lawful.decisions import pages as decision_pages
from lawful.decisions import routes as decision_routes
from lawful.dsr import pages as dsr_pages
from lawful.dsr import routes as dsr_routes
from lawful.dsr.deletions import routes as dsr_deletion_routes
from lawful.dsr.disclosures import pages as dsr_disclosure_pages
from lawful.dsr.disclosures import routes as dsr_disclosure_routes
from lawful.dsr.notices import pages as dsr_notice_pages
from lawful.dsr.notices import routes as dsr_notice_routes
from lawful.dsr.queue import pages as dsr_queue_pages
from lawful.errors import LawfulError
from lawful.intake import pages as intake_pages
from lawful.intake import routes as intake_routes
from lawful.mail import routes as mail_routes
from lawful.marketing import pages as marketing_pages
from lawful.marketing import routes as marketing_routes
from lawful.notices import pages as notice_pages
from lawful.notices import routes as notice_routes
from lawful.notices.changes import pages as notice_change_pages
from lawful.notices.changes import routes as notice_change_routes
from lawful.processing import pages as register_pages
from lawful.processing import routes as register_routes
from lawful.retention import pages as retention_pages
from lawful.retention import routes as retention_routes
from lawful.retention.contracts import routes as contract_end_routes
from lawful.staff import pages as staff_pages
from lawful.staff import routes as staff_routes
from lawful.stats import pages as stats_pages
from lawful.stats import routes as stats_routes
from lawful.subjects import routes as subject_routes
from lawful.web import ApiKeyCache, LoginRequired

SECURITY_HEADERS = [
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    ),
]


HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


class _Resolvers:
    def api_key(self, db: Session, token: str) -> Actor:
        return staff.actor_for_api_key(db, token=token)

    def session(self, db: Session, session_id: uuid.UUID) -> Actor:
        return staff.actor_for_session(db, session_id=session_id)

    def refused(self, actor: Actor, permission: str, operation: str, detail: str) -> LawfulError:
        return staff.refused(actor, permission, operation, detail)


@cache
def _freeze_once() -> None:
    """What a process has loaded when its first app starts lives as long as the process: out of the
    collector's sight, a full collection no longer walks it (parsing a batch of 10,000 refs took
    30–380 ms with it, 30–90 ms without). Once per process (cached), so that a test run creating many
    apps does not keep their garbage."""
    gc.freeze()


def _lifespan(settings: Settings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        interval = settings.audit_seal_seconds
        sealer = audit_tasks.Sealer(settings.resolved_database_url(), interval=interval) if interval else None
        if sealer is not None:
            sealer.start()
        _freeze_once()
        try:
            yield
        finally:
            for lane in getattr(app.state, "lanes", []):
                await lane.aclose()
            if sealer is not None:
                sealer.stop()

    return lifespan


def create_app(settings: Settings) -> FastAPI:
    app = FastAPI(
        title="lawful", version=__version__, docs_url=None, redoc_url=None, lifespan=_lifespan(settings)
    )
    engine = db.make_engine(settings.resolved_database_url(), echo=settings.sql_echo)
    app.state.settings = settings
    outbound.configure(settings.outbound_allow)  # what this process may call (Art. 32)
    app.state.engine = engine
    app.state.sessionmaker = db.make_sessionmaker(engine)
    app.state.keys = keystore.open_keys(settings)
    app.state.resolvers = _Resolvers()
    app.state.api_keys = ApiKeyCache(settings.api_key_cache_seconds)
    for router in (
        register_routes.router,
        notice_routes.router,
        notice_change_routes.router,
        staff_routes.router,
        audit_routes.router,
        intake_routes.router,
        consent_routes.router,
        marketing_routes.router,
        dsr_notice_routes.router,  # before /api/dsr/{request_id}: /api/dsr/tasks is not an id
        dsr_disclosure_routes.router,  # before /api/dsr/{request_id} too
        dsr_deletion_routes.router,  # and this one: /api/dsr/deletions and /api/dsr/tombstones are no ids
        dsr_routes.router,
        decision_routes.router,
        subject_routes.router,
        stats_routes.router,
        breach_routes.router,
        breach_scope_routes.router,
        breach_dossier_routes.router,
        breach_letter_routes.router,
        breach_client_routes.router,
        connector_routes.router,
        compliance_routes.router,
        compliance_routes.calendar,  # the legal calendar the compliance deadlines are counted in
        client_register_routes.router,  # before any /api/clients/{key}: `register` is not a client
        client_subprocessor_routes.router,
        client_vault_routes.router,  # /api/clients/credentials
        client_instruction_routes.router,  # /api/clients/{client}/instructions
        contract_end_routes.router,
        contract_end_routes.due_router,  # /api/clients/ends/due
        art14_routes.router,
        client_routes.router,
        client_forwarding_routes.router,  # /api/clients/{key}/requests
        retention_routes.router,
        mail_routes.router,
    ):
        app.include_router(router)
    for page_router in (
        staff_pages.pages,
        register_pages.pages,
        register_pages.public,  # /brand.css: the people's pages' colour and logo
        notice_change_pages.console,  # before /console/notices/{kind}
        notice_pages.console,
        audit_pages.pages,
        decision_pages.pages,
        decision_pages.export_pages,
        notice_pages.pages,
        intake_pages.pages,
        consent_pages.pages,
        dsr_pages.pages,
        dsr_queue_pages.console,
        dsr_notice_pages.console,
        dsr_disclosure_pages.console,
        dsr_pages.console,
        consent_pages.console,
        marketing_pages.pages,
        marketing_pages.campaign_pages,
        stats_pages.pages,
        breach_pages.pages,
        breach_scope_pages.pages,
        breach_dossier_pages.pages,
        breach_letter_pages.pages,
        breach_client_pages.pages,
        compliance_pages.pages,
        retention_pages.console,
        client_register_pages.pages,
        client_pages.pages,
        client_forwarding_pages.console,  # /console/clients/requests
    ):
        app.include_router(page_router)
    statics.assets()  # read, hashed and compressed once, before the first visitor asks
    app.mount("/static", statics.serve, name="static")
    app.add_exception_handler(LawfulError, refusals.render_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, refusals.render_validation)  # type: ignore[arg-type]
    app.add_exception_handler(DataError, refusals.render_unstorable)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, refusals.render_http)  # type: ignore[arg-type]
    app.add_exception_handler(
        LoginRequired, lambda request, exc: RedirectResponse("/console/login", status_code=303)
    )
    app.add_api_route("/healthz", lambda: {"status": "ok", "version": __version__}, include_in_schema=False)
    app.add_middleware(decision_routes.DecisionLane, owner=app)
    app.add_middleware(consent_routes.BannerLane, owner=app)
    app.add_middleware(intake_routes.SubmissionLane, owner=app)
    app.add_middleware(
        pace.Pace
    )  # outside the lanes: a known person's answer takes the route, a new one's not
    app.add_middleware(
        bodies.BodyLimits
    )  # outside every layer that reads a body: none reads one before the limits apply
    app.add_middleware(  # outside the body limits, so a website's script can read why its post was refused
        CORSMiddleware,
        allow_origins=settings.banner_origins,
        allow_methods=["GET", "POST"],
        allow_headers=["content-type"],
        allow_credentials=False,
    )
    app.add_middleware(_Headers, test_mode=settings.test_mode, https_only=settings.https_only)
    return app


async def _refuse_nul(scope: Scope, send: Send) -> None:
    """A NUL character can be stored in no text column (PostgreSQL refuses it): 422, naming the field."""
    names = [
        f"query.{name}"
        for name, value in parse_qsl(scope["query_string"].decode("latin-1"), True)
        if "\x00" in name + value
    ]
    problems = [
        {"path": path, "message": "must not contain a NUL character", "rule": "no_nul"}
        for path in names or ["path"]
    ]
    detail = "invalid input: " + ", ".join(p["path"] for p in problems)
    await refusals.refuse(scope, send, 422, "invalid_input", detail, problems=problems)


class _Headers:
    """Security headers on every response; in test mode only, `X-Lawful-Now` pins the clock."""

    def __init__(self, app: ASGIApp, test_mode: bool, https_only: bool = False) -> None:
        self.app, self.test_mode, self.https_only = app, test_mode, https_only
        self.headers = [*SECURITY_HEADERS, *([HSTS] if https_only else [])]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], *self.headers]
            await send(message)

        if self.https_only and scope.get("scheme") == "http":
            await self._refuse_plain_http(scope, send)
            return
        if b"%00" in scope.get("query_string", b"") or "\x00" in scope["path"]:
            await _refuse_nul(scope, send_with_headers)
            return
        pinned = self._pinned(scope) if self.test_mode else None
        if pinned is None:
            await self.app(scope, receive, send_with_headers)
            return
        with clock.pinned(pinned):
            await self.app(scope, receive, send_with_headers)

    @staticmethod
    async def _refuse_plain_http(scope: Scope, send: Send) -> None:
        """R-14: nothing is read from a plain-HTTP request; reads are redirected, writes refused."""
        host = next((v.decode() for k, v in scope.get("headers", []) if k == b"host"), "")
        if scope["method"] in ("GET", "HEAD") and host:
            target = f"https://{host}{scope.get('raw_path', b'').decode() or scope['path']}"
            headers = [(b"location", target.encode()), *SECURITY_HEADERS]
            await send({"type": "http.response.start", "status": 308, "headers": headers})
        else:
            headers = [(b"content-type", b"application/json"), *SECURITY_HEADERS]
            await send({"type": "http.response.start", "status": 403, "headers": headers})
            await send(
                {"type": "http.response.body", "body": b'{"error":"https_required","detail":"use HTTPS"}'}
            )
            return
        await send({"type": "http.response.body", "body": b""})

    @staticmethod
    def _pinned(scope: Scope) -> datetime | None:
        for name, value in scope.get("headers", []):
            if name == b"x-lawful-now":
                try:
                    return datetime.fromisoformat(value.decode())
                except ValueError:
                    return None
        return None
