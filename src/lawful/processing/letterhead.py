"""How mail names the company: the current register's legal name, registered office and privacy contact.

The mail kernel cannot read the register; it asks through the finder registered here."""

import uuid

from sqlalchemy.orm import Session

from lawful import mail

from .document import ContactKind
from .service import current_register


def letterhead(db: Session, organisation_id: uuid.UUID) -> mail.Letterhead:
    organisation = current_register(db, organisation_id=organisation_id)[1].organisation
    office = organisation.correspondence_address or organisation.registered_office
    privacy = [c.value for c in organisation.contact if c.kind is ContactKind.PRIVACY_EMAIL]
    reply_to = privacy[0] if privacy else organisation.dpo.email if organisation.dpo else None
    return mail.Letterhead(
        name=organisation.legal_name,
        address=f"{office.street}, {office.postcode} {office.city}" if office else None,
        reply_to=reply_to,
        language=organisation.authoritative_language,
    )


mail.letterheads_from(letterhead)
