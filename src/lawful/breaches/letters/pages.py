"""The console's letters of a case (/console/breaches/B-1/letters): what became of them, the form that
sends them with the words in each language, and the PDF of the letters to post."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lawful import processing
from lawful.actor import Actor
from lawful.web import AppKeys, ConsoleActor, Db, SameOrigin, console_permission, html

from .. import service as cases
from . import printing, service
from .errors import LettersRefused
from .schemas import LettersCreate

pages = APIRouter(prefix="/console/breaches", tags=["console"], include_in_schema=False)
Reference = Annotated[str, Path(pattern=r"^[Bb]-[1-9][0-9]{0,8}$")]
FIELDS = ("what_happened", "consequences", "measures", "advice")
LANGS = ("fr", "nl", "en")


def _org(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise processing.OrganisationNotFound("your account belongs to no organisation")
    return actor.organisation_id


@pages.get("/{reference}/letters")
def letters_page(reference: Reference, db: Db, actor: ConsoleActor) -> HTMLResponse:
    console_permission(actor, "breaches:read")
    breach = cases.get(db, organisation_id=_org(actor), reference=reference)
    return html(
        "breaches/letters/page.html",
        title=f"Breach {breach.reference}: letters to the people affected",
        actor=actor,
        breach=breach,
        shown=service.status(db, organisation_id=breach.organisation_id, reference=reference),
        langs=LANGS,
        fields=FIELDS,
        can_write=actor.can("breaches:write") and breach.status != "closed",
    )


Words = Field(default="", max_length=5000)


class LettersForm(BaseModel):
    """The console's form: each language's words as `<lang>_<field>`; a language left blank is not sent."""

    model_config = ConfigDict(extra="ignore")

    fr_what_happened: str = Words
    fr_consequences: str = Words
    fr_measures: str = Words
    fr_advice: str = Words
    nl_what_happened: str = Words
    nl_consequences: str = Words
    nl_measures: str = Words
    nl_advice: str = Words
    en_what_happened: str = Words
    en_consequences: str = Words
    en_measures: str = Words
    en_advice: str = Words


@pages.post("/{reference}/letters", dependencies=[SameOrigin])
def letters_form(
    reference: Reference, db: Db, actor: ConsoleActor, keys: AppKeys, form: Annotated[LettersForm, Form()]
) -> RedirectResponse:
    console_permission(actor, "breaches:write")
    service.send(db, actor, keys, organisation_id=_org(actor), reference=reference, letters=_body(form))
    return RedirectResponse(f"/console/breaches/{reference.upper()}/letters", status_code=303)


def _body(form: LettersForm) -> LettersCreate:
    texts: dict[str, dict[str, Any]] = {}
    values = form.model_dump()
    for lang in LANGS:
        words = {field: values[f"{lang}_{field}"].strip() for field in FIELDS}
        if any(words.values()):
            texts[lang] = {k: v for k, v in words.items() if v}
    try:
        return LettersCreate.model_validate({"texts": texts})
    except ValidationError as exc:
        problems = [{"path": ".".join(map(str, e["loc"])), "message": e["msg"]} for e in exc.errors()]
        raise LettersRefused(
            "invalid input: " + ", ".join(p["path"] for p in problems), problems=problems
        ) from None


@pages.get("/{reference}/letters/printable.pdf")
def printable(reference: Reference, db: Db, actor: ConsoleActor, keys: AppKeys) -> Response:
    console_permission(actor, "breaches:write")
    pdf = printing.printable(db, actor, keys, organisation_id=_org(actor), reference=reference)
    name = f"{reference.upper()}-letters.pdf"
    return Response(
        pdf, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
