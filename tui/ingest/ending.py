"""One way out of gctui, whatever ends it: a signal, or a terminal that closed.

Every front end (the app, ``--jsonl``, ``--report``, ``--plain``) runs inside
an :class:`Ending`. SIGINT, SIGTERM and SIGHUP, and a hangup of the terminal
gctui reads keys from, all lead to the front end's own clean stop (the
runner stops its source: the program's process group gets SIGTERM, then
SIGKILL; a file load terminates its workers; the headless modes write their
end record and report) and, if that has not ended the process within
:data:`DEADLINE_S`, to a hard end: every process gctui started is killed,
the terminal is given back if it still exists, and the process exits.

Why a thread and a deadline, not just a handler. A Python signal handler
runs on the main thread, between bytecodes; the app's main thread is
Textual's event loop, and a loop blocked on a dead terminal (a writer queue
that no thread drains any more) never runs a handler registered with
``loop.add_signal_handler``: gctui then ignored SIGTERM and only SIGKILL
ended it. Here the handler only records the signal and writes a byte to a
pipe (safe in a handler: no lock); a thread of its own does the rest, and
the deadline holds even if the front end never returns.

Why poll the terminal too. A SIGHUP reaches gctui only when it leads the
terminal's session or is in its foreground job; Textual's key reader on a
hung-up terminal gets end-of-file forever and spins. ``poll`` reports
POLLHUP on a terminal that hung up, so the same thread sees that as well.
"""

from __future__ import annotations

import os
import select
import signal
import threading
from types import FrameType
from typing import Callable

import psutil

DEADLINE_S = 2.5  # after the first signal: the clean stop has this long before the hard end
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
KILL_WAIT_S = 0.3  # the hard end waits this long for killed processes to go


class Ending:
    """Signals and hangups for one front-end session, as a context manager.

    ``stop`` is the front end's clean stop. It is called once, from the
    ending's thread, never from a signal handler, and must not block (post a
    message, set an event). ``tty_fd``: the terminal to watch for a hangup
    (None: whichever of stdin and stdout is a terminal). ``restore``: gives
    the terminal back before a hard end (leave the alternate screen, cooked
    mode); errors in it are ignored. Outside the main thread (a test running
    a front end in a thread) signals are left alone; hangups are still seen.
    """

    def __init__(self, stop: Callable[[], None], *, tty_fd: int | None = None,
                 restore: Callable[[], None] | None = None, deadline_s: float = DEADLINE_S) -> None:
        self.stop = stop
        self.restore = restore
        self.deadline_s = deadline_s
        self.signum: int | None = None  # what ended the session: a signal, or SIGHUP for a hangup
        self.begun = threading.Event()
        self._tty = _terminal() if tty_fd is None else tty_fd
        if self._tty is not None and hung_up(self._tty):
            self._tty = None  # dead before we came (nohup, a test run): only a hangup *now* ends the session
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)
        self._previous: dict[int, object] = {}
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="gctui-ending", daemon=True)
        self._deadline: threading.Timer | None = None

    def __enter__(self) -> Ending:
        if threading.current_thread() is threading.main_thread():
            for sig in SIGNALS:
                self._previous[sig] = signal.signal(sig, self._on_signal)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        """The front end returned: its session is over, cleanly. Handlers are
        restored unless an ending began; then a second signal is ignored, so
        a SIGHUP following a SIGTERM cannot cut the report short."""
        self._closed.set()
        try:
            os.write(self._wake_w, b"x")
        except BlockingIOError:
            pass  # full of wake-ups already
        self._thread.join(1.0)
        if self._deadline is not None:
            self._deadline.cancel()
        for sig, handler in self._previous.items():
            signal.signal(sig, handler if self.signum is None else signal.SIG_IGN)  # type: ignore[arg-type]
        os.close(self._wake_r)
        os.close(self._wake_w)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.signum is None:
            self.signum = signum
        try:
            os.write(self._wake_w, b"s")
        except OSError:
            pass  # the pipe is full (a signal storm) or closed: the thread is awake already

    def _watch(self) -> None:
        poller = select.poll()
        poller.register(self._wake_r, select.POLLIN)
        if self._tty is not None:
            poller.register(self._tty, 0)  # only POLLHUP and POLLERR wake us
        while not self._closed.is_set():
            for fd, mask in poller.poll():
                if fd == self._wake_r:
                    os.read(self._wake_r, 512)
                    if self.signum is not None:
                        self._begin()
                elif mask & (select.POLLHUP | select.POLLERR | select.POLLNVAL):
                    poller.unregister(fd)  # a hung-up terminal stays readable: look once
                    if self.signum is None:
                        self.signum = signal.SIGHUP
                    self._begin()

    def _begin(self) -> None:
        if self.begun.is_set() or self._closed.is_set():
            return
        self.begun.set()
        self._deadline = threading.Timer(self.deadline_s, self._hard_end)
        self._deadline.daemon = True
        self._deadline.start()
        try:
            self.stop()
        except Exception:  # the clean stop failed: the deadline ends it
            pass

    def _hard_end(self) -> None:
        """The clean stop did not end the process in time: end it here."""
        if self._closed.is_set():
            return
        if self.restore is not None:
            try:
                self.restore()
            except Exception:
                pass
        kill_descendants()
        os._exit(128 + (self.signum or signal.SIGTERM))


def kill_descendants() -> None:
    """SIGKILL every process this one started, and their process groups
    (a program's own children stay in its group even when it dies first)."""
    me = psutil.Process()
    try:
        family = me.children(recursive=True)
    except psutil.Error:
        return
    own_group = os.getpgrp()
    for child in family:
        try:
            group = os.getpgid(child.pid)
            if group == child.pid and group != own_group:
                os.killpg(group, signal.SIGKILL)
            else:
                child.kill()
        except (OSError, psutil.Error):
            pass
    psutil.wait_procs(family, timeout=KILL_WAIT_S)


def hung_up(fd: int) -> bool:
    """Whether the terminal on ``fd`` hung up (or ``fd`` is no longer open)."""
    poller = select.poll()
    poller.register(fd, 0)
    try:
        return any(mask & (select.POLLHUP | select.POLLERR | select.POLLNVAL) for _, mask in poller.poll(0))
    except OSError:
        return True


def _terminal() -> int | None:
    for fd in (0, 1):
        try:
            if os.isatty(fd):
                return fd
        except OSError:
            pass
    return None
