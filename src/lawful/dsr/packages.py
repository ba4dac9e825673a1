"""Answers as encrypted, expiring packages behind a signed link (R-49)."""

import uuid
from dataclasses import dataclass
from datetime import timedelta
from threading import Lock
from weakref import WeakKeyDictionary

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from lawful import clock, crypto, keystore
from lawful.db import table_of

from . import writes
from .errors import PackageGone
from .models import Package, Request

PACKAGE_LIFETIME = timedelta(days=14)


def package(db: Session, keys: keystore.Keys, request: Request, kind: str, body: bytes) -> None:
    """Store one part of the answer, replacing an earlier one (a step run again)."""
    package_parts(db, keys, request, {kind: body})


def package_parts(db: Session, keys: keystore.Keys, request: Request, parts: dict[str, bytes]) -> None:
    """Store parts of the answer, replacing earlier ones of the same kinds (a step run again): one
    DELETE and one INSERT, each part sealed under the request's own key with the row's id as associated data."""
    db.execute(_REPLACED, {"request_id": request.id, "kinds": list(parts)})
    key, now = package_key(db, keys, request.id), clock.now()
    rows = []
    for kind, body in parts.items():
        row_id = uuid.uuid4()
        rows.append(
            {
                "id": row_id,
                "request_id": request.id,
                "kind": kind,
                "sealed": crypto.encrypt(key, body, context=f"{row_id}".encode()),
                "created_at": now,
                "expires_at": now + PACKAGE_LIFETIME,
                "downloads": 0,
            }
        )
    writes.add(db, _PACKAGES, rows)


def package_key(db: Session, keys: keystore.Keys, request_id: uuid.UUID) -> bytes:
    """The request's package key: made with its id (`new_request_id`), or now for an older request."""
    owner = f"package:{request_id}"
    return keys.store.get(owner) or keys.store.create(owner)


def new_request_id(keys: keystore.Keys) -> uuid.UUID:
    """The id of a new request, whose package key is already stored and cached in this process.

    Keys for new requests are made NEW_REQUEST_BATCH at a time, in one key-store transaction, as
    keystore.Keys.new_subject makes people's: a request's first answer part then finds its key
    without a key-store write of its own. A process that stops leaves at most a batch of unused keys,
    which protect nothing and are harmless."""
    with _pool_lock:
        pool = _pools.setdefault(keys.store, [])
        if not pool:
            ids = [uuid.uuid4() for _ in range(NEW_REQUEST_BATCH)]
            keys.store.create_many([f"package:{i}" for i in ids])
            pool.extend(ids)
        return pool.pop()


NEW_REQUEST_BATCH = 64
_pools: "WeakKeyDictionary[keystore.KeyStore, list[uuid.UUID]]" = WeakKeyDictionary()
_pool_lock = Lock()
_PACKAGES = table_of(Package)
_REPLACED = delete(_PACKAGES).where(
    _PACKAGES.c.request_id == bindparam("request_id"),
    _PACKAGES.c.kind.in_(bindparam("kinds", expanding=True)),
)


def download_token(keys: keystore.Keys, request_id: uuid.UUID) -> str:
    return str(URLSafeSerializer(keys.session, salt="request-download").dumps(request_id.hex))


def packages(db: Session, keys: keystore.Keys, *, token: str) -> list[str]:
    """The names of every unexpired part of the answer, PDFs included, for the holder of the link; an expired
    or foreign link finds nothing. Listing opens nothing and counts no download."""
    return _names(_parts(db, keys, token)[1])


def _names(rows: list[Package]) -> list[str]:
    names = {row.kind for row in rows}
    names |= {_pdf(letter) for letter in PRINTED if letter in names}
    return sorted(names)


@dataclass(frozen=True)
class AnswerFile:
    name: str
    format: str  # json, csv, html, pdf
    size: int | None  # bytes; None for a PDF, printed only when downloaded


def answer_files(db: Session, keys: keystore.Keys, *, token: str) -> list[AnswerFile]:
    """Each file of the answer with its format and size (R-49), read from the sealed rows: nothing is
    opened or printed, and no download is counted."""
    _, rows = _parts(db, keys, token)
    sizes = {row.kind: crypto.plaintext_length(row.sealed) for row in rows if row.sealed is not None}
    return [AnswerFile(name, name.rsplit(".", 1)[-1], sizes.get(name)) for name in _names(rows)]


def part(db: Session, keys: keystore.Keys, *, token: str, name: str) -> bytes:
    """One part of the answer, opened for its download (counted); a PDF is printed from its HTML then."""
    key, rows = _parts(db, keys, token)
    sources = {_pdf(letter): letter for letter in PRINTED}
    row = next((r for r in rows if r.kind == sources.get(name, name)), None)
    if row is None or row.sealed is None:
        raise PackageGone("this file is not part of the answer")
    row.downloads += 1
    body = crypto.decrypt(key, row.sealed, context=f"{row.id}".encode())
    return printed(body) if name in sources else body


def opened(db: Session, keys: keystore.Keys, request_id: uuid.UUID, kind: str) -> bytes | None:
    """One stored part of a request's answer, for lawful's own use (a letter that encloses it)."""
    key = keys.store.get(f"package:{request_id}")
    row = db.scalars(select(Package).where(Package.request_id == request_id, Package.kind == kind)).first()
    if key is None or row is None or row.sealed is None:
        return None
    return crypto.decrypt(key, row.sealed, context=f"{row.id}".encode())


def _parts(db: Session, keys: keystore.Keys, token: str) -> tuple[bytes, list[Package]]:
    try:
        request_id = uuid.UUID(hex=str(URLSafeSerializer(keys.session, salt="request-download").loads(token)))
    except (BadSignature, ValueError) as exc:
        raise PackageGone("this link is not valid") from exc
    key = keys.store.get(f"package:{request_id}")
    rows = [
        r
        for r in db.scalars(select(Package).where(Package.request_id == request_id))
        if r.expires_at > clock.now() and r.sealed is not None
    ]
    if key is None or not rows:
        raise PackageGone("this answer has expired or does not exist")
    return key, rows


def _pdf(letter: str) -> str:
    return letter.removesuffix(".html") + ".pdf"


PRINTED = ("access.html", "erasure_letter.html")  # the readable answers, also given as PDF


def printed(html: bytes) -> bytes:
    """The PDF of an HTML answer."""
    from weasyprint import HTML  # heavy (0.8 s to import): loaded only when a PDF is asked for

    pdf: bytes = HTML(string=html.decode()).write_pdf()
    return pdf
