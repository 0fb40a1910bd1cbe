"""Polling a Go program's ``/debug/vars`` and goroutine profile over loopback.

A server that imports ``expvar`` or ``net/http/pprof`` tells gctui about
its collector without a restart: MemStats' pause ring gives every cycle's
stop-the-world pause, the goroutine profile the goroutine count and where
they wait. The two are independent (a program may import one and not the
other), so a 404 on one path only stops polling that path.

Only loopback addresses are ever contacted, proxies from the environment
are ignored (an ``http_proxy`` must not see a local debug endpoint), and
every request has a short timeout so a stuck server cannot stall gctui.
"""

from __future__ import annotations

import http.client
import ipaddress
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import psutil

from parsers.events import ExpvarSample, GoroutineProfile
from parsers.expvar import parse_expvar
from parsers.pprof_text import parse_goroutine_debug1
from tui.sources.samples import HTTPSample
from tui.sources.base import Emit, Notice

VARS_PATH = "/debug/vars"
GOROUTINE_PATH = "/debug/pprof/goroutine?debug=1"
TIMEOUT_S = 1.0
REDISCOVER_S = 2.0  # how often to look again for a port that was not open yet
MAX_CANDIDATES = 8  # loopback ports probed per discovery

# A port that is not HTTP at all answers with garbage: http.client's errors.
NET_ERRORS = (OSError, http.client.HTTPException)
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def loopback_base(addr: str) -> str:
    """``http://host:port`` for ``127.0.0.1:6060``, ``:6060``, ``localhost:6060``,
    ``[::1]:6060`` or a full ``http://`` URL; ``ValueError`` (one line) for
    an address that is not loopback or has no port."""
    text = addr.strip()
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme != "http" or port is None:
        raise ValueError(f"--http {addr}: expected HOST:PORT, e.g. 127.0.0.1:6060")
    host = parts.hostname or "127.0.0.1"
    if host == "localhost":
        host = "127.0.0.1"
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"--http {addr}: gctui only polls loopback addresses (127.0.0.1, ::1)")
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def listening_bases(pid: int) -> list[str]:
    """Base URLs for the process's listening TCP sockets reachable over
    loopback: bound to a loopback address or to every address."""
    proc = psutil.Process(pid)
    # Process.connections was renamed net_connections in psutil 6.0.
    connections = getattr(proc, "net_connections", None) or proc.connections
    out: list[str] = []
    for conn in connections(kind="tcp"):
        if conn.status != psutil.CONN_LISTEN or not conn.laddr:
            continue
        ip, port = conn.laddr.ip, conn.laddr.port
        if ip in ("0.0.0.0", "::", "::ffff:0.0.0.0") or ip.startswith(("127.", "::ffff:127.")):
            base = f"http://127.0.0.1:{port}"
        elif ip == "::1":
            base = f"http://[::1]:{port}"
        else:
            continue
        if base not in out:
            out.append(base)
    return sorted(out)[:MAX_CANDIDATES]


def fetch(url: str, timeout: float = TIMEOUT_S) -> bytes | None:
    """The body of a 200 response, ``None`` for 404; ``OSError`` otherwise."""
    try:
        with _OPENER.open(url, timeout=timeout) as response:
            return bytes(response.read())
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise


class HTTPPoller:
    """Once a second, one :class:`HTTPSample` from an address given by the
    user or found among the process's listening ports."""

    def __init__(self, pid: int, base: str | None = None, start_wall_time: float | None = None,
                 interval_s: float = 1.0) -> None:
        self.pid = pid
        self.base = base
        self.given = base is not None
        self.start_wall_time = start_wall_time
        self.interval_s = interval_s
        self.vars_ok = self.goroutines_ok = True
        self.previous_num_gc: int | None = None
        self._failing = False
        self._probed: set[str] = set()  # ports that served neither path: not asked again

    def run(self, emit: Emit, stop: threading.Event) -> None:
        """Poll until ``stop`` is set or neither path is served."""
        next_discovery = 0.0
        while not stop.is_set():
            if self.base is None and time.monotonic() >= next_discovery:
                self.base = self._discover(emit, first=next_discovery == 0.0)
                next_discovery = time.monotonic() + REDISCOVER_S
            if self.base is not None:
                sample = self.poll(emit)
                if sample is not None:
                    emit(sample)
                if not (self.vars_ok or self.goroutines_ok):
                    return
            stop.wait(self.interval_s)

    def _discover(self, emit: Emit, first: bool) -> str | None:
        """The first listening loopback port that serves either path."""
        try:
            bases = listening_bases(self.pid)
        except psutil.Error:
            bases = []
        for base in bases:
            if base in self._probed:
                continue
            self._probed.add(base)
            for path in (VARS_PATH, GOROUTINE_PATH):
                try:
                    if fetch(base + path) is not None:
                        emit(Notice("info", f"found Go debug endpoints at {base}: polling them once a second"))
                        return base
                except NET_ERRORS:
                    break  # not HTTP, or not answering: the next port
        if first:
            emit(Notice("info", f"no /debug/vars or /debug/pprof/ found on PID {self.pid}'s loopback ports "
                        "(still looking; pass --http ADDR if it serves them elsewhere)"))
        return None

    def poll(self, emit: Emit) -> HTTPSample | None:
        """One look at both paths; what fails is said once in a Notice."""
        wall = time.time()
        expvar = self._vars(emit) if self.vars_ok else None
        goroutines = self._goroutines(emit) if self.goroutines_ok else None
        if expvar is None and goroutines is None:
            return None
        t_s = wall - self.start_wall_time if self.start_wall_time is not None else None
        return HTTPSample(wall, t_s, expvar=expvar, goroutines=goroutines)

    def _vars(self, emit: Emit) -> ExpvarSample | None:
        body = self._get(emit, VARS_PATH, TIMEOUT_S)
        if body is None:
            return None
        try:
            sample = parse_expvar(body, self.previous_num_gc)
        except ValueError as exc:  # served, but not expvar's document
            self._give_up(emit, VARS_PATH, str(exc))
            return None
        # Only now: a failed poll must not skip the cycles it would have seen.
        self.previous_num_gc = sample.num_gc
        return sample

    def _goroutines(self, emit: Emit) -> GoroutineProfile | None:
        # Generous: with 100,000 goroutines the profile takes a while to write.
        body = self._get(emit, GOROUTINE_PATH, 2 * TIMEOUT_S)
        if body is None:
            return None
        try:
            return parse_goroutine_debug1(body.decode("utf-8", "replace"))
        except ValueError as exc:
            self._give_up(emit, GOROUTINE_PATH, str(exc))
            return None

    def _get(self, emit: Emit, path: str, timeout: float) -> bytes | None:
        """The body, or ``None`` after saying why not (once per outage)."""
        assert self.base is not None
        try:
            body = fetch(self.base + path, timeout)
        except NET_ERRORS as exc:
            if not self._failing:
                emit(Notice("warning", f"{self.base} is not answering ({_reason(exc)}); will keep trying"))
            self._failing = True
            return None
        if self._failing:
            emit(Notice("info", f"{self.base} is answering again"))
            self._failing = False
        if body is None:
            module = "expvar" if path == VARS_PATH else "net/http/pprof"
            self._give_up(emit, path, f"404: the program does not import {module}")
        return body

    def _give_up(self, emit: Emit, path: str, why: str) -> None:
        if path == VARS_PATH:
            self.vars_ok = False
        else:
            self.goroutines_ok = False
        emit(Notice("info" if why.startswith("404") else "warning", f"not polling {self.base}{path}: {why}"))


def _reason(exc: Exception) -> str:
    """``connection refused`` rather than ``<urlopen error [Errno 111] ...>``."""
    inner = getattr(exc, "reason", exc)
    return getattr(inner, "strerror", None) or str(inner)
