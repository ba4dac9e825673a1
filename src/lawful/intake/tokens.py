"""Opaque, signed tokens for links sent to people: they name a row, never a person (R-92)."""

import uuid

from itsdangerous import BadSignature, URLSafeSerializer

from lawful.keystore import Keys

from .errors import LinkInvalid


def _serializer(keys: Keys) -> URLSafeSerializer:
    return URLSafeSerializer(keys.session, salt="update-link")


def update_url(base_url: str, keys: Keys, link_id: uuid.UUID) -> str:
    return f"{base_url}/me/update/{_serializer(keys).dumps(link_id.hex)}"


def link_id(keys: Keys, token: str) -> uuid.UUID:
    try:
        return uuid.UUID(hex=str(_serializer(keys).loads(token)))
    except (BadSignature, ValueError) as exc:
        raise LinkInvalid("this link is unknown or has expired") from exc
