"""Marketing only through the purpose gate: audiences, campaigns with one-click opt-out, whitelisted exports."""

from .errors import TemplateRefused
from .models import Send
from .rules import eprivacy_basis
from .service import (
    Audience,
    CampaignResult,
    ExportResult,
    NotMarketing,
    RecipientRefused,
    build,
    export,
    send_campaign,
)

__all__ = [
    "Audience",
    "CampaignResult",
    "ExportResult",
    "NotMarketing",
    "RecipientRefused",
    "Send",
    "TemplateRefused",
    "build",
    "eprivacy_basis",
    "export",
    "send_campaign",
]
