"""A campaign's message as each reader gets it, and its check at publication (R-35, R-38, R-08).

Before anything is queued, the message is rendered for a sample reader in every language of the
organisation, footer and letterhead included, exactly as delivery will build it; a version that shows a
placeholder left unfilled or a program value, or lacks the one-click unsubscribe link, the sender's
identity or the privacy notice, refuses the campaign, naming the field and the language.
"""

import uuid
from typing import Any

from sqlalchemy.orm import Session

from lawful import consent, i18n, keystore, mail, processing

from . import rules
from .errors import TemplateRefused

SAMPLE_READER = uuid.UUID(int=0)  # links are signed for nobody: the check reads them, never follows them
SAMPLE_ADDRESS = "reader@example.invalid"


def message(
    keys: keystore.Keys,
    subject_id: uuid.UUID,
    purpose: str,
    email: str,
    subject_line: str,
    text: str,
    base_url: str,
    lang: str,
) -> mail.Mail:
    """One reader's message: the text with their one-click link, then the footer in their language."""
    url = unsubscribe_url(keys, subject_id, purpose, base_url)
    only = f"{base_url}/u/{consent.optin.unsubscribe_token(keys, subject_id, purpose, only=True)}"
    choices = f"{base_url}/u/preferences/{consent.preferences.token(keys, subject_id)}"
    footer = "\n\n" + "\n".join(  # the letter adds the signature: company, notice
        [
            i18n.t("mail.footer.object", lang),
            f"{i18n.t('mail.footer.unsubscribe', lang)} {url}",  # all marketing: R-36's default
            f"{i18n.t('mail.footer.only', lang)} {only}",  # narrowed to this newsletter
            f"{i18n.t('mail.footer.preferences', lang)} {choices}",
        ]
    )
    return mail.Mail(
        to=email,
        subject=subject_line,
        text=rules.UNSUBSCRIBE_PLACEHOLDER.sub(lambda _: url, text) + footer,
        lang=lang,
        headers=(
            ("List-Unsubscribe", f"<{url}>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ),
    )


def unsubscribe_url(keys: keystore.Keys, subject_id: uuid.UUID, purpose: str, base_url: str) -> str:
    return f"{base_url}/u/{consent.optin.unsubscribe_token(keys, subject_id, purpose)}"


def check(
    db: Session,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    purpose: str,
    subject_line: str,
    text: str,
    base_url: str,
) -> list[dict[str, Any]]:
    """Every problem of every language version: {path, language, message}; none when it may be sent."""
    problems: list[dict[str, Any]] = []
    if not rules.has_unsubscribe(text, None):
        problems.append(
            {"path": "text", "message": "a marketing message must contain {unsubscribe_url} (R-35)"}
        )
    register = processing.current_register(db, organisation_id=organisation_id)[1]
    sender = mail.letterhead(db, organisation_id).name
    for lang in register.organisation.languages:
        version = message(keys, SAMPLE_READER, purpose, SAMPLE_ADDRESS, subject_line, text, base_url, lang)
        body, html = mail.preview(db, version, organisation_id=organisation_id, base_url=base_url)
        found = [("subject", m) for m in rules.rendering_problems(subject_line, version.subject)]
        for rendered in (body, html) if html else (body,):
            found += [("text", m) for m in rules.rendering_problems(text, rendered)]
            found += [
                ("text", m)
                for m in rules.missing_parts(
                    rendered,
                    unsubscribe_url=unsubscribe_url(keys, SAMPLE_READER, purpose, base_url),
                    sender=sender,
                    notice_url=mail.notice_url(base_url, lang),
                )
            ]
        problems += [{"path": path, "language": lang, "message": m} for path, m in dict.fromkeys(found)]
    return problems


def ensure_publishable(
    db: Session,
    keys: keystore.Keys,
    *,
    organisation_id: uuid.UUID,
    purpose: str,
    subject_line: str,
    text: str,
    base_url: str,
) -> None:
    """TemplateRefused (422) naming each field and language with a problem; nothing is queued."""
    problems = check(
        db,
        keys,
        organisation_id=organisation_id,
        purpose=purpose,
        subject_line=subject_line,
        text=text,
        base_url=base_url,
    )
    if problems:
        first = problems[0]
        where = f"{first['path']} ({first['language']})" if "language" in first else first["path"]
        more = f"; and {len(problems) - 1} more" if len(problems) > 1 else ""
        raise TemplateRefused(f"{where}: {first['message']}{more}", problems=problems)
