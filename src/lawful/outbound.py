"""Every call lawful makes to another system (recipients' endpoints, platforms, other controllers, webhooks)
goes through `post` here, over one HTTP client per process: connections are kept alive, and the TLS context
with its certificate store is built once (building it costs about 35 ms of CPU).

Art. 32: a destination is not trusted because someone typed it. The host is resolved, every address it
resolves to is checked, and the connection goes to the checked address (the name stays in the Host header
and in TLS, for SNI and the certificate), so DNS cannot answer differently between the check and the
connection. Loopback, private, link-local, carrier-grade NAT, multicast, reserved and cloud metadata
addresses are refused, unless LAWFUL_OUTBOUND_ALLOW names the network or host:port (the company's own
recipients); metadata addresses never. Redirects are followed by hand, at most MAX_REDIRECTS, each hop
checked the same way; only http and https."""

import ipaddress
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from threading import Lock
from typing import Any, ClassVar

import httpcore
import httpx

from lawful.errors import LawfulError

MAX_REDIRECTS = 3
SCHEMES = ("http", "https")
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# never reachable, whatever is allowed: where clouds answer with credentials
METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200", "192.0.0.192")
)
FORBIDDEN: tuple[tuple[str, Network], ...] = tuple(
    (name, ipaddress.ip_network(net))
    for name, nets in {
        "unspecified": ("0.0.0.0/8", "::/128"),
        "loopback": ("127.0.0.0/8", "::1/128"),
        "private": ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"),
        "link-local": ("169.254.0.0/16", "fe80::/10"),
        "carrier-grade NAT": ("100.64.0.0/10",),
        "multicast": ("224.0.0.0/4", "ff00::/8"),
        "reserved": ("240.0.0.0/4", "192.0.0.0/24", "198.18.0.0/15", "64:ff9b:1::/48", "2001:db8::/32"),
    }.items()
    for net in nets
)


class OutboundError(LawfulError):
    """The destination got nothing usable from us; `category` is all staff and the audit are told."""

    status = 502
    code = "destination_failed"
    category: ClassVar[str] = "unreachable"


class AddressRefused(OutboundError):
    """The destination is not one lawful may call (Art. 32): nothing was sent."""

    code = "destination_refused"
    category = "refused_address"


class Unreachable(OutboundError):
    code = "destination_unreachable"
    category = "unreachable"


class Rejected(OutboundError):
    """The destination answered, but not with a delivery (too many redirects)."""

    code = "destination_rejected"
    category = "rejected"


@dataclass(frozen=True)
class Allowance:
    """LAWFUL_OUTBOUND_ALLOW: networks ("10.1.0.0/16", "127.0.0.1") and host:port ("crm.internal:8443")."""

    networks: tuple[Network, ...] = ()
    hosts: frozenset[tuple[str, int]] = field(default_factory=frozenset)

    @classmethod
    def parse(cls, entries: Iterable[str]) -> "Allowance":
        networks: list[Network] = []
        hosts: set[tuple[str, int]] = set()
        for entry in (e.strip() for e in entries):
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
                continue
            except ValueError:
                pass
            host, _, port = entry.rpartition(":")
            if not host or not port.isdigit() or not 0 < int(port) < 65536:
                raise ValueError(
                    f"{entry!r} is neither a network (10.0.0.0/8) nor host:port (crm.internal:443)"
                )
            hosts.add((host.strip("[]").lower(), int(port)))
        return cls(tuple(networks), frozenset(hosts))


def forbidden(address: Address) -> str | None:
    """Why an address may not be called, or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return forbidden(address.ipv4_mapped)
    if address in METADATA:
        return "cloud metadata"
    for name, network in FORBIDDEN:
        if address.version == network.version and address in network:
            return name
    return None if address.is_global else "reserved"


def refusal(host: str, port: int, addresses: Sequence[Address], allowance: Allowance) -> str | None:
    """Why a connection to these addresses of `host` is refused; every address must pass."""
    if not addresses:
        return "no address"
    named = (host.strip("[]").lower(), port) in allowance.hosts
    for address in addresses:
        reason = forbidden(address)
        if reason is None:
            continue
        if reason == "cloud metadata":
            return reason  # never allowed
        if named or any(address.version == n.version and address in n for n in allowance.networks):
            continue
        return reason
    return None


_configured: list[Allowance] = []


def configure(allow: Iterable[str]) -> None:
    """The allowance of this process (create_app and jobs.configure pass their settings' outbound_allow);
    pooled connections are dropped, so none made under an earlier allowance is reused."""
    _configured[:] = [Allowance.parse(allow)]
    close()


def current() -> Allowance:
    if not _configured:
        from lawful.config import get_settings  # config imports this module for its validator

        _configured.append(Allowance.parse(get_settings().outbound_allow))
    return _configured[0]


class _CheckedBackend(httpcore.SyncBackend):
    """Resolves, checks every address, then connects to a checked address: no second lookup."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve: {exc.strerror}") from exc
        addresses = list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found))
        reason = refusal(host, port, addresses, current())
        if reason is not None:
            raise AddressRefused(f"the destination is a {reason} address; nothing was sent")
        last: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(str(address), port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last


class _Transport(httpx.HTTPTransport):
    def __init__(self) -> None:
        super().__init__(trust_env=False)  # no proxy from the environment: it would bypass the check
        self._pool = httpcore.ConnectionPool(  # SSL_CERT_FILE or SSL_CERT_DIR: a company's own CA
            ssl_context=httpx.create_ssl_context(trust_env=True),
            max_connections=100,
            max_keepalive_connections=20,
            network_backend=_CheckedBackend(),
        )


_clients: list[httpx.Client] = []
_lock = Lock()


def post(url: str, *, json: Any, timeout: float = 15) -> httpx.Response:
    """POST JSON to a checked destination; the final answer, whatever its status (see `delivered`).

    Raises AddressRefused (scheme or address not allowed, at any hop), Unreachable (no connection,
    timeout) or Rejected (more than MAX_REDIRECTS redirects)."""
    request = _client().build_request("POST", _checked_url(url), json=json, timeout=_timeout(timeout))
    for _ in range(MAX_REDIRECTS + 1):
        response = _send(request)
        if not response.is_redirect or response.next_request is None:
            return response
        response.close()
        request = response.next_request
        _checked_url(request.url)
    raise Rejected(f"more than {MAX_REDIRECTS} redirects")


def delivered(response: httpx.Response) -> bool:
    return response.is_success


def _send(request: httpx.Request) -> httpx.Response:
    try:
        response = _client().send(request)
        response.read()
        return response
    except httpx.HTTPError as exc:
        raise Unreachable(f"the destination could not be reached ({type(exc).__name__})") from exc


def _checked_url(url: str | httpx.URL) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise AddressRefused("the destination is not a URL") from exc
    if parsed.scheme not in SCHEMES or not parsed.host:
        raise AddressRefused("the destination is not an http or https URL")
    return parsed


def _timeout(seconds: float) -> httpx.Timeout:
    return httpx.Timeout(seconds, connect=min(seconds, 5.0))


def _client() -> httpx.Client:
    with _lock:
        if not _clients:
            _clients.append(httpx.Client(transport=_Transport(), follow_redirects=False, trust_env=False))
        return _clients[0]


def close() -> None:
    with _lock:
        for client in _clients:
            client.close()
        _clients.clear()
