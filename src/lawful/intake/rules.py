"""What a form submission may contain (R-12, R-13, R-108): declared fields only, of the declared type."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from lawful.processing import Form

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_NUMBER = re.compile(r"^-?\d{1,12}(\.\d{1,6})?$")
DATE_OF_BIRTH = "user.demographic.date_of_birth"


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str
    rule: str = "invalid"


def check_submission(form: Form, submitted: Mapping[str, str]) -> list[FieldProblem]:
    """Every problem with the submitted fields; values are never echoed back (they are personal data)."""
    declared = {f.key: f for f in form.fields}
    problems = [
        FieldProblem(name, "this form does not collect this field", "undeclared")
        for name in submitted
        if name not in declared
    ]
    for field in form.fields:
        value = submitted.get(field.key, "")
        if not value.strip():
            if field.required:
                problems.append(FieldProblem(field.key, "required", "required"))
            continue
        if len(value) > field.max_length:
            problems.append(FieldProblem(field.key, f"at most {field.max_length} characters", "too_long"))
        elif message := _type_problem(str(field.type), value.strip()):
            problems.append(FieldProblem(field.key, message, str(field.type)))
    return problems


def _type_problem(kind: str, value: str) -> str | None:
    if kind == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return "use a date as YYYY-MM-DD"
    elif kind == "country" and not _COUNTRY.match(value.upper()):
        return "use a two-letter country code"
    elif kind == "language" and not _LANGUAGE.match(value.lower()):
        return "use a two-letter language code"
    elif kind == "number" and not _NUMBER.match(value):
        return "use a number"
    return None


def asks_birth_date(form: Form) -> bool:
    return any(field.category == DATE_OF_BIRTH for field in form.fields)


def birth_date(form: Form, submitted: Mapping[str, str]) -> date | None:
    """The date of birth, when the form asks for it: such forms carry an age gate (R-108)."""
    for field in form.fields:
        if field.category == DATE_OF_BIRTH and submitted.get(field.key, "").strip():
            return date.fromisoformat(submitted[field.key].strip())
    return None
