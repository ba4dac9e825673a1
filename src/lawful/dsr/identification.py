"""What the identification letters say (R-47, A-19): the request for more identification, with the date
to answer by and whether the legal period keeps running, and the closing letter when identity could not
be established (Art. 11(2), 12(2)), with the APD and the courts named (Art. 77, 79)."""

from datetime import date

from lawful import i18n

from . import rules
from .models import Request

REPLY_WORKING_DAYS = 10  # the person's time to answer a letter, in Belgian working days
UNIDENTIFIED = (
    "unable_to_identify"  # request.outcome["closed"] of a request closed so (the status is refused)
)


def asking(request: Request, asked: str, reply_by: date, *, paused: bool) -> list[str]:
    lang = request.language
    received = i18n.long_date(rules.received_date(request.received_at), lang)
    clock = (
        i18n.t("letter.identification.paused", lang)
        if paused
        else i18n.t("letter.identification.running", lang, due=i18n.long_date(request.due_on, lang))
    )
    return [
        i18n.t("letter.identification.intro", lang, received=received),
        i18n.t("letter.identification.asked", lang, asked=asked),
        i18n.t("letter.identification.reply_by", lang, date=i18n.long_date(reply_by, lang)),
        clock,
        i18n.t("letter.identification.minimum", lang),
    ]


def closing(request: Request, why: str) -> list[str]:
    lang = request.language
    asked = str(request.details.get("asked") or "")
    asked_on = str(request.details.get("asked_at") or "")[:10]
    return [
        i18n.t(
            "letter.unidentified.intro",
            lang,
            received=i18n.long_date(rules.received_date(request.received_at), lang),
            asked_on=i18n.long_date(date.fromisoformat(asked_on), lang) if asked_on else "",
        ),
        i18n.t("letter.unidentified.why", lang, why=why),
        i18n.t("letter.unidentified.would_allow", lang, asked=asked),
        f"{i18n.t('complaint.intro', lang)} {i18n.t('apd.name', lang)}, {i18n.t('apd.address', lang)}, "
        f"{i18n.t('apd.phone', lang)}, {i18n.t('apd.email', lang)}, {i18n.t('apd.website', lang)}.",
        i18n.t("complaint.courts", lang),
    ]
