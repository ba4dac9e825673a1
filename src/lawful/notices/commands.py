"""`lawful notice …`: publish a notice version, list versions, preview a language."""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from lawful import i18n, keystore, processing, terminal

from . import service
from .changes import commands as change_commands
from .changes import service as changes
from .models import NoticeVersion
from .rules import NoticeKind, missing_labels

cli = typer.Typer(help="Privacy and cookie notices generated from the register.", no_args_is_help=True)
Kind = Annotated[NoticeKind, typer.Option("--kind", help="privacy or cookies")]
Org = Annotated[str | None, typer.Option("--org", help="organisation slug (default: the only one)")]
Json = Annotated[bool, typer.Option("--json", help="machine-readable output")]
cli.add_typer(change_commands.cli, name="changes")


@cli.command("publish")
def publish(
    kind: Kind = NoticeKind.PRIVACY,
    effective: Annotated[str | None, typer.Option("--effective", help="YYYY-MM-DD")] = None,
    changelog: Annotated[
        str | None, typer.Option(help="what changed (required after the first version)")
    ] = None,
    material: Annotated[
        bool | None, typer.Option("--material/--editorial", help="override the classification")
    ] = None,
    reason: Annotated[str | None, typer.Option(help="why the classification is overridden")] = None,
    urgent_reason: Annotated[str | None, typer.Option(help="legal reason for less notice than usual")] = None,
    approve_translations: Annotated[
        bool, typer.Option(help="translations were reviewed as they are")
    ] = False,
    org: Org = None,
    as_json: Json = False,
) -> None:
    """Publish the current register as a new, immutable notice version in every language."""
    effective_from = _date(effective)
    with terminal.session() as db:
        organisation = processing.get_organisation(db, slug=org)
        version = service.publish(
            db,
            terminal.operator(),
            organisation_id=organisation.id,
            kind=kind,
            effective_from=effective_from,
            changelog=changelog,
            material=material,
            override_reason=reason,
            urgent_reason=urgent_reason,
            translations_approved=approve_translations,
            lead_days=terminal.settings().notice_lead_days,
        )
        mailed = _mail_concerned(db, version)
        result = {
            "kind": str(kind),
            "number": version.number,
            "effective_from": version.effective_from,
            "material": version.material,
            "languages": version.languages,
            "mailed": mailed,
        }
    if not terminal.emit(result, as_json=as_json):
        change = "material" if version.material else "editorial"
        terminal.out.print(
            f"Published {kind} notice version {version.number} ({change}), "
            f"in force from {version.effective_from}, in {', '.join(version.languages)}"
        )


def _mail_concerned(db: Session, version: NoticeVersion) -> int:
    """A material change is mailed to the people it concerns in the unit of work that publishes it (R-117)."""
    if not version.material or version.number == 1:
        return 0
    settings = terminal.settings()
    change = changes.find(
        db, organisation_id=version.organisation_id, kind=version.kind, number=version.number
    )
    return changes.notify(
        db,
        terminal.operator(),
        keystore.open_keys(settings),
        organisation_id=version.organisation_id,
        change_id=change.id,
        base_url=settings.base_url,
    )


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter("use YYYY-MM-DD", param_hint="--effective") from exc


@cli.command("show")
def show(number: int, kind: Kind = NoticeKind.PRIVACY, org: Org = None) -> None:
    """Version NUMBER of a notice in every language (JSON), as GET /api/notices/{kind}/versions/{number}."""
    from .schemas import NoticeVersionDetail

    with terminal.session() as db:
        organisation = processing.get_organisation(db, slug=org)
        version = service.get_version(db, organisation_id=organisation.id, kind=kind, number=number)
        data = NoticeVersionDetail.model_validate(version).model_dump(mode="json")
    terminal.emit(data, as_json=True)


@cli.command("list")
def list_versions(kind: Kind = NoticeKind.PRIVACY, org: Org = None, as_json: Json = False) -> None:
    """List the published versions of a notice."""
    with terminal.session() as db:
        organisation = processing.get_organisation(db, slug=org)
        rows = [
            {
                "number": v.number,
                "effective_from": v.effective_from,
                "material": v.material,
                "changelog": v.changelog,
            }
            for v in service.list_versions(db, organisation_id=organisation.id, kind=kind)
        ]
    if not terminal.emit(rows, as_json=as_json):
        table = Table("version", "effective from", "change", "changelog")
        for row in rows:
            table.add_row(
                str(row["number"]),
                str(row["effective_from"]),
                "material" if row["material"] else "editorial",
                str(row["changelog"]),
            )
        terminal.out.print(table)


@cli.command("check")
def check(kind: Kind = NoticeKind.PRIVACY, org: Org = None, as_json: Json = False) -> None:
    """Say whether the current register can be published as a notice, and what is missing."""
    with terminal.session() as db:
        organisation = processing.get_organisation(db, slug=org)
        missing = service.missing(db, organisation_id=organisation.id, kind=kind)
    if not terminal.emit([vars(m) for m in missing], as_json=as_json):
        for item in missing:
            terminal.err.print(f"missing {item}", style="red")
        if not missing:
            terminal.out.print(f"the {kind} notice can be published", style="green")
    if missing:
        raise typer.Exit(1)


i18n_cli = typer.Typer(help="Translations of subject-facing texts (R-121).", no_args_is_help=True)


@i18n_cli.command("check")
def i18n_check(
    file: Annotated[
        Path | None, typer.Option("--register", help="a register YAML file (default: the stored one)")
    ] = None,
    org: Org = None,
    as_json: Json = False,
) -> None:
    """List every catalogue key and register label lacking a language; exit 1 if any."""
    missing = [f"catalogue:{key}" for key in i18n.missing_translations()]
    register = _register_from(file, org)
    missing += [f"{m.path}.{m.element.split(':')[1]}" for m in missing_labels(register)]
    if not terminal.emit(missing, as_json=as_json):
        for item in missing:
            terminal.err.print(f"missing {item}", style="red")
        if not missing:
            terminal.out.print("every text exists in every language", style="green")
    if missing:
        raise typer.Exit(1)


def _register_from(file: Path | None, org: str | None) -> processing.Register:
    if file is not None:
        register, problems = processing.check(file.read_text(encoding="utf-8"))
        if register is None:
            raise processing.RegisterInvalid(
                f"{file} is not a valid register", problems=[vars(p) for p in problems]
            )
        return register
    with terminal.session() as db:
        organisation = processing.get_organisation(db, slug=org)
        return processing.current_register(db, organisation_id=organisation.id)[1]
