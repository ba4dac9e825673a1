"""Access data for a client's systems (R-87): kept only encrypted under a key of their own in the key store,
revealed per use with a stated reason (audited), destroyed at the end of the client's contract."""

from .errors import CredentialGone, CredentialNotFound, CredentialRefused
from .models import ClientCredential
from .schemas import CredentialCreate, CredentialRead, CredentialRevealed, RevealRequest
from .service import add, destroy, destroy_for_client, get, list_credentials, reveal

__all__ = [
    "ClientCredential",
    "CredentialCreate",
    "CredentialGone",
    "CredentialNotFound",
    "CredentialRead",
    "CredentialRefused",
    "CredentialRevealed",
    "RevealRequest",
    "add",
    "destroy",
    "destroy_for_client",
    "get",
    "list_credentials",
    "reveal",
]
