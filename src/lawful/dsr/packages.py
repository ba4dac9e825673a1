"""Answers as encrypted, expiring packages behind a signed link (R-49)."""

import uuid
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lawful import clock, crypto, keystore

from .errors import PackageGone
from .models import Package, Request

PACKAGE_LIFETIME = timedelta(days=14)


def package(db: Session, keys: keystore.Keys, request: Request, kind: str, body: bytes) -> None:
    """Store one part of the answer, replacing an earlier one (a step run again), sealed under the
    request's own key with the row's id as associated data."""
    db.execute(delete(Package).where(Package.request_id == request.id, Package.kind == kind))
    owner = f"package:{request.id}"
    key = keys.store.get(owner) or keys.store.create(owner)
    row_id = uuid.uuid4()
    db.add(
        Package(
            id=row_id,
            request_id=request.id,
            kind=kind,
            sealed=crypto.encrypt(key, body, context=f"{row_id}".encode()),
            created_at=clock.now(),
            expires_at=clock.now() + PACKAGE_LIFETIME,
        )
    )


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
