"""Watch a Go program that is already running: ``gctui attach PID``.

A running process cannot be made to trace its collector: GODEBUG is read
once, at start. So attach gathers what can be seen from outside, without
touching the program:

* who it is (psutil), which Go built it (the build information in
  ``/proc/PID/exe``, see :mod:`tui.sources.buildinfo`) and its runtime settings
  (GODEBUG, GOGC, GOMEMLIMIT, GOMAXPROCS from ``/proc/PID/environ``);
* its GC trace, when its stderr is a regular file (``2>app.log``) or the
  user names the file with ``--log``: that file is followed from its end
  (``from_start`` reads its history first) by :class:`FileSource`;
* ``/debug/vars`` and the goroutine profile, when it serves them on a
  loopback port (found among its listening sockets, or given with ``--http``);
* RSS, CPU and threads once a second.

A pipe, a socket or a terminal is never read: the bytes in another program's
pipe belong to its reader, and taking them would steal its output. When the
trace cannot be seen, a notice says why and gives the exact ``gctui run``
line that restarts the program with tracing.

Helper threads (the follower, the HTTP poller) hand their items to the
thread that called ``run`` through a queue, so ``emit`` is only ever called
from that one thread, as the feeder requires.
"""

from __future__ import annotations

import os
import queue
import shlex
import stat
import threading
import time
from collections.abc import Callable, Mapping, Sequence

import psutil

from tui.sources.buildinfo import BuildInfoError, NotGoBinaryError, read_buildinfo
from tui.sources.files import check_source
from tui.sources.base import Emit, Ended, EnvUpdate, Item, Notice, SourceError
from tui.sources.follow import FileSource
from tui.sources.godebug import godebug_value, runtime_settings
from tui.sources.httppoll import HTTPPoller, loopback_base
from tui.sources.psample import ProcessSampler

TICK_S = 0.1  # longest wait for items: how soon stop is noticed
DRAIN_MAX_S = 1.0  # after an exit, how long the follower may take to read the last bytes
SETTINGS = ("GOGC", "GOMEMLIMIT", "GOMAXPROCS")


def identify(pid: int) -> psutil.Process:
    """The process to attach to, or a one-line :class:`SourceError`."""
    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            raise SourceError(f"gctui: process {pid} has already exited")
        uids = proc.uids()
    except (psutil.NoSuchProcess, ValueError, OverflowError):  # ValueError: a PID below 0
        raise SourceError(f"gctui: no process with PID {pid}") from None
    except psutil.AccessDenied:
        raise SourceError(f"gctui: not allowed to look at process {pid} (permission denied)") from None
    if os.geteuid() != 0 and os.geteuid() not in (uids.real, uids.effective):
        owner = _safe(proc.username) or f"uid {uids.real}"
        raise SourceError(f"gctui: process {pid} belongs to {owner}; attach to your own processes, or run as root")
    return proc


def stderr_target(pid: int) -> tuple[str, str | None]:
    """What the process's fd 2 is (``file``, ``pipe``, ``socket``,
    ``terminal``, ``/dev/null``, ``device``, ``closed`` or ``unknown``) and,
    for a file, a path that opens it: its name when that still names the
    same file, else ``/proc/PID/fd/2`` (deleted, or in another mount namespace)."""
    fd = f"/proc/{pid}/fd/2"
    try:
        st, link = os.stat(fd), os.readlink(fd)
    except FileNotFoundError:
        return "closed", None
    except OSError:
        return "unknown", None
    if stat.S_ISREG(st.st_mode):
        try:
            named = os.stat(link)
            same = (named.st_dev, named.st_ino) == (st.st_dev, st.st_ino)
        except OSError:
            same = False
        return "file", link if same else fd
    if stat.S_ISFIFO(st.st_mode):
        return "pipe", None
    if stat.S_ISSOCK(st.st_mode):
        return "socket", None
    if stat.S_ISCHR(st.st_mode):
        if link == "/dev/null":
            return "/dev/null", None
        return ("terminal" if link.startswith(("/dev/pts/", "/dev/tty")) else "device"), None
    return "unknown", None


def tracing_godebug(godebug: str | None) -> str:
    """The process's GODEBUG with ``gctrace=1`` in place of any gctrace entry."""
    fields = [f for f in (godebug or "").split(",") if f and f.partition("=")[0] != "gctrace"]
    return ",".join([*fields, "gctrace=1"])


def is_tracing(godebug: str | None) -> bool:
    """Whether the runtime prints a gc line per cycle (the last gctrace wins)."""
    value = godebug_value(godebug, "gctrace")
    return value is not None and value.isdigit() and int(value) > 0


def restart_command(argv: Sequence[str], env: Mapping[str, str], exe: str | None = None,
                    cwd: str | None = None) -> str:
    """The shell line that runs the program again under gctui, with tracing
    and the collector settings it has now. ``exe`` (the absolute path of
    the executable) replaces a relative ``argv[0]``; ``cwd``, when it is
    not ours, comes first, since relative arguments are relative to it."""
    words = list(argv)
    if exe and words and not os.path.isabs(words[0]):
        words[0] = exe
    assigns = [f"GODEBUG={shlex.quote(tracing_godebug(env.get('GODEBUG')))}"]
    assigns += [f"{k}={shlex.quote(env[k])}" for k in SETTINGS if env.get(k)]
    line = " ".join([*assigns, "gctui run --", *map(shlex.quote, words)])
    if cwd and cwd != os.getcwd():
        line = f"cd {shlex.quote(cwd)} && {line}"
    return line


def _safe(read: Callable[[], object]) -> object | None:
    """A psutil reading, or None when it is denied or the process is gone."""
    try:
        return read()
    except (psutil.Error, OSError):
        return None


class AttachSource:
    """Watch the running process ``pid``; see the module docstring."""

    def __init__(self, pid: int, *, http: str | None = None, log: str | os.PathLike[str] | None = None,
                 from_start: bool = False, interval_s: float = 1.0) -> None:
        self.proc = identify(pid)
        try:
            self.http_base = loopback_base(http) if http else None
        except ValueError as exc:
            raise SourceError(f"gctui: {exc}") from None
        self.log = os.fspath(log) if log is not None else None
        if self.log is not None:
            check_source(self.log)
        self.pid = pid
        self.from_start = from_start
        self.interval_s = interval_s
        self.description = f"PID {pid} ({_safe(self.proc.name) or '?'})"
        self.is_go: bool | None = None  # known once the executable was read

    def run(self, emit: Emit, stop: threading.Event) -> None:
        """Follow, poll and sample until the process exits or ``stop`` is set."""
        if not self._alive():
            raise SourceError(f"gctui: process {self.pid} has already exited")
        started = self.proc.create_time()
        env, env_known = self._environ(emit)
        self._identity(emit, env, started)
        items: queue.SimpleQueue[Item] = queue.SimpleQueue()
        inner = threading.Event()
        if self.is_go is not False:  # without a Go runtime there is no trace to enable
            self._advise(emit, env, env_known)
        follower = self._follower(emit)
        poller = (HTTPPoller(self.pid, self.http_base, start_wall_time=started, interval_s=self.interval_s)
                  if self.is_go is not False or self.http_base else None)
        threads = [threading.Thread(target=_guarded, args=(s, items.put, inner), daemon=True,
                                    name=f"attach-{self.pid}-{i}") for i, s in enumerate((follower, poller)) if s]
        for t in threads:
            t.start()
        sampler = ProcessSampler(self.pid, start_monotonic=time.monotonic() - (time.time() - started))
        exited = self._loop(emit, stop, items, sampler)
        if exited and isinstance(follower, FileSource):
            self._drain(emit, items, follower)
        inner.set()
        for t in threads:
            t.join(timeout=3)
        while not items.empty():
            emit(items.get())
        if exited:
            emit(Notice("info", f"process {self.pid} exited; gctui keeps what it saw"))
            emit(Ended(f"process {self.pid} exited"))

    def _loop(self, emit: Emit, stop: threading.Event, items: queue.SimpleQueue[Item],
              sampler: ProcessSampler) -> bool:
        """Pass items on and sample once per interval; True when the process exited."""
        next_sample = time.monotonic()
        while not stop.is_set():
            now = time.monotonic()
            if now >= next_sample:
                if not self._alive():
                    return True
                sample = sampler.sample()
                if sample is not None:
                    emit(sample)
                next_sample = max(next_sample + self.interval_s, now)
            try:
                item = items.get(timeout=min(TICK_S, max(0.0, next_sample - time.monotonic())))
            except queue.Empty:
                continue
            # /proc/PID/fd/2 vanishes with the process: not news, the exit is.
            if not (isinstance(item, Notice) and item.text.startswith(f"/proc/{self.pid}/") and not self._alive()):
                emit(item)
        return False

    def _drain(self, emit: Emit, items: queue.SimpleQueue[Item], follower: FileSource) -> None:
        """Let the follower read what the process wrote before it exited."""
        deadline = time.monotonic() + DRAIN_MAX_S
        while time.monotonic() < deadline:
            try:
                size = os.stat(follower.path).st_size
            except OSError:
                break
            if follower.offset >= size and items.empty():
                break
            try:
                emit(items.get(timeout=TICK_S))
            except queue.Empty:
                pass

    def _alive(self) -> bool:
        """Running and not a zombie (exited, waiting for its parent to reap it)."""
        try:
            return self.proc.is_running() and self.proc.status() != psutil.STATUS_ZOMBIE
        except psutil.Error:
            return False

    def _environ(self, emit: Emit) -> tuple[dict[str, str], bool]:
        """The environment the process started with, and whether it was readable."""
        try:
            return dict(self.proc.environ()), True
        except (psutil.Error, OSError) as exc:
            why = "permission denied" if isinstance(exc, (psutil.AccessDenied, PermissionError)) else str(exc)
            emit(Notice("warning", f"cannot read the environment of PID {self.pid} ({why}): "
                        "GODEBUG, GOGC and GOMEMLIMIT are unknown"))
            return {}, False

    def _identity(self, emit: Emit, env: dict[str, str], started: float) -> None:
        """EnvUpdate: the Go version and module, the runtime settings."""
        go_version = main_module = None
        exe = f"/proc/{self.pid}/exe" if os.path.exists("/proc") else str(_safe(self.proc.exe) or "")
        try:
            info = read_buildinfo(exe)
            go_version, main_module = info.go_version, info.main_module or info.path
            self.is_go = True
        except NotGoBinaryError:
            self.is_go = False
            emit(Notice("warning", f"PID {self.pid} does not look like a Go program: "
                        "its executable has no Go build information"))
        except (BuildInfoError, OSError) as exc:
            why = "permission denied" if isinstance(exc, PermissionError) else str(exc)
            emit(Notice("info", f"cannot read the Go version from PID {self.pid}'s executable ({why})"))
        settings = runtime_settings(env)
        emit(EnvUpdate(description=self.description, go_version=go_version, main_module=main_module,
                       gogc=settings.gogc, gomemlimit_b=settings.gomemlimit_b, gomaxprocs=settings.gomaxprocs,
                       godebug=env.get("GODEBUG"), pid=self.pid, start_wall_time=started))
        for text in settings.warnings:
            emit(Notice("warning", text))

    def _advise(self, emit: Emit, env: dict[str, str], env_known: bool) -> None:
        """When the trace cannot be seen: why, and the line that restarts the program with it."""
        reasons = []
        if env_known and not is_tracing(env.get("GODEBUG")):
            reasons.append("it runs without GODEBUG=gctrace=1, so the Go runtime prints no GC trace")
        kind = "file" if self.log else stderr_target(self.pid)[0]
        if kind != "file":
            reasons.append(_STDERR_WHY.get(kind, f"its stderr is a {kind}"))
        if not reasons:
            return
        cmdline = _safe(self.proc.cmdline)
        argv = [str(a) for a in cmdline] if isinstance(cmdline, list) else []
        exe, cwd = _safe(self.proc.exe), _safe(self.proc.cwd)
        fix = (f"restart it with tracing: {restart_command(argv, env, str(exe or ''), str(cwd or ''))}"
               if argv else "restart it under gctui run with GODEBUG=gctrace=1")
        emit(Notice("warning", f"gctui cannot see PID {self.pid}'s GC trace: {'; '.join(reasons)}. To see it, {fix}"))

    def _follower(self, emit: Emit) -> FileSource | None:
        """A follower for the file holding the trace, if there is one."""
        path = self.log or stderr_target(self.pid)[1]
        if path is None:
            return None
        what = "the log file" if self.log else f"PID {self.pid}'s stderr"
        if path.startswith("/proc/"):
            what += " (its file was deleted, or is in another mount namespace)"
        emit(Notice("info", f"following {what}: {path}"))
        return FileSource(path, follow=True, wait=False, from_start=self.from_start,
                          stream="log" if self.log else "stderr")


_STDERR_WHY = {
    "pipe": "its stderr is a pipe, and gctui never reads another program's pipe "
            "(pass --log FILE if the pipe's reader writes it to a file)",
    "socket": "its stderr is a socket (a service manager or log collector reads it; "
              "pass --log FILE if it ends up in a file)",
    "terminal": "its stderr is a terminal, which gctui cannot read",
    "/dev/null": "its stderr goes to /dev/null",
    "closed": "its stderr is closed",
    "unknown": "gctui may not look at its stderr",
}


def _guarded(source: FileSource | HTTPPoller, put: Callable[[Item], None], stop: threading.Event) -> None:
    """Run a helper; its failure is a notice, never a traceback, and a
    follower's own end (the file is not followed further) is not the end of
    the process."""
    def forward(item: Item) -> None:
        put(Notice("warning", f"stopped following: {item.reason}") if isinstance(item, Ended) else item)

    try:
        source.run(forward, stop)
    except SourceError as exc:
        put(Notice("error", str(exc)))
    except Exception as exc:  # noqa: BLE001 - a helper must not take the attach down
        put(Notice("error", f"gctui: {type(exc).__name__}: {exc}"))
