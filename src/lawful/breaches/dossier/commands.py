"""`lawful breaches notify-authority B-1` (R-96): the APD notification as it is sent, in FR, NL or EN,
as JSON, a readable summary, or printable HTML and PDF files; `lawful breaches dossier B-1`: the draft."""

from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from lawful import terminal

from . import printed, service
from .errors import DossierRefused
from .schemas import DossierCreate

cli = typer.Typer()
Lang = Annotated[str, typer.Option(help="fr, nl or en")]
Out = Annotated[Path | None, typer.Option(help="also write it to this file")]


@cli.command("notify-authority")
def notify_authority(
    reference: str,
    lang: Lang = "fr",
    to_follow: Annotated[
        list[str] | None, typer.Option(help="an item provided in a later phase (Art. 33(4))")
    ] = None,
    late_reason: Annotated[str | None, typer.Option(help="after 72 hours: the reason for the delay")] = None,
    on_instruction: Annotated[
        bool, typer.Option(help="a processor's case: the client controller's instruction")
    ] = False,
    html: Out = None,
    pdf: Out = None,
    org: Annotated[str | None, typer.Option("--org", help="the organisation's slug")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """R-96: the notification to the APD; refused while an item Art. 33(3) requires is missing and not
    declared to follow (--to-follow consequences)."""
    asked = _valid(
        lang=lang, to_follow=to_follow or [], late_reason=late_reason, on_instruction=on_instruction
    )
    with terminal.session() as db:
        dossier = service.notify_authority(
            db,
            terminal.operator(),
            organisation_id=terminal.organisation_id(db, org),
            reference=reference,
            lang=asked.lang,
            to_follow=asked.to_follow,
            late_reason=asked.late_reason,
            on_instruction=asked.on_instruction,
        )
    _show(dossier, html, pdf, as_json)


@cli.command("dossier")
def draft(
    reference: str,
    lang: Lang = "fr",
    html: Out = None,
    pdf: Out = None,
    org: Annotated[str | None, typer.Option("--org", help="the organisation's slug")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """The dossier as it stands, every item not known yet marked "to follow" (nothing is recorded)."""
    asked = _valid(lang=lang)
    with terminal.session() as db:
        dossier = service.build(
            db, organisation_id=terminal.organisation_id(db, org), reference=reference, lang=asked.lang
        )
    _show(dossier, html, pdf, as_json)


def _show(dossier: dict[str, Any], html: Path | None, pdf: Path | None, as_json: bool) -> None:
    if html is not None:
        html.write_text(printed.html(dossier), encoding="utf-8")
    if pdf is not None:
        pdf.write_bytes(printed.pdf(dossier))
    if terminal.emit(dossier, as_json=as_json):
        return
    terminal.out.print(
        f"{dossier['reference']} ({dossier['language']}, {dossier['phase']}): {dossier['title']}"
    )
    follow = dossier["to_follow"]
    terminal.out.print("to follow: " + (", ".join(follow) if follow else "nothing"))
    for path in (html, pdf):
        if path is not None:
            terminal.out.print(f"written: {path}")


def _valid(**values: Any) -> DossierCreate:
    try:
        return DossierCreate.model_validate(values)
    except ValidationError as exc:
        problems = [
            {"path": "--" + ".".join(map(str, e["loc"])).replace("_", "-"), "message": e["msg"]}
            for e in exc.errors()
        ]
        raise DossierRefused(
            "invalid input: " + ", ".join(p["path"] for p in problems), problems=problems
        ) from None
