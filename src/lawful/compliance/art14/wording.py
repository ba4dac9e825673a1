"""The Art. 14 notice as one person reads it: who we are, where their data came from, why we use them, which
data, who receives them, how long, and their rights (Art. 14(1)-(2)); in their language, from the register."""

from dataclasses import dataclass

from lawful import i18n, mail, processing


@dataclass(frozen=True)
class Obtained:
    """What the person's collections say: the activities served and the source (never a value)."""

    activities: list[str]
    source: str
    source_name: str | None


def subject(register: processing.Register, lang: str) -> str:
    return i18n.t("compliance.art14.subject", lang, org=register.organisation.legal_name)


def text(register: processing.Register, obtained: Obtained, lang: str, *, notice_url: str) -> str:
    org = register.organisation
    fb = org.authoritative_language
    source = obtained.source_name or i18n.t(f"compliance.art14.source.{obtained.source}", lang)
    activities = [a for a in register.activities if a.key in obtained.activities]
    categories = {c.key: c for c in register.data_categories}
    recipients = {r.key: r for r in register.recipients}
    retention = {r.key: r for r in register.retention_rules}
    lines = [i18n.t("compliance.art14.intro", lang, source=source), ""]
    lines.append(i18n.t("compliance.art14.controller", lang, name=org.legal_name, address=_address(register),
                        contact=", ".join(c.value for c in org.contact)))  # fmt: skip
    if org.dpo is not None:
        lines.append(i18n.t("compliance.art14.dpo", lang, dpo=f"{org.dpo.name} <{org.dpo.email}>"))
    lines += ["", i18n.t("compliance.art14.purposes", lang)]
    for activity in activities:
        bases = sorted(
            {i18n.t(f"compliance.art14.basis.{b}", lang) for b in processing.bases(activity).values()}
        )
        name = mail.public_name(activity.name, lang)
        lines.append(f"- {name}: {_label(activity.purpose, lang, fb)} ({', '.join(bases)})")
    kinds = sorted(
        {
            _label(categories[k].label, lang, fb)
            for a in activities
            for k in a.data_categories
            if k in categories
        }
    )
    sent_to = sorted(
        {_label(recipients[k].label, lang, fb) for a in activities for k in a.recipients if k in recipients}
    )
    periods = sorted(
        {_label(retention[a.retention].label, lang, fb) for a in activities if a.retention in retention}
    )
    lines += [
        "",
        i18n.t("compliance.art14.categories", lang, categories=", ".join(kinds)),
        i18n.t("compliance.art14.source", lang, source=source),
        i18n.t("compliance.art14.recipients", lang,
               recipients=", ".join(sent_to) or i18n.t("compliance.art14.no_recipients", lang)),
        i18n.t("compliance.art14.retention", lang, retention="; ".join(periods)),
        "",
        i18n.t("compliance.art14.rights", lang),
        "",
        i18n.t("compliance.art14.notice", lang, url=notice_url),
    ]  # fmt: skip
    return "\n".join(lines) + "\n"


def _label(label: processing.Label | None, lang: str, fb: str) -> str:
    if label is None:
        return ""
    return label.get(lang) or label.get(fb) or ""


def _address(register: processing.Register) -> str:
    org = register.organisation
    place = org.correspondence_address or org.registered_office
    if place is None:
        return org.website or ""
    return f"{place.street}, {place.postcode} {place.city}"
