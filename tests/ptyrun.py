"""gctui in a real terminal of its own (pty.fork), ended the ways a user's ends.

Plain helpers with no pytest in them; tests/test_endings.py and
tests/test_chaos.py use them. A :class:`PtyRun` starts a command as the
leader of a new session whose controlling terminal is a fresh pty, reads
everything it draws (a terminal nobody reads from blocks the app), and
ends it by a signal or by closing the terminal's master side: what tmux
kill-session, an ssh drop or a closed window do (the kernel hangs the
terminal up, sends SIGHUP and SIGCONT, reads return end-of-file).

The process tree is taken with psutil just before the end, so a pool worker
or a Go program that outlives gctui is found even after it is reparented.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import threading
import time
from collections.abc import Callable, Sequence

import psutil

GCTUI = (sys.executable, "-m", "tui")
ENDS = ("close", "SIGHUP", "SIGTERM", "SIGINT")
ENDED_WITHIN_S = 3.0  # what issue 12 asks of every way out


def gctui_env(**extra: str) -> dict[str, str]:
    """The environment of a gctui in a terminal: the terminal's own size
    (no COLUMNS/LINES from the test runner) and a terminal type Textual knows."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "GOGC", "GODEBUG")}
    env["TERM"] = "xterm-256color"
    env.update(extra)
    return env


class PtyRun:
    """``argv`` as a session leader on a new 120x40 pty."""

    def __init__(self, argv: Sequence[str], env: dict[str, str] | None = None, cwd: str | None = None) -> None:
        self.argv = list(argv)
        pid, fd = pty.fork()
        if pid == 0:  # the child: the pty is its controlling terminal already
            try:
                signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # Python ignores it; a shell would not
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
                if cwd is not None:
                    os.chdir(cwd)
                os.execvpe(self.argv[0], self.argv, env if env is not None else gctui_env())
            finally:
                os._exit(127)
        self.pid = pid
        self.fd: int | None = fd
        self.status: int | None = None
        self._out = bytearray()
        self._lock = threading.Lock()
        self._stop_reading = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.tree: list[psutil.Process] = []

    # -- while it runs ------------------------------------------------------------

    def _read(self) -> None:
        fd = self.fd
        assert fd is not None
        while not self._stop_reading.is_set():
            ready, _, _ = select.select([fd], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(fd, 1 << 16)
            except OSError:
                return  # EIO: every process of the session closed the terminal
            if not data:
                return
            with self._lock:
                self._out += data

    @property
    def output(self) -> str:
        with self._lock:
            return self._out.decode("utf-8", "replace")

    def family(self) -> list[psutil.Process]:
        """The process and everything it started, as they are now."""
        try:
            root = psutil.Process(self.pid)
            return [root, *root.children(recursive=True)]
        except psutil.Error:
            return []

    def find(self, program: str) -> psutil.Process | None:
        """The first process of the family running ``program`` (its argv[0],
        or ``-m tui`` for gctui itself)."""
        for proc in self.family():
            try:
                argv = proc.cmdline()
            except psutil.Error:
                continue
            if argv and (argv[0] == program or (program == "gctui" and argv[1:3] == ["-m", "tui"])):
                return proc
        return None

    def wait_until(self, ready: Callable[[], object], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ready():
                return
            if self.status is None and not _alive(psutil.Process(self.pid)):
                break
            time.sleep(0.05)
        raise AssertionError(f"never {what} in {timeout:g} s; the terminal showed:\n{self.output[-3000:]}")

    # -- the end --------------------------------------------------------------------

    def end(self, how: str, target: int | None = None) -> None:
        """End it: ``close`` the terminal, or send the signal named ``how``
        to ``target`` (default: the session leader). The tree is taken first."""
        self.tree = self.family()
        if how == "close":
            self._close_terminal()
        else:
            os.kill(target or self.pid, getattr(signal, how))

    def _close_terminal(self) -> None:
        self._stop_reading.set()
        self._reader.join(1.0)
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def survivors(self, within: float = ENDED_WITHIN_S) -> list[str]:
        """Wait up to ``within`` seconds for every process of the tree taken at
        :meth:`end` to be gone; describe the ones that are not (with their CPU
        use: a spinning leftover is the bug of issue 12)."""
        deadline = time.monotonic() + within
        alive = self.tree
        while time.monotonic() < deadline:
            self._reap()
            alive = [p for p in self.tree if _alive(p)]
            if not alive:
                return []
            time.sleep(0.05)
        described = []
        for proc in alive:
            try:
                described.append(f"{proc.pid} (parent {proc.ppid()}, {proc.cpu_percent(0.3):.0f}% CPU): "
                                 f"{' '.join(proc.cmdline())[:120]}")
            except psutil.Error:
                pass
        return described

    def exit_status(self, timeout: float = 5.0) -> int | None:
        """The exit status, waiting for it: the tree can be seen gone a
        moment before the kernel hands the status back."""
        deadline = time.monotonic() + timeout
        self._reap()
        while self.status is None and time.monotonic() < deadline:
            time.sleep(0.02)
            self._reap()
        return self.status

    def _reap(self) -> None:
        if self.status is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                return
            if pid:
                self.status = os.waitstatus_to_exitcode(status)

    def cleanup(self) -> None:
        """Whatever happened in the test, leave nothing running."""
        if self.fd is not None:
            self._close_terminal()
        for proc in self.tree or self.family():
            try:
                proc.kill()
            except psutil.Error:
                pass
        self._reap()


def _alive(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def pool_workers(run: PtyRun) -> list[psutil.Process]:
    """The whole-file loader's worker processes: children of the forkserver
    (gctui's child), whose command line they share."""
    for proc in run.family():
        try:
            if "multiprocessing.forkserver" in " ".join(proc.cmdline()) and \
                    "forkserver" not in " ".join(psutil.Process(proc.ppid()).cmdline()):
                return proc.children()
        except psutil.Error:
            pass
    return []


# What gctui is doing when it is ended: each is started under a pty and
# waited for until it is really in that state.
MODES = ("storm", "load", "scan", "demo", "pipe", "headless")


def start(mode: str, *, hotloop: str, big_log: str, sample: str) -> tuple[PtyRun, int]:
    """gctui in ``mode``, under a pty, once it is in that state; returns the
    run and the pid of gctui itself (a signal goes there: in ``pipe`` mode
    the session leader is the shell running the pipeline)."""
    if mode in ("storm", "headless"):
        report = ["--report"] if mode == "headless" else []
        run = PtyRun([*GCTUI, "run", *report, "--", hotloop, "-duration", "10m"], env=gctui_env(GOGC="10"))
        run.wait_until(lambda: run.find(hotloop) is not None, 20, "started the Go program")
        time.sleep(0.5)  # cycles arrive by the thousand
        return run, run.pid
    if mode in ("load", "scan"):
        # The plain install's way: worker processes, the ones that must not
        # outlive gctui (with the [fast] kernel a load runs on threads).
        run = PtyRun([*GCTUI, "open", big_log], env=gctui_env(GCTUI_KERNEL="0"))
        run.wait_until(lambda: pool_workers(run), 30, "started the pool workers")
        if mode == "scan":  # the loaded model is shown, then its findings scan runs for seconds
            run.wait_until(lambda: "tailing the file" in run.output, 60, "finished the load")
            time.sleep(0.8)  # the app looks for a new model every 0.5 s
        return run, run.pid
    if mode == "demo":
        run = PtyRun([*GCTUI, "demo"])
        run.wait_until(lambda: "replay" in run.output, 20, "showed the demo")
        return run, run.pid
    if mode == "pipe":
        # A writer that goes on writing and dies of SIGPIPE once gctui is gone.
        shell = (f"(cat '{sample}'; while sleep 0.2; do echo || break; done) | "
                 f"{' '.join(GCTUI)} -")
        run = PtyRun(["sh", "-c", shell])
        run.wait_until(lambda: run.find("gctui") is not None and "gc 307" in run.output, 20,
                       "showed the piped log")
        gctui = run.find("gctui")
        assert gctui is not None
        return run, gctui.pid
    raise ValueError(mode)
