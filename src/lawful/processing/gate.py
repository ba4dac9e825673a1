"""The scan's browser reaches the network only through this proxy on loopback, which lets each connection
through to an address the outbound policy allows (Art. 32) and refuses the others: the page itself, what it
loads, and every redirect hop. The proxy resolves the name and connects to the address it checked, so DNS
cannot answer differently in between; Chromium resolves nothing itself."""

import ipaddress
import selectors
import socket
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from lawful import outbound

MAX_HEAD = 64 * 1024
IDLE_SECONDS = 30
_HOP_BY_HOP = (b"proxy-", b"connection:", b"keep-alive:")
REFUSED = b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


def refusal(host: str, port: int) -> str | None:
    """Why the policy refuses this host and port, resolved now; None when every address it has is allowed."""
    return _resolve(host, port)[0]


def _resolve(host: str, port: int) -> tuple[str | None, list[outbound.Address]]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return "unresolvable", []
    addresses = list(dict.fromkeys(ipaddress.ip_address(str(i[4][0]).split("%")[0]) for i in found))
    return outbound.refusal(host, port, addresses, outbound.current()), addresses


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        client: socket.socket = self.request
        client.settimeout(IDLE_SECONDS)
        head = b""
        while b"\r\n\r\n" not in head and len(head) < MAX_HEAD:
            chunk = client.recv(8192)
            if not chunk:
                return
            head += chunk
        line, _, rest = head.partition(b"\r\n")
        method, target, version = [*line.decode("latin-1").split(" ", 2), "", "", ""][:3]
        if method == "CONNECT":
            host, _, number = target.rpartition(":")
            upstream = self._open(host.strip("[]"), int(number) if number.isdigit() else 0)
            if upstream is not None:
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                _pipe(client, upstream, rest.partition(b"\r\n\r\n")[2])
            return
        parts = urlsplit(target)
        try:
            port = parts.port or 80
        except ValueError:
            port = 0
        upstream = self._open(parts.hostname or "", port if parts.scheme == "http" else 0)
        if upstream is not None:  # one request per connection: the next may be for another host
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            fields, _, body = rest.partition(b"\r\n\r\n")
            kept = [f for f in fields.split(b"\r\n") if not f.lower().startswith(_HOP_BY_HOP)]
            first = f"{method} {path} {version}".encode("latin-1")
            _pipe(client, upstream, b"\r\n".join([first, *kept, b"Connection: close", b"", body]))

    def _open(self, host: str, port: int) -> socket.socket | None:
        reason, addresses = _resolve(host, port) if host and 0 < port < 65536 else ("invalid", [])
        if reason is None:
            for address in addresses:
                try:
                    return socket.create_connection((str(address), port), timeout=IDLE_SECONDS)
                except OSError:
                    continue
        self.request.sendall(REFUSED)
        return None


def _pipe(client: socket.socket, upstream: socket.socket, first: bytes) -> None:
    """Both ways until either side closes or is idle too long."""
    with upstream:
        if first:
            upstream.sendall(first)
        with selectors.DefaultSelector() as selector:
            selector.register(client, selectors.EVENT_READ, upstream)
            selector.register(upstream, selectors.EVENT_READ, client)
            while ready := selector.select(IDLE_SECONDS):
                for key, _ in ready:
                    data = key.fileobj.recv(65536)  # type: ignore[union-attr]
                    if not data:
                        return
                    key.data.sendall(data)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A connection the site or the browser dropped ends that connection only; the scan goes on."""


@contextmanager
def gate() -> Iterator[str]:
    """A proxy on loopback for the time of one scan: its address, for Chromium's --proxy-server."""
    server = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
