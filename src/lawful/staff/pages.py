"""Console login and logout (password plus authenticator code)."""

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lawful.web import (
    SESSION_COOKIE,
    AppKeys,
    AppSettings,
    ConsoleActor,
    Db,
    SameOrigin,
    html,
    session_serializer,
)

from . import login, service
from .rules import LoginLimits
from .schemas import LoginCreate

pages = APIRouter(prefix="/console", tags=["console"], include_in_schema=False)


@pages.get("/login")
def login_form() -> HTMLResponse:
    return html("console/login.html", title="Log in", error=None)


@pages.post("/login", dependencies=[SameOrigin])
def log_in(
    request: Request, form: Annotated[LoginCreate, Form()], db: Db, keys: AppKeys, settings: AppSettings
) -> Response:
    result = login.log_in(
        db,
        keys,
        email=form.email,
        password=form.password,
        totp_code=form.code,
        client=request.client.host if request.client else "unknown",
        limits=LoginLimits(
            free_failures=settings.login_max_failures,
            window=timedelta(minutes=settings.login_window_minutes),
            backoff_cap=timedelta(minutes=settings.login_backoff_cap_minutes),
            address_failures=settings.login_address_max_failures,
        ),
        session_length=timedelta(hours=settings.session_hours),
    )
    if result.error is not None or result.session is None:
        status = result.error.status if result.error else 401
        return html(
            "console/login.html",
            title="Log in",
            error=result.error.detail if result.error else "",
            status_code=status,
        )
    response = RedirectResponse("/console", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session_serializer(keys).dumps(str(result.session.id)),
        max_age=settings.session_hours * 3600,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="strict",
        path="/console",
    )
    return response


@pages.post("/logout", dependencies=[SameOrigin])
def log_out(request: Request, db: Db, keys: AppKeys, actor: ConsoleActor) -> Response:
    session_id = session_serializer(keys).loads(request.cookies[SESSION_COOKIE])
    service.log_out(db, actor, session_id=uuid.UUID(session_id))
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/console")
    return response
