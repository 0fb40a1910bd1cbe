"""Stop-the-world pauses counted in log-scaled buckets, per phase.

Each cycle stops the world twice: at sweep termination (finishing the
previous cycle's sweep and turning the write barrier on) and at mark
termination (finishing the mark). Their causes differ, so the histogram
keeps them apart. Pauses span four or five decades (microseconds on a quiet
heap, tens of ms on an overloaded machine), so the buckets grow 1-2-5 per
decade, as a log axis would.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tui.model.cycles import CycleStore

# Bucket edges in ms: 1, 2, 5 per decade from 1 µs to 10 s. A pause below the
# first edge (gctrace prints 0 ms for a pause under its resolution) goes in
# the first bucket, one above the last in the last.
EDGES_MS: tuple[float, ...] = tuple(
    m * 10.0**e for e in range(-3, 4) for m in (1.0, 2.0, 5.0)
) + (10_000.0,)


@dataclass(frozen=True, slots=True)
class PauseHistogram:
    """Counts per bucket ``[edges[i], edges[i+1])`` in ms, sweep and mark
    termination apart, trimmed to the buckets from the first to the last
    that holds a pause. ``cycles`` is how many rows were counted (a row with
    a phase missing adds nothing to that phase)."""

    edges_ms: tuple[float, ...]
    sweep_term: tuple[int, ...]
    mark_term: tuple[int, ...]
    cycles: int
    max_sweep_term_ms: float
    max_mark_term_ms: float


def _counts(values: np.ndarray) -> np.ndarray:
    values = values[~np.isnan(values)]
    index = np.searchsorted(np.asarray(EDGES_MS), values, side="right") - 1
    index = np.clip(index, 0, len(EDGES_MS) - 2)
    return np.bincount(index, minlength=len(EDGES_MS) - 1)


def _max(values: np.ndarray) -> float:
    values = values[~np.isnan(values)]
    return float(values.max()) if len(values) else math.nan


def pause_histogram(store: CycleStore, rows: range) -> PauseHistogram:
    """The two STW pauses of ``rows`` (store indices, step 1) by bucket."""
    c = store.cols
    sweep = np.asarray(c.stw_sweep_term_ms[rows.start:rows.stop], dtype=np.float64)
    mark = np.asarray(c.stw_mark_term_ms[rows.start:rows.stop], dtype=np.float64)
    s, m = _counts(sweep), _counts(mark)
    used = np.flatnonzero(s + m)
    if not len(used):
        return PauseHistogram((), (), (), len(rows), math.nan, math.nan)
    lo, hi = int(used[0]), int(used[-1]) + 1
    return PauseHistogram(
        EDGES_MS[lo:hi + 1], tuple(int(v) for v in s[lo:hi]), tuple(int(v) for v in m[lo:hi]),
        len(rows), _max(sweep), _max(mark),
    )
