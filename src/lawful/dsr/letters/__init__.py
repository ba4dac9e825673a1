"""Readable answers beside the machine-readable certificate, in the person's language (R-49, R-54, R-55);
letters on paper for requests without email are in post.py."""

from sqlalchemy.orm import Session

from lawful import keystore, processing, render, subjects

from ..models import Request
from ..packages import package

STATEMENT = "lawful.supplementary_statement"


def rectification(
    db: Session, keys: keystore.Keys, request: Request, *, values: dict[str, str], changed: list[str]
) -> None:
    """Art. 16: what was corrected, the statement kept beside the record, and what stays on issued invoices."""
    register = processing.current_register(db, organisation_id=request.organisation_id)[1]
    lang = request.language
    labels = {c.key: c.label.get(lang) or c.label.en or c.key for c in register.data_categories}
    corrected = [(labels.get(k, k), v) for k, v in values.items() if k in changed and k != STATEMENT]
    invoiced = False
    if request.subject_id is not None:
        frozen = {
            a.key
            for a in register.activities
            if processing.Basis.LEGAL_OBLIGATION in processing.bases(a).values()
        }  # issued invoices are snapshots kept under a legal obligation
        invoiced = any(c.activity in frozen for c in subjects.history(db, subject_id=request.subject_id))
    html = render.render(
        "dsr/rectification.html",
        lang=lang,
        reference=request.reference,
        corrected=corrected,
        statement=values.get(STATEMENT) if STATEMENT in changed else None,
        invoiced=invoiced,
    )
    package(db, keys, request, "rectification.html", html.encode())
