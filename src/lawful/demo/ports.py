"""Whether the demo can listen where it was asked to, found out before anything is set up."""

import errno
import socket


def problem(host: str, port: int) -> str | None:
    """None when (host, port) can be listened on now; otherwise why not, in a few plain words."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        return f"host {host} is not a name or address this machine knows"
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(
            socket.SOL_SOCKET, socket.SO_REUSEADDR, 1
        )  # as uvicorn binds: TIME_WAIT is no obstacle
        try:
            probe.bind(address)
            probe.listen(1)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return f"port {port} is in use"
            if exc.errno == errno.EACCES:
                return f"port {port} needs privileges this user does not have"
            if exc.errno == errno.EADDRNOTAVAIL:
                return f"host {host} is not an address of this machine"
            return f"cannot listen on {host}:{port} ({exc.strerror})"
    return None


def free_after(host: str, port: int, *, also_next: bool) -> int | None:
    """The first port above `port` free on `host` (and, with `also_next`, the one after it too)."""
    for candidate in range(port + 1, min(port + 100, 65535)):
        if problem(host, candidate) is None and (not also_next or problem(host, candidate + 1) is None):
            return candidate
    return None
