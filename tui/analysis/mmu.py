"""Minimum mutator utilisation (MMU) from gctrace's clock and CPU phases.

MMU(w) is the smallest share of the CPU the program's own goroutines got
in any window of length w: the latency-minded view of GC cost. The Go
toolchain computes it from execution traces (``go tool trace``'s MMU page,
internal/trace/gc.go); gctrace has enough for a good estimate:

* both stop-the-world phases (sweep termination, mark termination) take
  every P: utilisation 0;
* during concurrent mark, the GC holds ``(assist + background) CPU ms``
  out of ``mark wall ms x P``: the dedicated and fractional workers (the
  25 % the pacer budgets) plus mark assists. Idle-time workers are left
  out, as internal/trace leaves out "GC (idle)": they only ran on Ps the
  program did not want. The trace counts a P as GC's while a worker or an
  assist runs on it, and that work is not even: when a mark starts, every
  P's fractional worker is owed its share and the mutators start in assist
  debt, so the work comes in a burst on every P and then thins out. The
  estimate puts :data:`BURST_SHARE` of the phase's GC CPU at its start on
  every P (utilisation 0) and spreads the rest over the mark, except what
  dedicated workers do: from 4 Ps up the pacer gives a quarter of the Ps
  to the GC for the whole mark, and on 40 Ps half the GC CPU as a burst
  read as the program stopped for 22 ms (MMU 0 %) in a mark that left it
  85 % of the CPU;
* between cycles the program has every P: utilisation 1.

Against the worst windows of ``go tool trace`` for the same runs (45
traced runs of tests/go/pacer on 2 Ps: GOGC=50, 100, 200 and off+limit,
8 to 24 MiB live, the machine busy or loaded; tests/bench/WHATIF.md), an
even spread read up to 31 points high at 10 ms. A burst of 0.6 of the GC
CPU had 43 of the 45 within 10 points at 10 ms (mean 3.7); 0.5 had 38
(mean 4.5), and 0.7 to 1 read low on marks whose GC ran on one P
throughout. The other two are what gctrace cannot show: GC time the trace
counts and gctrace never prints (a worker that has done its share stays
GC's on its P while it hands the mark to mark termination, or while the
OS has its thread), 26 points in one run; and where in a mark longer than
the window the work ran (a burst at the start, a dense stretch at the
end, or one P throughout for the same figures), 16 points low in one.
Within 14 points at 100 ms (8 with that unreported GC taken off), 5 at
1000 ms. For windows that hold whole cycles it is the same integral. Time
is the gctrace ``@T`` stamp, whole ms.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from typing import Sequence

import numpy as np

from parsers.columns import MISSING_U32
from tui.model.cycles import CycleStore

# 1 ms .. 10 s, about three points a decade: what the TUI chart shows.
WINDOWS_MS: tuple[float, ...] = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)
# Share of a mark phase's GC CPU done at its start, on every P at once.
BURST_SHARE = 0.6
POINTS = 5  # breakpoints a cycle (see phases)
# Cycles per slice: bounds the memory (a few arrays of 5 floats a cycle) on
# a log of millions of cycles.
CHUNK = 100_000


def dedicated_workers(procs: np.ndarray) -> np.ndarray:
    """Dedicated mark workers for each P count, as the Go 1.18+ pacer picks
    them (gcControllerState.startCycle): 25 % of the Ps rounded, one fewer
    when rounding overshoots by more than 30 % (the rest is a fractional
    worker). 1 to 3 Ps get none, 4 get one, 40 get ten."""
    goal = procs * 0.25
    n = np.floor(goal + 0.5)
    with np.errstate(divide="ignore", invalid="ignore"):
        off = np.abs(n / goal - 1.0) > 0.3
    return np.where(off & (n > goal), n - 1.0, n)


def phases(store: CycleStore, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """Breakpoints (ms) and the utilisation from each one to the next, for rows ``[lo, hi)``.

    Five breakpoints a cycle: its start, mark start, the end of the mark's
    opening burst, mark end, end; the utilisation after the last is 1 (the
    program runs) until the next cycle.
    """
    c = store.cols
    t0 = np.asarray(c.t_ms[lo:hi], dtype=np.float64)
    sweep = np.nan_to_num(np.asarray(c.stw_sweep_term_ms[lo:hi], dtype=np.float64))
    mark = np.nan_to_num(np.asarray(c.mark_ms[lo:hi], dtype=np.float64))
    term = np.nan_to_num(np.asarray(c.stw_mark_term_ms[lo:hi], dtype=np.float64))
    gc_cpu = np.nan_to_num(
        np.asarray(c.mark_assist_cpu_ms[lo:hi], dtype=np.float64) + np.asarray(c.mark_bg_cpu_ms[lo:hi], dtype=np.float64)
    )
    procs = np.asarray(c.procs[lo:hi], dtype=np.float64)
    procs[(procs == 0) | (procs == 0xFFFF)] = 1.0
    # Dedicated workers hold their Ps for the whole mark, never in a burst:
    # only the rest (fractional workers, assists) comes at the start.
    steady = np.minimum(dedicated_workers(procs) * mark,
                        np.nan_to_num(np.asarray(c.mark_bg_cpu_ms[lo:hi], dtype=np.float64)))
    # The opening burst: BURST_SHARE of that rest on every P, no longer
    # than the mark; what is left spreads over the rest of it.
    burst = np.minimum((gc_cpu - steady) * BURST_SHARE / procs, mark)
    rest = mark - burst
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(rest > 0, (gc_cpu - burst * procs) / (rest * procs), 0.0)
    share = np.clip(np.nan_to_num(share), 0.0, 1.0)
    # A 1 ms clock can start a cycle before the previous one's printed end:
    # start it at that end instead, so phases never overlap.
    ends = t0 + sweep + mark + term
    if len(t0) > 1:
        t0[1:] = np.maximum(t0[1:], np.maximum.accumulate(ends)[:-1])
    s1 = t0 + sweep
    s2 = s1 + mark
    s3 = s2 + term
    zero = np.zeros_like(t0)
    x = np.stack([t0, s1, s1 + burst, s2, s3], axis=1).ravel()
    util = np.stack([zero, zero, 1.0 - share, zero, np.ones_like(t0)], axis=1).ravel()
    return x, util


def _integral(x: np.ndarray, util: np.ndarray) -> np.ndarray:
    """Mutator time (ms x utilisation) from ``x[0]`` to each breakpoint."""
    f = np.zeros_like(x)
    np.cumsum(util[:-1] * np.diff(x), out=f[1:])
    return f


def mmu(store: CycleStore, rows: range, windows_ms: Sequence[float] = WINDOWS_MS) -> list[float | None]:
    """MMU (0..1) of ``rows`` (one segment's cycles) for each window; None for
    a window longer than the span the cycles cover.

    The worst window of a piecewise-constant utilisation starts or ends at a
    breakpoint, so those are the only windows tried.
    """
    out: list[float | None] = [None] * len(windows_ms)
    if len(rows) == 0 or not has_phases(store, rows):
        return out
    t = store.cols.t_ms
    x_all_start = float(t[rows.start])
    last_x, _ = phases(store, rows.stop - 1, rows.stop)
    domain_end = float(last_x[-1])
    valid = [w for w in windows_ms if 0 < w <= domain_end - x_all_start]
    if not valid:
        return out
    margin = max(valid) + 1.0
    best = {w: math.inf for w in valid}
    for lo in range(rows.start, rows.stop, CHUNK):
        hi = min(lo + CHUNK, rows.stop)
        # Enough cycles either side that every window tried lies inside.
        elo = bisect_left(t, t[lo] - margin, rows.start, lo)
        ehi = bisect_right(t, t[hi - 1] + margin * 2, hi, rows.stop)
        x, util = phases(store, elo, ehi)
        f = _integral(x, util)
        own = x[(lo - elo) * POINTS : (hi - elo) * POINTS]
        for w in valid:
            starts = np.concatenate([own, own - w])
            starts = starts[(starts >= x_all_start) & (starts <= domain_end - w)]
            if not len(starts):
                continue
            mean = (np.interp(starts + w, x, f) - np.interp(starts, x, f)) / w
            best[w] = min(best[w], float(mean.min()))
    for k, w in enumerate(windows_ms):
        if w in best and math.isfinite(best[w]):
            out[k] = min(max(best[w], 0.0), 1.0)
    return out


def has_phases(store: CycleStore, rows: range) -> bool:
    """Whether the rows carry timestamps and clock phases (Go 1.5+ gc lines)."""
    c = store.cols
    first, last = rows.start, rows.stop - 1
    return all(c.t_ms[i] != MISSING_U32 and c.mark_ms[i] == c.mark_ms[i] for i in (first, last))


def worst_window(store: CycleStore, window_ms: float = 10.0) -> float | None:
    """MMU at ``window_ms`` over every segment (the worst of them), 0..1."""
    c = store.cols
    if not len(c):
        return None
    values = []
    for segment in _segments(store):
        value = mmu(store, range(*store.segment_range(segment)), (window_ms,))[0]
        if value is not None:
            values.append(value)
    return min(values) if values else None


def _segments(store: CycleStore) -> list[int]:
    """The segments present (they rise along the store), found by bisecting, not scanning."""
    seg = store.cols.segment
    out, i = [], 0
    while i < len(seg):
        out.append(seg[i])
        i = bisect_right(seg, seg[i], i)
    return out
