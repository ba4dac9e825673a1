"""The register's keys in the person's words: labels, legal bases, retention, dates (pure, R-49, R-121).

Every text an answer shows comes from a label of the register or a key of the catalogue; a key the
register does not label (data recorded under an older register) reads as a generic word, never raw.
"""

from datetime import date, datetime

from lawful import clock, i18n, notices, processing

STATEMENT = "lawful.supplementary_statement"  # the Art. 16 statement kept beside the record


class Words:
    """One register read in one language."""

    def __init__(self, register: processing.Register, lang: str) -> None:
        self.register, self.lang = register, lang
        self.fallback = register.organisation.authoritative_language
        self.categories = {c.key: c for c in register.data_categories}
        self.activities = {a.key: a for a in register.activities}
        self.recipients = {r.key: r for r in register.recipients}
        self.by_name = {r.name: r for r in register.recipients}
        self.retention_rules = {r.key: r for r in register.retention_rules}
        self.subjects = {s.key: s for s in register.subject_categories}
        self.forms = {f.key: f for f in register.forms}

    def t(self, key: str, **values: object) -> str:
        return i18n.t(key, self.lang, **values)

    def label(self, label: processing.Label | None) -> str:
        if label is None:
            return ""
        return label.get(self.lang) or label.get(self.fallback) or ""

    def category(self, key: str) -> str:
        if key == STATEMENT:
            return self.t("report.statement_label")
        found = self.categories.get(key)
        return self.label(found.label) if found else self.t("report.other_datum")

    def activity(self, key: str) -> str:
        found = self.activities.get(key)
        return self.label(found.name) if found else self.t("report.other_datum")

    def purpose(self, key: str) -> str:
        found = self.activities.get(key)
        return self.label(found.purpose) if found else ""

    def bases(self, key: str) -> list[str]:
        """`consent` → "your consent (Art. 6(1)(a) GDPR)", per group of people where they differ."""
        found = self.activities.get(key)
        if found is None:
            return []
        by_basis: dict[str, list[str]] = {}
        for subject, basis in processing.bases(found).items():
            group = self.subjects.get(subject)
            by_basis.setdefault(str(basis), []).append(self.label(group.label) if group else "")
        if len(by_basis) == 1:
            return [self.t(f"basis.{basis}") for basis in by_basis]
        return [
            f"{', '.join(n for n in names if n)}: {self.t(f'basis.{b}')}" for b, names in by_basis.items()
        ]

    def retention(self, key: str) -> str:
        """The rule as the notice states it, with its period and what happens at its end."""
        found = self.activities.get(key)
        rule = self.retention_rules.get(found.retention) if found else None
        if rule is None:
            return ""
        words = self.label(rule.label)
        if rule.duration:
            words += f" ({notices.period(rule.duration, self.lang)})"
        elif rule.review_every:
            words += (
                f" ({self.t('report.until_review', period=notices.period(rule.review_every, self.lang))})"
            )
        return f"{words}, {self.t(f'action.{rule.action}')}"

    def sources(self, key: str) -> list[str]:
        found = self.activities.get(key)
        return [self.t(f"source.{s}") for s in found.sources] if found else []

    def source(self, source: str) -> str:
        return (
            self.t(f"source.{source}") if f"source.{source}" in i18n.catalogue() else self.t("channel.other")
        )

    def channel(self, channel: str) -> str:
        key = f"channel.{channel}"
        return self.t(key) if key in i18n.catalogue() else self.t("channel.other")

    def form(self, key: str | None) -> str:
        found = self.forms.get(key or "")
        return self.label(found.name) if found else ""

    def recipient(self, recipient: processing.Recipient) -> dict[str, object]:
        """Who it is, what kind of recipient, where, and the safeguard of a transfer outside the EEA."""
        outside = sorted(set(recipient.countries) - processing.EEA)
        transfer = recipient.transfer
        safeguard = (
            self.t("report.safeguard", mechanism=self.t(f"mechanism.{transfer.mechanism}"))
            if transfer is not None and outside
            else ""
        )
        return {
            "key": recipient.key,
            "name": recipient.name,
            "label": self.label(recipient.label),
            "type": str(recipient.type),
            "type_label": self.t(f"recipient.{recipient.type}"),
            "countries": notices.countries(recipient.countries, self.lang),
            "safeguard": safeguard,
        }

    def automated(self, key: str) -> str:
        """What the register declares for the activity (Art. 15(1)(h)); 'none' only when it declares none."""
        found = self.activities.get(key)
        if found is not None and found.automated_decisions:
            logic = self.label(self.register.organisation.automated_decisions)
            used = self.t("report.automated.used")
            return f"{used}: {logic}" if logic else used
        return self.t("report.automated.none")

    def day(self, instant: datetime | date | None) -> str:
        """A date as the person writes it ("7 décembre 2026"), on the Brussels calendar."""
        if instant is None:
            return ""
        if isinstance(instant, datetime):
            instant = clock.brussels_date(instant)
        return i18n.long_date(instant, self.lang)
