"""Art. 20 and A-08: which data a portable copy carries, from the register alone. Pure."""

from collections.abc import Mapping
from dataclasses import dataclass

from .document import Basis, Origin, PortabilityScope, Register
from .rules import bases

_PORTABLE_BASES = frozenset({Basis.CONSENT, Basis.CONTRACT})


@dataclass(frozen=True, slots=True)
class Portable:
    """The register's answer: per activity on consent or contract, the categories its copy may carry."""

    categories: Mapping[str, frozenset[str]]
    from_others: bool  # whether data that came from someone else (a partner, a referrer) go in too

    def carries(self, *, activity: str, category: str, from_subject: bool) -> bool:
        """One value lawful holds: collected for `activity`, given by the person or by someone else."""
        return category in self.categories.get(activity, ()) and (from_subject or self.from_others)

    def any_activity(self) -> frozenset[str]:
        """The categories any portable activity covers: for datastores, whose rows name no activity."""
        return frozenset().union(*self.categories.values())


def portable(register: Register) -> Portable:
    """What an Art. 20 copy carries under the register's `organisation.portability.scope`.

    Always only data processed on consent or contract, by automated means (Art. 20(1)), whatever the
    subject category; never data on other bases (T-18). The default scope, the legal minimum, keeps what
    the person provided or did (categories `provided` or `observed`, given by the person themselves) and
    leaves out what the controller inferred; `all_under_contract_or_consent` carries every category of those
    activities, from whatever source ("all your personal data", seed 003). The access copy covers everything.
    """
    everything = register.organisation.portability.scope is PortabilityScope.ALL_UNDER_CONTRACT_OR_CONSENT
    inferred = {c.key for c in register.data_categories if c.origin is Origin.INFERRED}
    return Portable(
        categories={
            activity.key: frozenset(c for c in activity.data_categories if everything or c not in inferred)
            for activity in register.activities
            if _PORTABLE_BASES & set(bases(activity).values())
        },
        from_others=everything,
    )
