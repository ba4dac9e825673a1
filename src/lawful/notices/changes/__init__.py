"""Change control of the notices: each published version's change, whom it concerns, and the one service
mail each of them gets before a material change takes effect (R-116, R-117, T-38)."""

from .models import NoticeChange, NoticeChangeMail
from .rules import Concerned, concerned, mail_by
from .service import (
    Finder,
    Reachable,
    as_dict,
    audience_from,
    find,
    get,
    list_changes,
    mails_by_language,
    notify,
    notify_due,
    record,
)

__all__ = [
    "Concerned",
    "Finder",
    "NoticeChange",
    "NoticeChangeMail",
    "Reachable",
    "as_dict",
    "audience_from",
    "concerned",
    "find",
    "get",
    "list_changes",
    "mail_by",
    "mails_by_language",
    "notify",
    "notify_due",
    "record",
]
