"""Records of what a Go program serves over HTTP, as the parsers build them.

``/debug/vars`` (expvar's MemStats) and ``/debug/pprof/goroutine?debug=1``
are polled, not read from the program's output, so they are not line
events; :mod:`parsers.events` re-exports them so every kind is named there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True, kw_only=True)
class ExpvarPause:
    """One GC cycle's stop-the-world pause, recovered from MemStats' rings.

    ``n`` is the cycle number (``NumGC`` counting), ``pause_ms`` the total STW
    pause of that cycle, ``end_unix_s`` when it ended (Unix seconds).
    """

    kind: ClassVar[str] = "expvar_pause"
    n: int
    pause_ms: float
    end_unix_s: float


@dataclass(frozen=True, slots=True, kw_only=True)
class ExpvarSample:
    """One poll of ``/debug/vars``: the ``memstats`` numbers that matter here.

    Sizes in bytes as MemStats reports them. ``pauses`` holds the cycles that
    completed since the previous sample (at most 256: the ring's size);
    ``missed`` how many completed cycles fell out of the ring unseen.
    """

    kind: ClassVar[str] = "expvar"
    num_gc: int
    num_forced_gc: int | None
    heap_alloc_b: int
    heap_sys_b: int
    heap_idle_b: int
    heap_inuse_b: int
    heap_released_b: int
    heap_objects: int
    next_gc_b: int
    sys_b: int
    stack_inuse_b: int
    total_alloc_b: int
    mallocs: int
    frees: int
    pause_total_ns: int
    last_gc_unix_s: float | None
    gc_cpu_fraction: float | None
    pauses: tuple[ExpvarPause, ...] = ()
    missed: int = 0
    cmdline: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class GoroutineStack:
    """One record of a ``?debug=1`` goroutine profile: count and frames."""

    count: int
    frames: tuple[str, ...]
    labels: tuple[tuple[str, str], ...] = ()
    locations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class GoroutineProfile:
    """``/debug/pprof/goroutine?debug=1``: the total and the stacks behind it."""

    kind: ClassVar[str] = "pprof_goroutine"
    total: int
    stacks: tuple[GoroutineStack, ...] = ()
