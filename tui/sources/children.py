"""Programs gctui starts die with it, even when gctui is killed outright.

gctui ends its children itself on every clean way out (SIGTERM to the
program's process group, then SIGKILL). A SIGKILL to gctui, an OOM kill or
a crash of the interpreter leave no time for that, and a Go program whose
stderr pipe has no reader keeps running under PID 1: the runtime's trace
writes ignore EPIPE. Linux can tie a child to its parent instead
(``PR_SET_PDEATHSIG``): the kernel sends the signal when the thread that
started the child exits. Every process gctui starts is started from a
thread that waits for it (the source's thread, a build's), so "the thread
exited" means "gctui stopped watching".

Elsewhere (macOS, a libc without prctl) this is a no-op: the clean ways out
still stop the program.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from typing import Callable

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _prctl()  # resolved here, in the parent: the child between fork and exec only calls it


def die_with_gctui(sig: signal.Signals = signal.SIGKILL) -> Callable[[], None] | None:
    """A ``preexec_fn`` for :class:`subprocess.Popen` that asks the kernel to
    send ``sig`` to the child when the thread starting it exits; None where
    the platform cannot (pass it on as is: None means no preexec)."""
    prctl = _PRCTL
    if prctl is None:
        return None
    parent = os.getpid()

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
        if os.getppid() != parent:  # gctui died between fork and prctl: nobody will signal us
            os.kill(os.getpid(), sig)

    return preexec


def die_with_parent() -> None:
    """The same for a process already running (a pool worker's initializer):
    it gets SIGKILL when its parent exits."""
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
