"""What gctui samples of a program from outside its output.

A source takes these (psutil readings, expvar and pprof polls) and the
model stores them beside the cycles. They live with the sources, not the
model, so that a source needs nothing of the model to produce them.
"""

from __future__ import annotations

from dataclasses import dataclass

from parsers.events import ExpvarSample, GoroutineProfile


@dataclass(frozen=True, slots=True)
class ProcessSample:
    """One psutil look at the process: memory the OS sees, CPU, threads."""

    wall_time: float
    t_s: float | None
    rss_b: int
    cpu_pct: float
    threads: int
    open_files: int | None = None


@dataclass(frozen=True, slots=True)
class HTTPSample:
    """One poll of the process's expvar or pprof endpoint."""

    wall_time: float
    t_s: float | None
    expvar: ExpvarSample | None = None
    goroutines: GoroutineProfile | None = None
