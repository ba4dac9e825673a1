"""Answers as encrypted, expiring packages behind a signed link (R-49)."""

import uuid
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select
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
    db.execute(delete(Package).where(Package.request_id == request.id, Package.kind.in_(list(parts))))
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
    """The request's package key. The first part a session stores creates it (or finds it, made by an
    earlier run), without first asking the key store for a key that a new request cannot have."""
    made: dict[uuid.UUID, bytes] = db.info.setdefault(_KEYS, {})
    key = made.get(request_id)
    if key is None:
        key = made[request_id] = keys.store.create(f"package:{request_id}")
    return key


_KEYS = "lawful.dsr.package_keys"
_PACKAGES = table_of(Package)


def download_token(keys: keystore.Keys, request_id: uuid.UUID) -> str:
    return str(URLSafeSerializer(keys.session, salt="request-download").dumps(request_id.hex))


def packages(db: Session, keys: keystore.Keys, *, token: str) -> dict[str, bytes]:
    """Every unexpired part of the answer for the holder of the link; an expired or foreign link finds nothing."""
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
    found = {}
    for row in rows:
        row.downloads += 1
        assert row.sealed is not None
        found[row.kind] = crypto.decrypt(key, row.sealed, context=f"{row.id}".encode())
    if "access.html" in found and "access.pdf" not in found:
        found["access.pdf"] = printed(found["access.html"])
    return found


def printed(html: bytes) -> bytes:
    """The PDF of an HTML answer."""
    from weasyprint import HTML  # heavy (0.8 s to import): loaded only when a PDF is asked for

    pdf: bytes = HTML(string=html.decode()).write_pdf()
    return pdf
