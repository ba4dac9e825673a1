"""Marketing only through the purpose gate: audiences, campaigns with one-click opt-out, whitelisted exports,
matched audiences on social networks (R-40) and screened telephone call lists (R-41)."""

from . import phone, social
from .errors import (
    AudienceUploadDisabled,
    ConsentRequired,
    DncmFileInvalid,
    DncmMissing,
    NotForPhone,
    PhoneMarketingDisabled,
    PlatformUnreachable,
    RecipientRefused,
    TemplateRefused,
    UnknownRecipient,
)
from .exports import ExportResult, export
from .models import AudienceMember, AudienceUpload, DncmImport, DncmNumber, Send
from .rules import eprivacy_basis
from .service import (
    Audience,
    CampaignResult,
    NotMarketing,
    build,
    send_campaign,
)

__all__ = [
    "Audience",
    "AudienceMember",
    "AudienceUpload",
    "AudienceUploadDisabled",
    "CampaignResult",
    "ConsentRequired",
    "DncmFileInvalid",
    "DncmImport",
    "DncmMissing",
    "DncmNumber",
    "ExportResult",
    "NotForPhone",
    "NotMarketing",
    "PhoneMarketingDisabled",
    "PlatformUnreachable",
    "RecipientRefused",
    "Send",
    "TemplateRefused",
    "UnknownRecipient",
    "build",
    "eprivacy_basis",
    "export",
    "phone",
    "send_campaign",
    "social",
]
