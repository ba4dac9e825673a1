"""Art. 32: lawful calls no address inside the company's network unless the company allows it, checked
after DNS resolution and at every redirect. Real HTTP servers on loopback stand for the forbidden targets."""

import ipaddress
import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from pydantic import ValidationError

from lawful import outbound
from lawful.config import Settings
from tests.tls import TlsReceiver


@dataclass
class Server:
    """A real HTTP server; `hits` is every request it received (method, path, Host header, body)."""

    port: int
    hits: list[tuple[str, str, str, Any]] = field(default_factory=list)
    answer: Callable[[BaseHTTPRequestHandler], None] | None = None


def _serve(family: socket.AddressFamily = socket.AF_INET) -> Iterator[Server]:
    server = Server(0)

    class Handler(BaseHTTPRequestHandler):
        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            server.hits.append((self.command, self.path, self.headers["Host"], body))
            if server.answer is not None:
                server.answer(self)
                return
            self.send_response(204)
            self.end_headers()

        do_GET = do_POST = _any  # noqa: N815 (http.server API)

        def log_message(self, *args: object) -> None:
            return

    class Family(HTTPServer):
        address_family = family

    http = Family(("::1" if family == socket.AF_INET6 else "127.0.0.1", 0), Handler)
    server.port = http.server_address[1]
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield server
    http.shutdown()
    http.server_close()
    thread.join()


@pytest.fixture
def target() -> Iterator[Server]:
    yield from _serve()


@pytest.fixture
def other() -> Iterator[Server]:
    yield from _serve()


@pytest.fixture
def target6() -> Iterator[Server]:
    yield from _serve(socket.AF_INET6)


@pytest.fixture
def strict() -> None:
    """Settings without the tests' loopback allowance: what a company that allows nothing gets."""
    outbound.configure(Settings().outbound_allow)


def _redirect_to(location: str, status: int = 302) -> Callable[[BaseHTTPRequestHandler], None]:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return answer


@pytest.mark.usefixtures("strict")
@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",  # loopback
        "127.0.0.2",  # the rest of 127/8 answers too on Linux
        "localhost",  # a name that resolves to loopback
        "0.0.0.0",  # noqa: S104 (unspecified: Linux connects it to this machine)
        "[::ffff:127.0.0.1]",  # loopback written as IPv6
    ],
)
def test_a_loopback_server_is_refused_and_receives_nothing(target: Server, host: str) -> None:
    with pytest.raises(outbound.AddressRefused) as refused:
        outbound.post(f"http://{host}:{target.port}/in", json={"email": "a@example.test"})

    assert refused.value.category == "refused_address" and refused.value.status == 502
    assert target.hits == []


@pytest.mark.usefixtures("strict")
def test_an_ipv6_loopback_server_is_refused_and_receives_nothing(target6: Server) -> None:
    with pytest.raises(outbound.AddressRefused):
        outbound.post(f"https://[::1]:{target6.port}/in", json={"email": "a@example.test"})

    assert target6.hits == []


@pytest.mark.usefixtures("strict")
@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("10.0.0.7", "private"),
        ("172.16.4.2", "private"),
        ("192.168.1.1", "private"),
        ("[fd12:3456::1]", "private"),
        ("169.254.10.10", "link-local"),
        ("[fe80::1]", "link-local"),
        ("169.254.169.254", "cloud metadata"),
        ("[fd00:ec2::254]", "cloud metadata"),
        ("100.100.100.200", "cloud metadata"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("224.0.0.1", "multicast"),
        ("[ff02::1]", "multicast"),
        ("240.0.0.1", "reserved"),
    ],
)
def test_an_address_inside_a_network_is_refused_before_any_connection(address: str, why: str) -> None:
    """Nothing on this machine listens there: a connection attempted would time out or fail, not be refused."""
    with pytest.raises(outbound.AddressRefused, match=f"a {why} address"):
        outbound.post(f"https://{address}/latest/meta-data/", json={}, timeout=0.5)


def test_metadata_addresses_stay_refused_even_inside_an_allowed_network() -> None:
    outbound.configure(["169.254.0.0/16"])

    with pytest.raises(outbound.AddressRefused, match="cloud metadata"):
        outbound.post("http://169.254.169.254/latest/meta-data/", json={}, timeout=0.5)


@pytest.mark.usefixtures("strict")
@pytest.mark.parametrize("url", ["ftp://example.test/in", "file:///etc/passwd", "gopher://x/", "//x/in", ""])
def test_only_http_and_https_are_called(url: str) -> None:
    with pytest.raises(outbound.AddressRefused, match=r"not an http or https URL|not a URL"):
        outbound.post(url, json={})


@pytest.mark.usefixtures("strict")
def test_a_redirect_from_an_allowed_server_to_a_forbidden_one_is_refused(
    target: Server, other: Server
) -> None:
    outbound.configure([f"127.0.0.1:{target.port}"])  # the company's own recipient, by host and port
    target.answer = _redirect_to(f"http://127.0.0.1:{other.port}/steal", 307)

    with pytest.raises(outbound.AddressRefused, match="loopback"):
        outbound.post(f"http://127.0.0.1:{target.port}/in", json={"email": "a@example.test"})

    assert [hit[:2] for hit in target.hits] == [("POST", "/in")]
    assert other.hits == []


def test_a_redirect_to_another_scheme_is_refused(target: Server) -> None:
    target.answer = _redirect_to("file:///etc/passwd")

    with pytest.raises(outbound.AddressRefused, match="not an http or https URL"):
        outbound.post(f"http://127.0.0.1:{target.port}/in", json={})


def test_an_allowed_redirect_is_followed_with_the_body_kept_for_307(target: Server, other: Server) -> None:
    target.answer = _redirect_to(f"http://127.0.0.1:{other.port}/moved", 307)

    response = outbound.post(f"http://127.0.0.1:{target.port}/in", json={"n": 1})

    assert response.status_code == 204 and outbound.delivered(response)
    assert [(h[0], h[1], h[3]) for h in other.hits] == [("POST", "/moved", {"n": 1})]


def test_more_redirects_than_the_maximum_are_rejected(target: Server) -> None:
    target.answer = _redirect_to(f"http://127.0.0.1:{target.port}/again", 307)

    with pytest.raises(outbound.Rejected) as rejected:
        outbound.post(f"http://127.0.0.1:{target.port}/in", json={})

    assert rejected.value.category == "rejected"
    assert len(target.hits) == outbound.MAX_REDIRECTS + 1


def test_an_allowed_name_is_called_on_the_checked_address_with_its_name_in_the_host_header(
    target: Server,
) -> None:
    response = outbound.post(f"http://localhost:{target.port}/in", json={"n": 2})

    assert response.status_code == 204
    assert target.hits == [("POST", "/in", f"localhost:{target.port}", {"n": 2})]


def test_an_allowance_by_host_and_port_allows_no_other_port(target: Server, other: Server) -> None:
    outbound.configure([f"localhost:{target.port}"])

    assert outbound.post(f"http://localhost:{target.port}/in", json={}).status_code == 204
    with pytest.raises(outbound.AddressRefused):
        outbound.post(f"http://localhost:{other.port}/in", json={})
    assert other.hits == []


@pytest.mark.usefixtures("strict")
def test_a_name_with_one_public_and_one_loopback_address_is_refused(
    target: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every address a name resolves to is checked, not only the first."""
    answers, calls = [("93.184.216.34", target.port), ("127.0.0.1", target.port)], list[str]()
    monkeypatch.setattr(socket, "getaddrinfo", _resolver(answers, calls))

    with pytest.raises(outbound.AddressRefused, match="loopback"):
        outbound.post(f"http://rebind.example.test:{target.port}/in", json={})

    assert target.hits == [] and calls == ["rebind.example.test"]


@pytest.mark.usefixtures("strict")
def test_a_name_is_resolved_once_so_a_second_answer_cannot_redirect_the_connection(
    target: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the first answer is checked and connected to; a later loopback answer is never asked."""
    public = [("93.184.216.34", target.port)]  # public: checked, then connected to (and fails here)
    calls: list[str] = []
    first = _resolver(public, calls)
    then = _resolver([("127.0.0.1", target.port)], calls)
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: (first if not calls else then)(*a, **k))

    with pytest.raises(outbound.Unreachable):
        outbound.post(f"http://rebind.example.test:{target.port}/in", json={}, timeout=0.5)

    assert target.hits == [] and calls == ["rebind.example.test"]


_GETADDRINFO = socket.getaddrinfo


def _resolver(answers: list[tuple[str, int]], calls: list[str]) -> Callable[..., Any]:
    """A DNS server's answers for names; an address stays itself, as the real resolver leaves it."""

    def getaddrinfo(host: str, port: object, *args: object, **kwargs: object) -> list[Any]:
        try:
            ipaddress.ip_address(host)
            return _GETADDRINFO(host, port, *args, **kwargs)  # type: ignore[arg-type]
        except ValueError:
            calls.append(host)
        return [
            (
                socket.AF_INET6 if ipaddress.ip_address(a).version == 6 else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (a, p),
            )
            for a, p in answers
        ]

    return getaddrinfo


@pytest.mark.usefixtures("strict")
def test_an_unreachable_destination_is_unreachable_not_refused() -> None:
    with pytest.raises(outbound.Unreachable) as failed:
        outbound.post("http://unresolvable.invalid/in", json={}, timeout=1)

    assert failed.value.category == "unreachable"


@pytest.mark.parametrize(
    "entry", ["10.0.0.0/33", "crm.internal", "crm.internal:http", "crm.internal:0", ":443"]
)
def test_a_malformed_allowance_fails_at_start_up_naming_the_entry(entry: str) -> None:
    with pytest.raises(ValidationError, match="outbound_allow"):
        Settings(outbound_allow=[entry])


def test_the_allowance_is_read_from_the_environment_as_a_json_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAWFUL_OUTBOUND_ALLOW", '["10.1.0.0/16", "crm.internal:8443"]')

    allowance = outbound.Allowance.parse(Settings().outbound_allow)

    assert allowance.networks == (ipaddress.ip_network("10.1.0.0/16"),)
    assert allowance.hosts == {("crm.internal", 8443)}


def test_https_goes_to_the_checked_address_with_the_name_in_tls_and_its_certificate_verified(
    tls: TlsReceiver,
) -> None:
    response = outbound.post(tls.url, json={"n": 3})

    assert response.status_code == 204
    assert tls.received == [("/in", "localhost", {"n": 3})]  # SNI: the name, not the address


def test_a_certificate_for_another_name_is_refused_as_unreachable(tls: TlsReceiver) -> None:
    with pytest.raises(outbound.Unreachable):
        outbound.post(f"https://127.0.0.1:{tls.port}/in", json={"n": 4})  # it names localhost only

    assert tls.received == []
