"""The demo company's website (examples/website), served by `lawful demo` on a port of its own, as the
company's own server would serve it: `{{LAWFUL}}` filled in with lawful's origin, under the strict
Content-Security-Policy the page is written for. Only the directory's own files are served."""

import base64
import hashlib
import mimetypes
import re
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PLACEHOLDER = "{{LAWFUL}}"
_HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d+)?$")


def render(html: str, lawful: str) -> tuple[str, str]:
    """The page with lawful's origin filled in, and the policy it is served under (its own <style> element
    allowed by hash, no 'unsafe-inline')."""
    page = html.replace(PLACEHOLDER, lawful)
    found = re.search(r"<style>(.*?)</style>", page, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256((found.group(1) if found else "").encode()).digest()).decode()
    policy = (
        f"default-src 'self'; script-src 'self' {lawful}; connect-src {lawful}; "
        f"style-src 'self' {lawful} 'sha256-{digest}'; img-src 'self'; "
        "base-uri 'none'; object-src 'none'"
    )
    return page, policy


def lawful_origin(host_header: str | None, *, port: int, fallback: str) -> str:
    """lawful as the visitor reaches it: the host they typed for the website, on lawful's port (so the
    demo works from another machine too); `fallback` when the Host header is missing or odd."""
    found = _HOST.match(host_header or "")
    return f"http://{found.group(1)}:{port}" if found else fallback


def server(host: str, port: int, directory: Path, origin: Callable[[str | None], str]) -> ThreadingHTTPServer:
    """Bound now (so a busy port shows before the demo starts), serving once `start` is called."""
    root = directory.resolve()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            name = self.path.split("?", 1)[0].split("#", 1)[0].lstrip("/") or "index.html"
            path = (root / name).resolve()
            if path.parent != root or not path.is_file():
                self.send_error(404)
                return
            headers = {"Cache-Control": "no-store"}
            body = path.read_bytes()
            if path.suffix == ".html":
                page, headers["Content-Security-Policy"] = render(
                    body.decode("utf-8"), origin(self.headers.get("Host"))
                )
                body = page.encode("utf-8")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            self.send_response(200)
            self.send_header("Content-Type", f"{kind}; charset=utf-8" if kind.startswith("text/") else kind)
            self.send_header("Content-Length", str(len(body)))
            for header, value in headers.items():
                self.send_header(header, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return  # the demo's terminal shows lawful's output only

    class Server(ThreadingHTTPServer):
        address_family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0][
            0
        ]
        allow_reuse_address = True  # as uvicorn binds lawful's port
        daemon_threads = True

    return Server((host, port), Handler)


def start(site: ThreadingHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=site.serve_forever, name="demo-website", daemon=True)
    thread.start()
    return thread
