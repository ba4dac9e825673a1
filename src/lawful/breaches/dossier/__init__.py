"""The APD notification dossier of a breach (R-96): the sections of the APD's form in FR, NL or EN, as JSON
and as a printable document, every item not known yet marked "to follow"."""

from . import printed, rules
from .errors import DossierRefused
from .schemas import DossierCreate
from .service import build, notify_authority

__all__ = ["DossierCreate", "DossierRefused", "build", "notify_authority", "printed", "rules"]
