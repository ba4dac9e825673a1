"""Reading the client controllers from the current register."""

import uuid

from sqlalchemy.orm import Session

from lawful import processing

from .errors import ClientNotFound
from .schemas import ClientRead, SubProcessorRead


def list_clients(db: Session, *, organisation_id: uuid.UUID) -> list[ClientRead]:
    """Every client controller of the current register, with its DPA and approved sub-processors."""
    _, register = processing.current_register(db, organisation_id=organisation_id)
    return [_read(register, client) for client in register.clients]


def get_client(db: Session, *, organisation_id: uuid.UUID, key: str) -> ClientRead:
    found = next((c for c in list_clients(db, organisation_id=organisation_id) if c.key == key), None)
    if found is None:
        raise ClientNotFound(f"there is no client {key!r} in the register")
    return found


def _read(register: processing.Register, client: processing.Client) -> ClientRead:
    recipients = {r.key: r for r in register.recipients}
    return ClientRead(
        key=client.key,
        name=client.name,
        country=client.country,
        contact_email=client.contact_email,
        privacy_policy_url=client.privacy_policy_url,
        webhook=client.webhook,
        dpa=client.dpa,
        activities=[
            a.key for a in register.activities if a.role == "processor" and a.on_behalf_of == client.key
        ],
        sub_processors=[
            SubProcessorRead(
                key=key,
                name=recipients[key].name,
                countries=recipients[key].countries,
                dpa_ref=recipients[key].dpa_ref,
            )
            for key in client.dpa.sub_processors
            if key in recipients
        ],
    )
