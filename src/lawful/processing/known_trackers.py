"""Registered trackers against the vocabulary of well-known ones (data/trackers.yaml): the category a
register gives them, the lifetime it tells visitors, and the settings of analytics tools (R-23, R-24, R-30).

Pure apart from reading the shipped data file once.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml

from .document import AnalyticsSettings, Recipient, Register, Tracker, TrackerCategory
from .periods import period_parts
from .trackers import HOSTS, STORAGE

DATA_FILE = Path(__file__).parent.parent / "data" / "trackers.yaml"
MAX_ANALYTICS_MONTHS = (
    14  # GA4's longest retention short of the paid tiers; safe default, not statutory (R-30)
)
EXEMPT = frozenset({TrackerCategory.STRICTLY_NECESSARY})
Finding = tuple[str, str, str, Literal["error", "warning"]]  # path, rule, message, severity


@dataclass(frozen=True)
class Known:
    pattern: str  # a cookie name with `*`, or a host
    host: bool
    tool: str
    category: TrackerCategory
    also: frozenset[TrackerCategory]
    duration: str
    analytics: bool

    @property
    def accepted(self) -> frozenset[TrackerCategory]:
        return self.also | {self.category}


@lru_cache(maxsize=1)
def vocabulary() -> tuple[Known, ...]:
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    return tuple(
        Known(
            pattern=str(row["host" if host else "name"]),
            host=host,
            tool=str(row["tool"]),
            category=TrackerCategory(row["category"]),
            also=frozenset(TrackerCategory(c) for c in row.get("also", [])),
            duration=str(row["duration"]),
            analytics=bool(row.get("analytics", False)),
        )
        for section, host in (("cookies", False), ("hosts", True))
        for row in data[section]
    )


def identify(tracker: Tracker) -> Known | None:
    """The well-known tracker a registered one is, if any (first match in the file's order)."""
    if tracker.kind in STORAGE:
        name = re.sub(r"<[^>]*>", "x", tracker.name)  # `_ga_<container-id>` is some `_ga_…` cookie
        return next((k for k in vocabulary() if not k.host and _glob(k.pattern).fullmatch(name)), None)
    if tracker.kind in HOSTS:
        host = _host(tracker.name)
        return next(
            (k for k in vocabulary() if k.host and (host == k.pattern or host.endswith("." + k.pattern))),
            None,
        )
    return None


def problems(register: Register) -> Iterator[Finding]:
    """(path, rule, message, severity) for each registered tracker the vocabulary contradicts."""
    recipients = {r.key: (index, r) for index, r in enumerate(register.recipients)}
    unsettled: dict[str, tuple[str, Known, bool]] = {}
    for index, tracker in enumerate(register.trackers):
        known = identify(tracker)
        path = f"trackers[{index}]"
        if tracker.duration == "none" and tracker.kind in STORAGE:
            yield (f"{path}.duration", "tracker_duration", "'none' is for a script, pixel or embed", "error")
        if known is None:
            continue
        if tracker.category not in known.accepted:
            yield (f"{path}.category", "known_tracker_category", _wrong_category(tracker, known), "error")
        yield from _duration(path, tracker, known)
        if known.analytics:
            found = recipients.get(tracker.recipient or "")
            if found is None:
                yield (
                    f"{path}.recipient",
                    "analytics_settings",
                    f"{tracker.name!r} belongs to {known.tool}: name the recipient that receives the "
                    "measurements, with its analytics settings (R-30)",
                    "warning",
                )
                continue
            previous = unsettled.get(found[1].key)
            claims = tracker.category in EXEMPT or (previous is not None and previous[2])
            first = known if previous is None else previous[1]  # name the tool by its first tracker
            unsettled[found[1].key] = (f"recipients[{found[0]}]", first, claims)
    for key, (path, known, claims_exemption) in unsettled.items():
        yield from _settings(path, recipients[key][1], known, claims_exemption, register)


def _wrong_category(tracker: Tracker, known: Known) -> str:
    if tracker.category in EXEMPT:
        reason = (
            "it is not needed for a service the visitor asked for and needs consent "
            "(ePrivacy Art. 5(3); WP29 Opinion 04/2012; R-24)"
        )
    else:
        reason = "visitors consenting to that category would not be consenting to it"
    return f"{tracker.name!r} is a {known.tool} tracker: declare it {known.category}, not {tracker.category}; {reason}"


def _duration(path: str, tracker: Tracker, known: Known) -> Iterator[Finding]:
    """A notice may not understate a lifetime (CJEU Planet49): a script is never 'session' when what it
    sets lasts longer (an error: a script has no browser session of its own); a shorter cookie than the
    vendor's default is a warning, since the site may have configured it so."""
    if tracker.duration == "none" or _months(tracker.duration) >= _months(known.duration):
        return
    typical = "less than a day" if known.duration == "session" else known.duration
    if tracker.kind in HOSTS and tracker.duration == "session":
        yield (
            f"{path}.duration",
            "tracker_duration",
            f"{tracker.name!r} ({known.tool}) stores what lasts up to {typical}, not until the browser closes: "
            "declare that period, or 'none' with the cookies it sets registered",
            "error",
        )
        return
    yield (
        f"{path}.duration",
        "tracker_duration",
        f"{tracker.name!r} ({known.tool}) lasts {typical} by default; confirm the shorter {tracker.duration} "
        "is configured on the site, or correct it",
        "warning",
    )


def _settings(
    path: str, recipient: Recipient, known: Known, claims_exemption: bool, register: Register
) -> Iterator[Finding]:
    """R-30 (Art. 5(1)(c), 25(2)): IP truncation on, vendor sharing off, advertising features off unless under
    marketing consent, retention at most 14 months.

    Settings not recorded are a warning under consent: the data still flow only with the visitor's consent,
    but the register cannot show the minimisation. They are an error when a tracker of the tool claims the
    strictly-necessary exemption, since nothing else then stands between the visitor and the vendor."""
    settings: AnalyticsSettings | None = recipient.analytics
    if settings is None:
        yield (
            f"{path}.analytics",
            "analytics_settings",
            f"{recipient.key!r} runs {known.tool}: record its settings (ip_truncation: true, "
            f"vendor_data_sharing: false, advertising_features: false, retention at most P{MAX_ANALYTICS_MONTHS}M) "
            "(R-30; Art. 5(1)(c), 25)",
            "error" if claims_exemption else "warning",
        )
        return
    if not settings.ip_truncation:
        yield (
            f"{path}.analytics.ip_truncation",
            "analytics_settings",
            "turn IP truncation on (R-30)",
            "error",
        )
    if settings.vendor_data_sharing:
        yield (
            f"{path}.analytics.vendor_data_sharing",
            "analytics_settings",
            f"{recipient.name} may not use the measurements for its own purposes: turn data sharing off (R-30)",
            "error",
        )
    if _months(settings.retention) > MAX_ANALYTICS_MONTHS:
        yield (
            f"{path}.analytics.retention",
            "analytics_settings",
            f"keep analytics data at most {MAX_ANALYTICS_MONTHS} months, not {settings.retention} (R-30; Art. 5(1)(e))",
            "error",
        )
    if settings.advertising_features and any(
        t.recipient == recipient.key and t.category is not TrackerCategory.MARKETING
        for t in register.trackers
    ):
        yield (
            f"{path}.analytics.advertising_features",
            "analytics_settings",
            "advertising features need marketing consent: turn them off, or declare the tool's trackers "
            "under marketing (R-30)",
            "error",
        )


def _months(duration: str) -> float:
    if duration in ("session", "none"):
        return 0
    years, months, weeks, days = period_parts(duration)
    return years * 12 + months + (weeks * 7 + days) / 30.4


@lru_cache(maxsize=256)
def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")))


def _host(name: str) -> str:
    return name.lower().removeprefix("https://").removeprefix("http://").split("/", 1)[0]
