"""A real lawful server in a thread on a loopback port, for browser and client tests."""

import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn
from fastapi import FastAPI

from lawful.cli import proxy_options


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_healthy(
    origin: str, server: threading.Thread | subprocess.Popen[bytes], seconds: float = 15
) -> None:
    """Until `/healthz` answers, while the server's thread or process runs."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and (
        server.is_alive() if isinstance(server, threading.Thread) else server.poll() is None
    ):
        try:
            if httpx.get(f"{origin}/healthz", timeout=1).status_code < 500:  # 308 under https_only
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"the live server at {origin} never answered /healthz")


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Serve `app` until the block ends; yields its origin. The app's database connections are closed after."""
    port = free_port()
    proxies = proxy_options(app.state.settings.trusted_proxies)  # as `lawful serve` runs it
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="off", **proxies
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{port}"
    wait_until_healthy(origin, thread)
    try:
        yield origin
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        release(app)


def release(app: FastAPI) -> None:
    """What a stopped test server leaves open: the fast lanes' own connections (the lifespan that closes
    them is off in tests) and the engine's pool."""
    for lane in getattr(app.state, "lanes", []):
        lane.discard()
    app.state.engine.dispose()
