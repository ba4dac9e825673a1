"""Use cases of the register: check, apply (a new immutable version), read, compare."""

import hashlib
import json
import uuid
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from lawful import audit, clock
from lawful.actor import Actor

from . import compatibility, loader, rules
from .diff import Change, diff
from .document import Register
from .errors import OrganisationNotFound, RegisterInvalid, RegisterNotFound
from .models import Organisation, RegisterVersion
from .rules import Problem


def check(text: str, previous: Register | None = None) -> tuple[Register | None, list[Problem]]:
    """Parse and check a register, against the one in force when given (Art. 6(4)); the register is
    returned only when it has no error."""
    register, problems = loader.parse(text)
    if register is None:
        return None, problems
    problems = rules.check(register) + compatibility.problems(register, previous)
    errors = [p for p in problems if p.severity == "error"]
    return (None if errors else register), problems


def apply(db: Session, actor: Actor, *, text: str, source: str) -> tuple[RegisterVersion, bool]:
    """Store the register as the organisation's next version; (version, False) when nothing changed."""
    register, problems = check(text, _in_force(db, text))
    if register is None:
        errors = [p for p in problems if p.severity == "error"]
        raise RegisterInvalid(
            f"the register has {len(errors)} problem(s); nothing was stored",
            problems=[_problem_dict(p) for p in errors],
        )
    document = register.model_dump(mode="json", exclude_none=True)
    digest = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()
    organisation = _organisation_for(db, actor, register)
    previous = find_current(db, organisation_id=organisation.id)
    if previous is not None and previous.sha256 == digest:
        return previous, False
    version = RegisterVersion(
        organisation_id=organisation.id,
        number=(previous.number + 1) if previous else 1,
        document=document,
        sha256=digest,
        changes=list(diff(previous.document, document)) if previous else [],
        source=source[:300],
        applied_at=clock.now(),
        applied_by=actor.label,
    )
    organisation.legal_name = register.organisation.legal_name
    db.add(version)
    db.flush()
    audit.record(
        db,
        actor,
        "register.applied",
        entity=version,
        organisation_id=organisation.id,
        data={"number": version.number, "sha256": digest, "changes": len(version.changes)},
    )
    return version, True


def _in_force(db: Session, text: str) -> Register | None:
    """The register in force for the organisation `text` names, if it has one."""
    register, _ = loader.parse(text)
    organisation = find_organisation(db, slug=register.organisation.slug) if register else None
    current = find_current(db, organisation_id=organisation.id) if organisation else None
    return register_of(current) if current else None


def in_force(db: Session, *, organisation_id: uuid.UUID | None) -> Register | None:
    current = find_current(db, organisation_id=organisation_id) if organisation_id else None
    return register_of(current) if current else None


def _problem_dict(problem: Problem) -> dict[str, str]:
    return {
        "path": problem.path,
        "rule": problem.rule,
        "message": problem.message,
        "severity": problem.severity,
    }


def _organisation_for(db: Session, actor: Actor, register: Register) -> Organisation:
    slug = register.organisation.slug
    organisation = find_organisation(db, slug=slug)
    if organisation is None:
        organisation = Organisation(
            slug=slug, legal_name=register.organisation.legal_name, created_at=clock.now()
        )
        db.add(organisation)
        db.flush()
        audit.record(
            db,
            actor,
            "register.organisation_created",
            entity=organisation,
            organisation_id=organisation.id,
            data={"slug": slug},
        )
    return organisation


def find_organisation(db: Session, *, slug: str) -> Organisation | None:
    return db.scalars(select(Organisation).where(Organisation.slug == slug)).first()


def get_organisation(db: Session, *, slug: str | None = None) -> Organisation:
    """The named organisation; with no name, the only one there is."""
    if slug is not None:
        organisation = find_organisation(db, slug=slug)
        if organisation is None:
            raise OrganisationNotFound(f"no organisation {slug!r}; apply its register first")
        return organisation
    organisations = list(db.scalars(select(Organisation).limit(2)))
    if len(organisations) != 1:
        raise OrganisationNotFound("name the organisation (several or none are registered)")
    return organisations[0]


def get_organisation_by_id(db: Session, *, organisation_id: uuid.UUID | None) -> Organisation:
    organisation = db.get(Organisation, organisation_id) if organisation_id else None
    if organisation is None:
        raise OrganisationNotFound("no such organisation")
    return organisation


def list_organisations(db: Session) -> list[Organisation]:
    return list(db.scalars(select(Organisation).order_by(Organisation.slug)))


def find_current(db: Session, *, organisation_id: uuid.UUID) -> RegisterVersion | None:
    current: RegisterVersion | None = db.scalars(_latest(organisation_id, RegisterVersion)).first()
    return current


def _latest(organisation_id: uuid.UUID, *columns: Any) -> Select[Any]:
    """`columns` of the organisation's current register version: the one with the highest number."""
    return (
        select(*columns)
        .where(RegisterVersion.organisation_id == organisation_id)
        .order_by(RegisterVersion.number.desc())
        .limit(1)
    )


def current_select(organisation_id: Any, *columns: Any) -> Select[Any]:
    """The statement behind every "current version" read, for callers that compose it into their own
    (organisation_id may be a bound parameter)."""
    return _latest(organisation_id, *columns)


def current_version_id(db: Session, *, organisation_id: uuid.UUID) -> uuid.UUID:
    """The id of the current version, without loading its document (hot paths cache by id)."""
    found: uuid.UUID | None = db.scalar(_latest(organisation_id, RegisterVersion.id))
    if found is None:
        raise RegisterNotFound("no register applied yet")
    return found


def current_register(db: Session, *, organisation_id: uuid.UUID) -> tuple[int, Register]:
    """The current version's number and typed register; the document is read only when the version is new."""
    found = db.execute(_latest(organisation_id, RegisterVersion.id, RegisterVersion.number)).first()
    if found is None:
        raise RegisterNotFound("no register applied yet")
    version_id, number = found
    return number, register_by_id(db, version_id=version_id)


def register_by_id(db: Session, *, version_id: uuid.UUID) -> Register:
    """The typed register of a stored version, read and parsed once per process."""
    register = _by_id.get(version_id)
    if register is None:
        version = db.get(RegisterVersion, version_id)
        if version is None:
            raise RegisterNotFound("no such register version")
        if len(_by_id) > 64:
            _by_id.clear()
        register = _by_id[version_id] = register_of(version)
    return register


# Stored versions never change: their typed registers are kept by id.
_by_id: dict[uuid.UUID, Register] = {}


def get_version(db: Session, *, organisation_id: uuid.UUID, number: int | None = None) -> RegisterVersion:
    """A stored version by number, or the current one."""
    if number is None:
        version = find_current(db, organisation_id=organisation_id)
    else:
        query = select(RegisterVersion).where(
            RegisterVersion.organisation_id == organisation_id, RegisterVersion.number == number
        )
        version = db.scalars(query).first()
    if version is None:
        raise RegisterNotFound("no such register version" if number else "no register applied yet")
    return version


def list_versions(db: Session, *, organisation_id: uuid.UUID) -> list[RegisterVersion]:
    query = (
        select(RegisterVersion)
        .where(RegisterVersion.organisation_id == organisation_id)
        .order_by(RegisterVersion.number.desc())
    )
    return list(db.scalars(query))


def count_versions(db: Session, *, organisation_id: uuid.UUID) -> int:
    query = select(func.count()).where(RegisterVersion.organisation_id == organisation_id)
    return db.scalar(query) or 0


def register_of(version: RegisterVersion) -> Register:
    """The typed register of a stored version (versions are immutable, so the parse is cached)."""
    return _parsed(version.id, json.dumps(version.document, sort_keys=True))


@lru_cache(maxsize=64)
def _parsed(_version_id: uuid.UUID, document: str) -> Register:
    return Register.model_validate_json(document)


def compare(older: RegisterVersion | None, newer: RegisterVersion) -> list[Change]:
    return diff(older.document if older else {}, newer.document)
