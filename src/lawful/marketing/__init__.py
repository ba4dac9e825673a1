"""Marketing only through the purpose gate: audiences, campaigns with one-click opt-out checked again at
send time (R-36), whitelisted exports, matched audiences on social networks (R-40) and screened telephone
call lists (R-41)."""

from . import campaigns, phone, sending, social
from .campaigns import (
    CampaignExists,
    CampaignResult,
    CampaignView,
    SendView,
    UnknownCampaign,
    list_campaigns,
    sends_of,
)
from .campaigns import queue as send_campaign
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
from .models import AudienceMember, AudienceUpload, Campaign, DncmImport, DncmNumber, Send, SendStatus
from .rules import eprivacy_basis
from .service import Audience, NotMarketing, build

__all__ = [
    "Audience",
    "AudienceMember",
    "AudienceUpload",
    "AudienceUploadDisabled",
    "Campaign",
    "CampaignExists",
    "CampaignResult",
    "CampaignView",
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
    "SendStatus",
    "SendView",
    "TemplateRefused",
    "UnknownCampaign",
    "UnknownRecipient",
    "build",
    "campaigns",
    "eprivacy_basis",
    "export",
    "list_campaigns",
    "phone",
    "send_campaign",
    "sending",
    "sends_of",
    "social",
]
