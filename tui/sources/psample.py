"""What the operating system sees of a watched process, once a second.

The gctrace heap figures are the runtime's own view; RSS is what the kernel
(and an OOM killer) sees, and the gap between them is the memory the runtime
holds but has not returned (see the scavenger). psutil reads it from /proc
without touching the program, so sampling is safe for any process we may
read; every failure (the process exited, permissions) just skips a sample.
"""

from __future__ import annotations

import time

import psutil

from tui.sources.samples import ProcessSample


class ProcessSampler:
    """Takes :class:`ProcessSample` readings of one process.

    ``start_monotonic`` is when the process started on ``time.monotonic``'s
    clock, so ``t_s`` lines up with the gctrace ``@T s`` axis (seconds since
    start) without trusting the wall clock.
    """

    def __init__(self, pid: int, start_monotonic: float | None = None) -> None:
        self.pid = pid
        self.start_monotonic = start_monotonic
        self._proc: psutil.Process | None
        try:
            self._proc = psutil.Process(pid)
            # The first cpu_percent() has nothing to compare with and says
            # 0.0; calling it now makes the first real sample meaningful.
            self._proc.cpu_percent(interval=None)
        except (psutil.Error, OSError):
            self._proc = None

    def sample(self) -> ProcessSample | None:
        """One reading, or None when the process is gone or not readable.

        ``cpu_pct`` is percent of one CPU since the previous reading (above
        100 when several threads run); ``open_files`` counts file descriptors
        (sockets and pipes too: a leak of any of them shows), None where the
        platform has no cheap count.
        """
        proc = self._proc
        if proc is None:
            return None
        try:
            with proc.oneshot():
                if proc.status() == psutil.STATUS_ZOMBIE:
                    return None  # exited, not yet reaped: its numbers are gone
                rss_b = proc.memory_info().rss
                cpu_pct = proc.cpu_percent(interval=None)
                threads = proc.num_threads()
                open_files = proc.num_fds() if hasattr(proc, "num_fds") else None
        except (psutil.Error, OSError):
            return None
        now = time.monotonic()
        t_s = None if self.start_monotonic is None else now - self.start_monotonic
        return ProcessSample(
            wall_time=time.time(),
            t_s=t_s,
            rss_b=rss_b,
            cpu_pct=cpu_pct,
            threads=threads,
            open_files=open_files,
        )
