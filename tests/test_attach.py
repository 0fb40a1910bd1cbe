"""``gctui attach PID``: a real Go server watched from outside, never through its pipes.

Every wait is on items arriving before a deadline; nothing sleeps a fixed time.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import psutil
import pytest

from gorun import RUNTIME_ENV
from tui.ingest.feed import Feeder
from tui.model import Model
from tui.sources.samples import HTTPSample, ProcessSample
from tui.sources import attach as attach_mod
from tui.sources.attach import AttachSource, identify, is_tracing, restart_command, stderr_target, tracing_godebug
from tui.sources.base import Chunk, Ended, EnvUpdate, Item, Notice, SourceError
from tui.sources.httppoll import HTTPPoller, listening_bases, loopback_base

ROOT = Path(__file__).resolve().parent.parent

EXPVAR_BODY = (Path(__file__).parent / "data" / "http" / "expvar_debug_vars.json").read_bytes()
DEADLINE_S = 10.0


class Attached:
    """An AttachSource running in a thread, its items fed to a model on the test thread."""

    def __init__(self, source: AttachSource) -> None:
        self.source = source
        self.items: list[Item] = []
        self.model = Model()
        self.feeder = Feeder(self.model)
        self.stop = threading.Event()
        self.error: BaseException | None = None
        self._queue: queue.SimpleQueue[Item] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self.source.run(self._queue.put, self.stop)
        except BaseException as exc:  # noqa: BLE001 - reported by wait_for/close
            self.error = exc

    def _take(self, item: Item) -> None:
        self.items.append(item)
        self.feeder.feed(item)

    def wait_for(self, what: str, done: Callable[[], bool], timeout: float = DEADLINE_S) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            if self.error is not None:
                raise AssertionError(f"the source failed while waiting for {what}") from self.error
            if time.monotonic() > deadline:
                kinds = sorted({type(i).__name__ for i in self.items})
                raise AssertionError(f"no {what} within {timeout} s; got {kinds}, notices {self.notices()}")
            try:
                self._take(self._queue.get(timeout=0.05))
            except queue.Empty:
                self.feeder.flush()

    def of(self, kind: type) -> list[Any]:
        return [i for i in self.items if isinstance(i, kind)]

    def notices(self) -> list[str]:
        return [n.text for n in self.of(Notice)]

    def close(self) -> None:
        self.stop.set()
        self._thread.join(timeout=5)
        assert not self._thread.is_alive(), "AttachSource.run did not return after stop"
        while not self._queue.empty():
            self._take(self._queue.get())
        if self.error is not None:
            raise self.error


@pytest.fixture
def attached() -> Iterator[Callable[[AttachSource], Attached]]:
    runs: list[Attached] = []

    def start(source: AttachSource) -> Attached:
        runs.append(Attached(source))
        return runs[-1]

    yield start
    for run in runs:
        run.close()


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Start a process with a clean runtime environment; killed and reaped at the end."""
    procs: list[subprocess.Popen[bytes]] = []

    def start(argv: list[str], *, stderr: Any, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        child_env = {k: v for k, v in os.environ.items() if k not in RUNTIME_ENV}
        child_env.update(env or {})
        procs.append(subprocess.Popen(argv, env=child_env, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL, stderr=stderr))
        return procs[-1]

    yield start
    for proc in procs:
        proc.kill()
        proc.wait(timeout=5)


def _listening(log: Path, timeout: float = DEADLINE_S) -> str:
    """The address the server printed to its stderr file."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = re.search(rb"listening on (\S+)\n", log.read_bytes())
        if m:
            return m.group(1).decode()
        time.sleep(0.02)
    raise AssertionError(f"the server printed no address to {log}")


def _server_to_file(go_build, spawn, tmp_path: Path, env: dict[str, str], *args: str) -> tuple[subprocess.Popen[bytes], Path, str]:
    log = tmp_path / "server.err"
    with open(log, "wb") as err:
        proc = spawn([str(go_build("server")), *args], stderr=err, env=env)
    return proc, log, _listening(log)


# -- a real server, stderr in a file -----------------------------------------------------


@pytest.mark.go
def test_follows_the_stderr_file_and_finds_the_debug_endpoints(go_build, spawn, attached, tmp_path) -> None:
    proc, log, _ = _server_to_file(go_build, spawn, tmp_path, {"GODEBUG": "gctrace=1", "GOGC": "150"})
    run = attached(AttachSource(proc.pid))
    run.wait_for("two GC cycles", lambda: len(run.model.cycles) >= 2)
    run.wait_for("expvar and goroutine samples",
                 lambda: any(h.expvar and h.goroutines for h in run.model.http) and len(run.model.http) >= 2)
    run.wait_for("a process sample", lambda: bool(run.of(ProcessSample)))

    env = run.model.env
    assert env.go_version is not None and env.go_version.startswith("go1.19")
    assert env.main_module == "gctui.invalid/workloads"
    assert (env.pid, env.godebug, env.gogc) == (proc.pid, "gctrace=1", "150")
    assert env.start_wall_time == pytest.approx(psutil.Process(proc.pid).create_time())
    assert f"following PID {proc.pid}'s stderr: {log}" in run.notices()
    assert not any("gctui run" in n for n in run.notices())
    assert {c.stream for c in run.of(Chunk)} == {"stderr"}
    # From its end: the address line was written before the attach.
    assert not any("listening on" in o.text for o in run.model.output)

    samples = [h for h in run.of(HTTPSample) if h.expvar]
    pauses = [p.n for h in samples for p in h.expvar.pauses]
    assert pauses == sorted(set(pauses)) and pauses, "each cycle's pause arrives once, in order"
    assert pauses[-1] == samples[-1].expvar.num_gc
    assert all(h.goroutines.total >= 25 for h in samples if h.goroutines)  # the blocked ones
    assert all(h.t_s is not None and h.t_s > 0 for h in samples)


@pytest.mark.go
def test_from_start_with_http_given(go_build, spawn, attached, tmp_path) -> None:
    proc, log, addr = _server_to_file(go_build, spawn, tmp_path, {"GODEBUG": "gctrace=1"})
    run = attached(AttachSource(proc.pid, http=addr, from_start=True))
    run.wait_for("cycle 1 and an HTTP sample", lambda: len(run.model.cycles) >= 1 and bool(run.model.http))
    assert any(f"listening on {addr}" in o.text for o in run.model.output)
    assert not any("found Go debug endpoints" in n for n in run.notices())  # given, not looked for
    assert run.of(HTTPSample)[0].expvar.pauses[0].n == 1


@pytest.mark.go
def test_log_names_the_file_when_stderr_is_a_pipe(go_build, spawn, attached, tmp_path) -> None:
    proc = spawn([str(go_build("server")), "-no-http"], stderr=subprocess.PIPE, env={"GODEBUG": "gctrace=1"})
    log = tmp_path / "collected.log"
    log.touch()

    def collect() -> None:  # the pipe's reader, as a log collector would be
        with open(log, "ab", buffering=0) as out:
            for line in proc.stderr:
                out.write(line)

    threading.Thread(target=collect, daemon=True).start()
    run = attached(AttachSource(proc.pid, log=log))
    run.wait_for("two GC cycles", lambda: len(run.model.cycles) >= 2)
    assert {c.stream for c in run.of(Chunk)} == {"log"}
    assert not any("gctui run" in n for n in run.notices())


# -- when the trace cannot be seen ---------------------------------------------------------


@pytest.mark.go
def test_stderr_pipe_is_never_read_and_the_restart_line_is_given(go_build, spawn, attached) -> None:
    binary = str(go_build("server"))
    proc = spawn([binary, "-rate", "8"], stderr=subprocess.PIPE, env={"GODEBUG": "gctrace=1"})
    run = attached(AttachSource(proc.pid, interval_s=0.25))
    run.wait_for("the restart notice", lambda: any("gctui run" in n for n in run.notices()))
    run.wait_for("a second of samples", lambda: len(run.of(ProcessSample)) >= 4)
    (text,) = [n for n in run.notices() if "gctui run" in n]
    assert "stderr is a pipe" in text
    assert text.endswith(f"GODEBUG=gctrace=1 gctui run -- {shlex.join([binary, '-rate', '8'])}")
    run.close()
    assert not run.of(Chunk)
    proc.kill()
    held = proc.stderr.read()  # everything the server wrote is still in its pipe
    assert b"listening on 127.0.0.1:" in held and b"gc 1 @" in held


@pytest.mark.go
def test_no_gctrace_in_godebug_gives_the_restart_line(go_build, spawn, attached, tmp_path) -> None:
    proc, _, _ = _server_to_file(go_build, spawn, tmp_path, {"GODEBUG": "madvdontneed=1", "GOGC": "200"}, "-live", "2")
    run = attached(AttachSource(proc.pid))
    run.wait_for("the restart notice", lambda: any("gctui run" in n for n in run.notices()))
    (text,) = [n for n in run.notices() if "gctui run" in n]
    assert "without GODEBUG=gctrace=1" in text and "stderr" not in text
    argv = shlex.join([str(go_build("server")), "-live", "2"])
    assert text.endswith(f"GODEBUG=madvdontneed=1,gctrace=1 GOGC=200 gctui run -- {argv}")
    run.wait_for("an expvar sample with pauses", lambda: any(h.expvar and h.expvar.pauses for h in run.model.http))


def test_a_program_that_is_not_go(spawn, attached, tmp_path) -> None:
    proc = spawn(["sleep", "30"], stderr=subprocess.DEVNULL)
    run = attached(AttachSource(proc.pid, interval_s=0.2))
    run.wait_for("an EnvUpdate and a process sample", lambda: bool(run.of(EnvUpdate) and run.of(ProcessSample)))
    assert run.of(EnvUpdate)[0].go_version is None
    assert any("does not look like a Go program" in n for n in run.notices())
    assert not any("gctui run" in n for n in run.notices())  # no Go runtime to trace


# -- starting and ending -----------------------------------------------------------------------


def test_no_such_pid() -> None:
    pid = next(p for p in range(2**22 - 1, 1, -1) if not psutil.pid_exists(p))
    with pytest.raises(SourceError, match=f"^gctui: no process with PID {pid}$"):
        AttachSource(pid)


def test_another_users_process_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(attach_mod.os, "geteuid", lambda: 54321)
    with pytest.raises(SourceError, match=r"belongs to \S+; attach to your own processes, or run as root"):
        identify(os.getpid())


def test_a_process_gone_before_run_is_a_source_error(spawn) -> None:
    proc = spawn(["sleep", "30"], stderr=subprocess.DEVNULL)
    source = AttachSource(proc.pid)
    proc.kill()
    proc.wait()
    with pytest.raises(SourceError, match="has already exited"):
        source.run(lambda item: None, threading.Event())


@pytest.mark.go
def test_the_process_exits_while_attached(go_build, spawn, attached, tmp_path) -> None:
    proc, _, _ = _server_to_file(go_build, spawn, tmp_path, {"GODEBUG": "gctrace=1"})
    run = attached(AttachSource(proc.pid, interval_s=0.25))
    run.wait_for("a GC cycle", lambda: len(run.model.cycles) >= 1)
    proc.kill()  # not reaped yet: a zombie counts as exited
    run.wait_for("Ended", lambda: run.feeder.ended is not None, timeout=5)
    assert run.feeder.ended == Ended(f"process {proc.pid} exited")
    assert any("exited" in n for n in run.notices())
    run.close()


# -- pure pieces -----------------------------------------------------------------------------


def test_stderr_targets(spawn, tmp_path) -> None:
    with open(tmp_path / "err", "wb") as err:
        to_file = spawn(["sleep", "30"], stderr=err)
    to_pipe = spawn(["sleep", "30"], stderr=subprocess.PIPE)
    to_null = spawn(["sleep", "30"], stderr=subprocess.DEVNULL)
    assert stderr_target(to_file.pid) == ("file", str(tmp_path / "err"))
    assert stderr_target(to_pipe.pid) == ("pipe", None)
    assert stderr_target(to_null.pid) == ("/dev/null", None)
    (tmp_path / "err").unlink()  # deleted, still open: readable only through /proc
    assert stderr_target(to_file.pid) == ("file", f"/proc/{to_file.pid}/fd/2")


@pytest.mark.parametrize(
    ("godebug", "tracing", "with_trace"),
    [
        (None, False, "gctrace=1"),
        ("gctrace=1", True, "gctrace=1"),
        ("gctrace=2,madvdontneed=1", True, "madvdontneed=1,gctrace=1"),
        ("gctrace=1,gctrace=0", False, "gctrace=1"),  # the last entry wins
        ("schedtrace=1000", False, "schedtrace=1000,gctrace=1"),
        ("gctrace", False, "gctrace=1"),  # no '=': the runtime skips it
    ],
    ids=["unset", "on", "two", "last-wins", "other-key", "no-equals"],
)
def test_godebug_tracing(godebug: str | None, tracing: bool, with_trace: str) -> None:
    assert is_tracing(godebug) is tracing
    assert tracing_godebug(godebug) == with_trace


@pytest.mark.parametrize(
    ("argv", "env", "exe", "cwd", "line"),
    [
        (["/srv/app", "-port", "80"], {}, None, None, "GODEBUG=gctrace=1 gctui run -- /srv/app -port 80"),
        (["./app", "it's"], {"GOGC": "off", "GOMEMLIMIT": "1GiB"}, "/srv/app", None,
         "GODEBUG=gctrace=1 GOGC=off GOMEMLIMIT=1GiB gctui run -- /srv/app 'it'\"'\"'s'"),
        (["app"], {"GODEBUG": "a=1 b"}, "/srv/app", "/srv/dir with space",
         "cd '/srv/dir with space' && GODEBUG='a=1 b,gctrace=1' gctui run -- /srv/app"),
    ],
    ids=["absolute", "relative-and-quoted", "cwd-and-odd-godebug"],
)
def test_restart_command(argv, env, exe, cwd, line) -> None:
    assert restart_command(argv, env, exe, cwd) == line


@pytest.mark.parametrize(
    ("addr", "base"),
    [("127.0.0.1:6060", "http://127.0.0.1:6060"), (":6060", "http://127.0.0.1:6060"),
     ("localhost:6060", "http://127.0.0.1:6060"), ("[::1]:6060", "http://[::1]:6060"),
     ("http://127.0.0.2:6060/", "http://127.0.0.2:6060")],
)
def test_loopback_base(addr: str, base: str) -> None:
    assert loopback_base(addr) == base


@pytest.mark.parametrize("addr", ["10.0.0.1:6060", "example.com:80", "6060", "127.0.0.1", "https://127.0.0.1:1"])
def test_loopback_base_refuses(addr: str) -> None:
    with pytest.raises(ValueError, match="--http"):
        loopback_base(addr)
    with pytest.raises(SourceError, match="^gctui: --http"):
        AttachSource(os.getpid(), http=addr)


# -- HTTP polling against a stand-in server (expvar only, no pprof) ------------------------------


class _ExpvarOnly(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path == "/debug/vars":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(EXPVAR_BODY)
        else:
            self.send_error(404)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def expvar_only() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ExpvarOnly)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_poller_tolerates_a_missing_pprof(expvar_only: str) -> None:
    notices: list[Item] = []
    poller = HTTPPoller(os.getpid(), expvar_only, start_wall_time=time.time() - 5)
    first = poller.poll(notices.append)
    assert first is not None and first.goroutines is None
    num_gc = json.loads(EXPVAR_BODY)["memstats"]["NumGC"]
    assert first.expvar.num_gc == num_gc and len(first.expvar.pauses) == num_gc
    assert first.t_s is not None and 5 <= first.t_s < 10
    second = poller.poll(notices.append)
    assert second is not None and second.expvar.pauses == ()  # no cycle twice
    assert [n.text for n in notices if isinstance(n, Notice)] == [
        f"not polling {expvar_only}/debug/pprof/goroutine?debug=1: 404: the program does not import net/http/pprof"
    ]


def test_poller_finds_the_port_among_our_listening_sockets(expvar_only: str) -> None:
    assert expvar_only in listening_bases(os.getpid())
    items: list[Item] = []
    stop = threading.Event()
    poller = HTTPPoller(os.getpid(), interval_s=0.05)
    thread = threading.Thread(target=poller.run, args=(items.append, stop), daemon=True)
    thread.start()
    deadline = time.monotonic() + DEADLINE_S
    while not any(isinstance(i, HTTPSample) for i in items) and time.monotonic() < deadline:
        time.sleep(0.02)
    stop.set()
    thread.join(timeout=5)
    assert poller.base is not None and any(isinstance(i, HTTPSample) for i in items)


def test_poller_says_once_when_the_server_stops_answering() -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    notices: list[Item] = []
    poller = HTTPPoller(os.getpid(), f"http://127.0.0.1:{port}")
    assert poller.poll(notices.append) is None and poller.poll(notices.append) is None
    assert len(notices) == 1 and "is not answering (Connection refused)" in notices[0].text


@pytest.mark.go
def test_attach_jsonl_writes_process_and_http_samples(go_build, spawn, tmp_path) -> None:
    """The real command: `gctui attach PID --jsonl` writes what it samples
    (RSS and CPU from /proc, expvar and the goroutine profile over HTTP),
    not only the gc lines, and an end record when it is stopped."""
    proc, _, _ = _server_to_file(go_build, spawn, tmp_path, {"GODEBUG": "gctrace=1"})
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    gctui = subprocess.Popen([sys.executable, "-m", "tui", "attach", str(proc.pid), "--jsonl"], cwd=ROOT,
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    kinds: dict[str, list[dict[str, Any]]] = {}
    try:
        assert gctui.stdout is not None
        deadline = time.monotonic() + DEADLINE_S
        while not {"gc", "process", "expvar", "pprof_goroutine"} <= kinds.keys():
            assert time.monotonic() < deadline, f"only {sorted(kinds)} arrived"
            line = gctui.stdout.readline()
            assert line, gctui.stderr.read() if gctui.stderr else ""
            row = json.loads(line)
            kinds.setdefault(row["kind"], []).append(row)
    finally:
        gctui.send_signal(signal.SIGINT)
        out, err = gctui.communicate(timeout=DEADLINE_S)
    assert gctui.returncode == 0 and "Traceback" not in err, err
    assert json.loads(out.splitlines()[-1])["kind"] == "end"
    process = kinds["process"][0]
    assert process["rss_b"] > 1 << 20 and process["threads"] >= 1 and process["wall_time"] > 0
    expvar = kinds["expvar"][0]
    assert expvar["num_gc"] >= 0 and expvar["t_s"] > 0
    assert kinds["pprof_goroutine"][0]["total"] >= 25  # the server's blocked goroutines
