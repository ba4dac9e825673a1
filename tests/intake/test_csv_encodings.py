"""Contact lists as Belgian spreadsheets write them (R-09): `;` or `,`, UTF-8 with or without BOM or
Windows-1252, columns named in English, French or Dutch. Each file is written here as bytes."""

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawful import db as lawful_db
from lawful import keystore, subjects
from lawful.config import get_settings
from lawful.intake import ImportRefused, csvfiles
from tests.conftest import Lawful
from tests.factories import bearer, make_api_key, make_notice, make_register
from tests.registers import as_yaml, people

NAMES = ["Hélène Dupré", "Jürgen Müß", "Chloë Lefèvre"]
EMAILS = ["helene@example.test", "jurgen@example.test", "chloe@example.test"]
QUERY = "/api/imports?activity=request_followup&subject_category=prospect&source=partner&source_name=P"


def _register() -> dict[str, Any]:
    """The people register with the labels a Belgian company gives its categories."""
    document = people()
    labels = {
        "user.name": {"en": "Name", "fr": "Nom", "nl": "Naam"},
        "user.contact.email": {"en": "Email address", "fr": "Adresse électronique", "nl": "E-mailadres"},
        "user.contact.phone_number": {"en": "Phone", "fr": "Téléphone", "nl": "Telefoonnummer"},
    }
    for category in document["data_categories"]:
        category["label"] = labels.get(category["key"], category["label"])
    return document


def _rows(separator: str) -> str:
    return "".join(f"{e}{separator}{n}\r\n" for e, n in zip(EMAILS, NAMES, strict=True))


def _names(session: Session, keys: keystore.Keys) -> dict[str, str]:
    """Each stored person's address and name, read from the database."""
    found = {}
    for subject_id in session.scalars(select(subjects.Subject.id)):
        values = {v.category: v.value for v in subjects.values(session, keys, subject_id=subject_id)}
        found[values["user.contact.email"]] = values["user.name"]
    return found


EXPECTED = dict(zip(EMAILS, NAMES, strict=True))


@pytest.fixture
def org(db: Session) -> uuid.UUID:
    org = make_register(db, _register()).organisation_id
    make_notice(db, org)
    return org


def test_a_utf8_bom_semicolon_file_with_french_headers_imports_over_http(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID
) -> None:
    token = make_api_key(db, org, ["subjects:write"])
    # as Excel saves "CSV UTF-8" in a French locale; one name holds the other separator
    body = (
        b"\xef\xbb\xbf"
        + ("ADRESSE ELECTRONIQUE; nom\r\n" + _rows(";") + "ann@example.test;Dupré, Ann\r\n").encode()
    )

    answer = client.post(QUERY, content=body, headers=bearer(token) | {"Content-Type": "text/csv"})

    assert answer.status_code == 201, answer.text
    assert answer.json() == {"imported": 4, "created": 4, "suppressed": 0}
    assert _names(db, keys) == EXPECTED | {"ann@example.test": "Dupré, Ann"}


@pytest.mark.parametrize("encoding", [None, "cp1252", "windows-1252"])
def test_a_windows_1252_file_keeps_its_accents_sniffed_or_named(
    client: TestClient, db: Session, keys: keystore.Keys, org: uuid.UUID, encoding: str | None
) -> None:
    token = make_api_key(db, org, ["subjects:write"])
    body = ("Adresse électronique;Nom\r\n" + _rows(";")).encode("cp1252")
    assert b"M\xfc\xdf" in body  # "Müß" as Windows-1252 writes it: not valid UTF-8

    answer = client.post(
        QUERY + (f"&encoding={encoding}" if encoding else ""),
        content=body,
        headers=bearer(token) | {"Content-Type": "text/csv"},
    )

    assert answer.status_code == 201, answer.text
    assert _names(db, keys) == EXPECTED


def test_a_file_forced_as_utf8_that_is_not_is_refused_naming_the_encoding(
    client: TestClient, db: Session, org: uuid.UUID
) -> None:
    token = make_api_key(db, org, ["subjects:write"])
    body = ("E-mailadres;Naam\r\n" + _rows(";")).encode("cp1252")

    answer = client.post(
        QUERY + "&encoding=utf-8", content=body, headers=bearer(token) | {"Content-Type": "text/csv"}
    )

    assert answer.status_code == 422
    assert answer.json()["problems"] == [{"path": "encoding", "message": "not valid utf-8"}]
    assert db.scalar(select(func.count()).select_from(subjects.Subject)) == 0


@pytest.fixture
def ready(lawful: Lawful, tmp_path: Path) -> Lawful:
    lawful.apply_register(tmp_path, as_yaml(_register()))
    return lawful


def _import(lawful: Lawful, path: Path, *extra: str) -> Any:
    return lawful(
        "subjects",
        "import",
        str(path),
        "--activity",
        "request_followup",
        "--category",
        "prospect",
        "--source",
        "partner",
        "--source-name",
        "P",
        "--json",
        *extra,
    )


def _stored(fresh_url: str) -> dict[str, str]:
    keys = keystore.open_keys(get_settings())
    with lawful_db.open_session(fresh_url) as session:
        return _names(session, keys)


def test_a_comma_file_with_dutch_headers_imports_from_the_shell(
    ready: Lawful, tmp_path: Path, fresh_url: str
) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes(("e-mailadres,NAAM,telefoonnummer\n" + _rows(",").replace("\r\n", ",\n")).encode())

    result = _import(ready, path)

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"imported": 3, "created": 3, "suppressed": 0}
    assert _stored(fresh_url) == EXPECTED


@pytest.mark.parametrize("extra", [(), ("--encoding", "cp1252")])
def test_a_windows_1252_semicolon_file_reads_back_with_its_accents(
    ready: Lawful, tmp_path: Path, fresh_url: str, extra: tuple[str, ...]
) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(("Téléphone;Nom;Adresse électronique\r\n").encode("cp1252"))
    with path.open("ab") as handle:
        for email, name in zip(EMAILS, NAMES, strict=True):
            handle.write(f";{name};{email}\r\n".encode("cp1252"))

    result = _import(ready, path, *extra)

    assert result.exit_code == 0, result.output
    assert _stored(fresh_url) == EXPECTED


def test_an_unknown_header_names_the_column_and_imports_nothing(
    ready: Lawful, tmp_path: Path, fresh_url: str
) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(("Adresse électronique;Nom;Religion\r\n" + "a@example.test;A;x\r\n").encode("cp1252"))

    result = _import(ready, path)

    assert result.exit_code == 1 and "column 'Religion'" in result.output
    assert "not a data category of the register" in result.output
    assert _stored(fresh_url) == {}


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("Müß".encode(), "Müß"),  # valid UTF-8 is read as UTF-8, though Windows-1252 would accept it too
        (b"\xef\xbb\xbfM\xc3\xbc", "Mü"),  # the BOM is dropped
        (b"M\xfc\xdf", "Müß"),  # not UTF-8: Windows-1252
        (b"\x80 \x9c", "€ œ"),  # the bytes where Windows-1252 differs from Latin-1
    ],
)
def test_the_encoding_is_utf8_when_valid_else_windows_1252(data: bytes, text: str) -> None:
    assert csvfiles.decode(data) == text


def test_a_file_in_neither_encoding_is_refused() -> None:
    with pytest.raises(ImportRefused) as raised:
        csvfiles.decode(b"M\x81ller")  # 0x81 is undefined in Windows-1252

    assert raised.value.problems == [{"path": "encoding", "message": "not valid UTF-8 or Windows-1252"}]


@pytest.mark.parametrize(
    ("header", "separator"),
    [
        ("Nom;Adresse\nDupré, Ann;a@x.test\nBo;b@x.test\n", ";"),
        ('name,email\n"Dupré; Ann",a@x.test\nBo,b@x.test\n', ","),
        ("name\temail\nAnn\ta@x.test\n", "\t"),
        ("email\na@x.test\n", ","),  # one column: no separator to find
    ],
)
def test_the_separator_is_sniffed_among_semicolon_comma_and_tab(header: str, separator: str) -> None:
    assert csvfiles.dialect(header).delimiter == separator
