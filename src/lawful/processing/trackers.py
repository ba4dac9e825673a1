"""Which trackers found on a site are in the register (R-23): a scan fails on any that is not.

Pure matching. Cookies and storage keys match a tracker of the same kind by name, where `<…>` or `*` in
the registered name stands for any text (`_ga_<container-id>` covers `_ga_X1Y2Z3`). Third-party hosts
(scripts, pixels, embeds) match a tracker of one of those kinds by host, a registered domain covering its
subdomains (`googletagmanager.com` covers `www.googletagmanager.com`).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .document import Tracker, TrackerKind

STORAGE = frozenset({TrackerKind.COOKIE, TrackerKind.LOCAL_STORAGE, TrackerKind.SESSION_STORAGE})
HOSTS = frozenset({TrackerKind.SCRIPT, TrackerKind.PIXEL, TrackerKind.EMBED})


@dataclass(frozen=True, order=True)
class Found:
    """One tracker seen on the site: a cookie, a storage key, or a third-party host it loaded from."""

    kind: TrackerKind
    name: str
    party: str = "first"


def registered(found: Found, trackers: Iterable[Tracker]) -> Tracker | None:
    for tracker in trackers:
        if (
            found.kind in STORAGE
            and tracker.kind == found.kind
            and _pattern(tracker.name).fullmatch(found.name)
        ):
            return tracker
        if found.kind in HOSTS and tracker.kind in HOSTS and _covers(tracker.name, found.name):
            return tracker
    return None


def unregistered(found: Iterable[Found], trackers: list[Tracker]) -> list[Found]:
    """What the site uses that the register (and so the cookie notice) does not declare."""
    return sorted({f for f in found if registered(f, trackers) is None})


@lru_cache(maxsize=512)
def _pattern(name: str) -> re.Pattern[str]:
    parts = re.split(r"(<[^>]*>|\*)", name)
    return re.compile(
        "".join(".+" if p.startswith("<") else ".*" if p == "*" else re.escape(p) for p in parts)
    )


def _covers(registered_host: str, host: str) -> bool:
    registered_host = registered_host.lower().removeprefix("https://").removeprefix("http://").strip("/")
    host = host.lower()
    return host == registered_host or host.endswith("." + registered_host)
