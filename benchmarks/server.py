"""`lawful serve` as a subprocess on 127.0.0.1: start it, wait for /privacy, read its memory, stop it."""

import http.client
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .environment import LAWFUL, Installation

HOST = "127.0.0.1"
POLL_SECONDS = 0.01
START_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    started_at: float  # perf_counter() just before the process was spawned

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"


@contextmanager
def serving(setup: Installation, workers: int = 1) -> Iterator[Server]:
    """A fresh `lawful serve [--workers N]` process, stopped on exit; it may not be answering yet."""
    port = free_port()
    log = setup.data_dir / f"serve-{port}.log"
    with log.open("wb") as sink:
        started_at = time.perf_counter()
        process = subprocess.Popen(
            [str(LAWFUL), "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)],
            env=setup.env,
            cwd=setup.data_dir,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            yield Server(process=process, port=port, log=log, started_at=started_at)
        finally:
            _stop(process)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for_privacy(server: Server) -> float:
    """Poll GET /privacy every 10 ms until it answers 200; return perf_counter() at that moment."""
    deadline = server.started_at + START_TIMEOUT_SECONDS
    while time.perf_counter() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"lawful serve exited with {server.process.returncode}:\n{_tail(server.log)}")
        if _status(server.port, "/privacy") == 200:
            return time.perf_counter()
        time.sleep(POLL_SECONDS)
    raise RuntimeError(f"/privacy did not answer 200 within {START_TIMEOUT_SECONDS} s:\n{_tail(server.log)}")


def rss_kib(pid: int) -> int:
    """VmRSS of the process and all its descendants, from /proc."""
    return sum(_vmrss(member) for member in [pid, *_descendants(pid)])


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used so far (its own threads, from /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of the process and all its descendants (a `serve --workers N` supervisor and workers)."""
    return sum(_cpu_or_zero(member) for member in [pid, *_descendants(pid)])


def postgres_cpu_seconds() -> float:
    """CPU time of every PostgreSQL process on this machine (backends, WAL writer, checkpointer…)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if "(postgres)" in text:
            fields = text.rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _cpu_or_zero(pid: int) -> float:
    try:
        return cpu_seconds(pid)
    except (FileNotFoundError, ProcessLookupError):
        return 0.0


def _status(port: int, path: str) -> int | None:
    connection = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


def _vmrss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except FileNotFoundError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # the command name may hold spaces and parentheses; the parent pid follows the last ")"
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, frontier = [], [pid]
    while frontier:
        children = parents.get(frontier.pop(), [])
        found += children
        frontier += children
    return found


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _tail(log: Path) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-20:])
