"""`lawful breaches letters send B-1 --texts words.yaml` (Art. 34, R-97), `… letters status B-1`, and
`… letters print B-1 --output letters.pdf` for the people without an email address."""

from pathlib import Path
from typing import Annotated

import typer
import yaml
from pydantic import ValidationError

from lawful import keystore, terminal

from . import printing, service
from .errors import LettersRefused
from .schemas import LettersCreate

group = typer.Typer(help="Letters to the people affected by a breach (Art. 34).", no_args_is_help=True)
cli = typer.Typer()
cli.add_typer(group, name="letters")
Org = Annotated[str | None, typer.Option("--org", help="the organisation's slug")]
Json = Annotated[bool, typer.Option("--json", help="machine-readable output")]


@group.command("send")
def send(
    reference: str,
    texts: Annotated[
        Path, typer.Option(help="YAML or JSON: {fr: {what_happened, consequences, measures, advice}, nl: …}")
    ],
    on_instruction: Annotated[
        bool, typer.Option(help="a processor's case: the client controller's instruction")
    ] = False,
    org: Org = None,
    as_json: Json = False,
) -> None:
    """Tell each person of the scope not yet told, in their language: by email, or on paper without one."""
    body = _valid(texts, on_instruction)
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        sent = service.send(
            db,
            terminal.operator(),
            keys,
            organisation_id=terminal.organisation_id(db, org),
            reference=reference,
            letters=body,
        )
    shown = {
        "reference": sent.reference,
        "queued": sent.queued,
        "printable": sent.printable,
        "skipped": sent.skipped,
        "already": sent.already,
    }
    if not terminal.emit(shown, as_json=as_json):
        skipped = ", ".join(f"{reason} {n}" for reason, n in sorted(sent.skipped.items())) or "none"
        terminal.out.print(
            f"{sent.reference}: {sent.queued} letter(s) queued by email, {sent.printable} to print, skipped: {skipped}"
        )


@group.command("status")
def status(reference: str, org: Org = None, as_json: Json = False) -> None:
    """What became of the letters: sent, waiting, failed, taken back, printed, skipped and why."""
    with terminal.session() as db:
        shown = service.status(db, organisation_id=terminal.organisation_id(db, org), reference=reference)
    if not terminal.emit(shown, as_json=as_json):
        for bucket in ("email", "post", "skipped"):
            for state, n in sorted(shown[bucket].items()):
                terminal.out.print(f"{bucket} {state}: {n}")


@group.command("print")
def print_letters(
    reference: str, output: Annotated[Path, typer.Option(help="where to write the PDF")], org: Org = None
) -> None:
    """The letters to post, one per page, as a PDF."""
    keys = keystore.open_keys(terminal.settings())
    with terminal.session() as db:
        pdf = printing.printable(
            db,
            terminal.operator(),
            keys,
            organisation_id=terminal.organisation_id(db, org),
            reference=reference,
        )
    output.write_bytes(pdf)
    terminal.out.print(f"written: {output}")


def _valid(path: Path, on_instruction: bool) -> LettersCreate:
    try:
        words = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LettersRefused(
            f"--texts: cannot read {path.name}", problems=[{"path": "--texts", "message": type(exc).__name__}]
        ) from None
    try:
        return LettersCreate.model_validate({"texts": words, "on_instruction": on_instruction})
    except ValidationError as exc:
        problems = [{"path": ".".join(map(str, e["loc"])), "message": e["msg"]} for e in exc.errors()]
        raise LettersRefused(
            "invalid input: " + ", ".join(p["path"] for p in problems), problems=problems
        ) from None
