"""What a refused request is told: JSON under /api, error.html for pages; a visitor in their language.

Staff (the console, the API with a key) read the English `detail`. A visitor (the privacy center, public
forms, the banner's and the newsletter's endpoints, links from mails) gets the same machine-readable code
and field names, without pydantic's `body.` location, plus a `message` in the language negotiated as for
pages (R-119): an explicit choice (`?lang=`, the form's or the body's language), then Accept-Language,
then English. Nothing the person sent is echoed: neither a value nor the body.
"""

import json
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException
from starlette.types import Scope, Send

from lawful import i18n, render
from lawful.errors import LawfulError

PUBLIC_API = ("/api/banner/", "/api/newsletters/", "/api/forms/")  # called by visitors' browsers
LOCATIONS = ("body", "query", "path", "header", "cookie")  # pydantic's first part of a field's location
_RULES = {  # pydantic's error types, by the sentence a visitor reads
    "string_too_long": "field_error.too_long",
    "too_long": "field_error.too_long",
    "string_too_short": "public_error.rule.too_short",
    "string_pattern_mismatch": "public_error.rule.pattern",
    "literal_error": "public_error.rule.choice",
    "enum": "public_error.rule.choice",
    "email": "field_error.email",
}
Problem = dict[str, Any]


def is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def is_public(path: str) -> bool:
    """A page or endpoint a visitor reaches without an account (everything but the console and staff API)."""
    if path == "/console" or path.startswith("/console/"):
        return False
    return not is_api(path) or path.startswith(PUBLIC_API)


def language(explicit: str | None, accept_language: str | None) -> str:
    return i18n.negotiate(explicit, accept_language, i18n.LANGUAGES, "en")


def scope_language(scope: Scope) -> str:
    """The language of a request nothing has read yet: `?lang=`, then Accept-Language."""
    query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
    accept = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"accept-language"), None)
    return language(query.get("lang"), accept)


def message(code: str, status: int, lang: str) -> str:
    """The visitor's sentence for a refusal: by its code, else by its status."""
    texts = i18n.catalogue()
    for key in (f"public_error.code.{code}", f"public_error.status.{status}"):
        if key in texts:
            return i18n.t(key, lang)
    return i18n.t(f"public_error.status.{400 if status < 500 else 422}", lang)


def rule_message(rule: str, lang: str) -> str:
    texts = i18n.catalogue()
    for key in (f"public_error.rule.{rule}", f"field_error.{rule}", _RULES.get(rule, "")):
        if key in texts:
            return i18n.t(key, lang)
    if rule.endswith(("_type", "_parsing")):
        return i18n.t("public_error.rule.type", lang)
    return i18n.t("field_error.invalid", lang)


def field(path: str, rule: str = "") -> str:
    """`body.choices.analytics` -> `choices.analytics`; malformed JSON (`body.5`, a character position) is
    the body itself."""
    location, _, rest = path.partition(".")
    if location not in LOCATIONS:
        return path
    if rule == "json_invalid" or not rest:
        return "body" if location == "body" else location
    return rest


def public_problems(problems: Iterable[Mapping[str, Any]], lang: str) -> list[Problem]:
    """Each problem with the field named plainly and its rule told in the visitor's language."""
    found = []
    for problem in problems:
        rule = str(problem.get("rule") or "invalid")
        found.append(
            {
                "path": field(str(problem.get("path", "")), rule),
                "rule": rule,
                "message": rule_message(rule, lang),
            }
        )
    return found


def payload(
    code: str, detail: str, problems: list[Problem], *, public: bool, lang: str, status: int
) -> Problem:
    """The JSON answer: `error` and `detail` for programs; `message` (and plain field names) for visitors."""
    if not public:
        return {"error": code, "detail": detail, **({"problems": problems} if problems else {})}
    plain = public_problems(problems, lang)
    if "body." in detail:  # pydantic's locations, listed by render_validation: the plain field names instead
        detail = "invalid input: " + ", ".join(p["path"] for p in plain)
    return {
        "error": code,
        "detail": detail,
        "message": message(code, status, lang),
        **({"problems": plain} if plain else {}),
    }


def page(code: str, detail: str, problems: list[Problem], *, public: bool, lang: str, status: int) -> str:
    """error.html: a visitor reads the sentence and the fields in their language; staff the detail."""
    if not public:
        return render.render(
            "error.html", lang=lang, title="Error", org_name="", message=detail, problems=problems
        )
    return render.render(
        "error.html",
        lang=lang,
        title=i18n.t("error.title", lang),
        org_name="",
        message=message(code, status, lang),
        problems=public_problems(problems, lang),
    )


async def refuse(scope: Scope, send: Send, status: int, code: str, detail: str, **more: Any) -> None:
    """A refusal from an ASGI layer, before the app has read anything: JSON under /api, else a page."""
    path = scope["path"]
    public, lang = is_public(path), scope_language(scope)
    problems: list[Problem] = more.pop("problems", [])
    if is_api(path):
        body = json.dumps(payload(code, detail, problems, public=public, lang=lang, status=status) | more)
        content_type = b"application/json"
    else:
        body = page(code, detail, problems, public=public, lang=lang, status=status)
        content_type = b"text/html; charset=utf-8"
    encoded = body.encode()
    headers = [(b"content-type", content_type), (b"content-length", str(len(encoded)).encode())]
    if public:
        headers += [(b"content-language", lang.encode()), (b"vary", b"Accept-Language")]
    if status == 413:
        headers.append((b"connection", b"close"))  # the rest of the body is not read
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": encoded})


# --- the app's exception handlers (registered by app.py) -------------------------------------------------

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorised",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}


async def answer(
    request: Request,
    status: int,
    code: str,
    detail: str,
    problems: list[Problem] | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    body_language: str | None = None,
) -> Response:
    path = request.url.path
    public = is_public(path)
    lang = await request_language(request, body_language) if public or not is_api(path) else "en"
    more = dict(headers or {})
    if public:
        more |= {"Content-Language": lang, "Vary": "Accept-Language"}
    if is_api(path) or (status == 405 and not public):
        content = payload(code, detail, problems or [], public=public, lang=lang, status=status)
        return JSONResponse(content, status_code=status, headers=more)
    text = page(code, detail, problems or [], public=public, lang=lang, status=status)
    return HTMLResponse(text, status_code=status, headers=more)


async def request_language(request: Request, body_language: str | None = None) -> str:
    """?lang=, the form's lang or language field or the JSON body's language, then Accept-Language."""
    chosen = request.query_params.get("lang") or body_language
    media = request.headers.get("content-type", "")
    if chosen is None and media.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        try:
            form = await request.form()  # already parsed by the handler: Starlette keeps it
        except (RuntimeError, HTTPException):  # the body was read some other way, or could not be parsed
            form = None
        chosen = str((form.get("lang") or form.get("language") or "") if form else "") or None
    if chosen is None and media.startswith("application/json") and hasattr(request, "_body"):
        chosen = _json_language(request._body)  # the route read it; Starlette keeps it on the request
    return language(chosen, request.headers.get("accept-language"))


def _json_language(body: object) -> str | None:
    if isinstance(body, bytes | str):
        try:
            body = json.loads(body)
        except ValueError:
            return None
    found = body.get("language") if isinstance(body, dict) else None
    return found if isinstance(found, str) else None


async def render_error(request: Request, exc: LawfulError) -> Response:
    return await answer(request, exc.status, exc.code, exc.detail, exc.problems)


async def render_validation(request: Request, exc: RequestValidationError) -> Response:
    """422 naming each field that is wrong (`body.effective_from` for staff, `effective_from` for visitors),
    never echoing the value sent."""
    problems = [
        {"path": ".".join(str(part) for part in error["loc"]), "message": error["msg"], "rule": error["type"]}
        for error in exc.errors()
    ]
    detail = "invalid input: " + ", ".join(p["path"] for p in problems)
    return await answer(
        request, 422, "invalid_input", detail, problems, body_language=_json_language(exc.body)
    )


async def render_unstorable(request: Request, exc: DataError) -> Response:
    """A value the database cannot store (a NUL character in text, on PostgreSQL): the request is bad
    input, and its transaction was rolled back. The driver's message is not echoed: it may quote data."""
    detail = "invalid input: a value cannot be stored (for example, it contains a NUL character)"
    return await answer(request, 422, "invalid_input", detail, [])


async def render_http(request: Request, exc: HTTPException) -> Response:
    code = HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
    return await answer(request, exc.status_code, code, str(exc.detail), headers=exc.headers)
