"""A vectorised screen for the live-heap leak test over many windows at once.

A full report fits the live heap in hundreds of thousands of windows (three
scales, shifted by quarters; see ``rules_heap._leak_windows``), and the
per-window Python fit (lists, ``linear_fit``, stretch medians) cost ~200 us
each: minutes on a 1 GB log. Almost every window is far from firing. This
module computes, for a block of windows at once, everything the rule tests
(slope, r², share of rises, stretch medians, rises between stretches) and
says which windows *might* fire. The rule then runs its own exact Python
code on those few only, so what it reports is unchanged.

Exactness: the stretch medians, the share of rises and the rise count are
computed with the same float operations as the Python code (elementwise
IEEE arithmetic, ``np.bincount`` adding in index order like ``sum``), so
they are exact. Slope and r² are the same sums too, but squares are
``x * x`` here and ``(x - m) ** 2`` (libm ``pow``) there, which may differ in
the last bit; so those two are screened with a margin far wider than that.
"""

from __future__ import annotations

from typing import Any, Sequence

from tui.analysis.thresholds import Thresholds
from tui.model.arrays import numpy

BLOCK_POINTS = 400_000  # points per block: temporaries of a few MB each
_MARGIN = 1e-7  # relative; last-bit noise of 500-point sums is ~1e-13


def leak_candidates(t_ms: Any, live: Any, wins: Sequence[range], th: Thresholds) -> list[bool]:
    """For each window (rows of ``t_ms``/``live``, numpy arrays indexed like
    the store, every row usable), whether the leak test might fire on it."""
    np = numpy()
    parts = th.live_heap_growing_parts
    if parts < 1:
        return [True] * len(wins)
    out: list[bool] = []
    k = 0
    while k < len(wins):
        total, j = 0, k
        while j < len(wins) and (total == 0 or total + len(wins[j]) <= BLOCK_POINTS):
            total += len(wins[j])
            j += 1
        out.extend(_block(np, t_ms, live, wins[k:j], th, parts))
        k = j
    return out


def _block(np: Any, t_ms: Any, live: Any, wins: Sequence[range], th: Thresholds, parts: int) -> list[bool]:
    nb = len(wins)
    starts = np.fromiter((r.start for r in wins), dtype=np.int64, count=nb)
    steps = np.fromiter((r.step for r in wins), dtype=np.int64, count=nb)
    counts = np.fromiter((len(r) for r in wins), dtype=np.int64, count=nb)
    total = int(counts.sum())
    w = np.repeat(np.arange(nb), counts)
    offsets = np.zeros(nb, dtype=np.int64)
    np.cumsum(counts[:-1], out=offsets[1:])
    idx = np.arange(total, dtype=np.int64)
    idx -= offsets[w]
    idx *= steps[w]
    idx += starts[w]
    x = t_ms[idx] / 1000.0
    y = live[idx].astype(np.float64)
    del idx
    n = counts.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        dx = x - (np.bincount(w, x, nb) / n)[w]
        dy = y - (np.bincount(w, y, nb) / n)[w]
        sxx = np.bincount(w, dx * dx, nb)
        syy = np.bincount(w, dy * dy, nb)
        sxy = np.bincount(w, dx * dy, nb)
        del dx, dy
        slope = np.where(sxx != 0, sxy / sxx, 0.0)
        r2 = np.where((sxx != 0) & (syy != 0), sxy * sxy / (sxx * syy), 0.0)
    # Share of rises among the steps that changed, within each window.
    same = w[1:] == w[:-1]
    step = y[1:] - y[:-1]
    ups = np.bincount(w[1:][same & (step > 0)], minlength=nb)
    downs = np.bincount(w[1:][same & (step < 0)], minlength=nb)
    del same, step
    moved = ups + downs
    with np.errstate(divide="ignore", invalid="ignore"):
        up_pct = np.where(moved > 0, ups / moved, 0.0) * 100.0
    # Stretch medians: the bucket of each point as part_medians computes it.
    first = offsets
    last = offsets + counts - 1
    t0, t1 = x[first], x[last]
    width = (t1 - t0) / parts
    width[width == 0] = 1.0
    bucket = ((x - t0[w]) / width[w]).astype(np.int64)
    np.minimum(bucket, parts - 1, out=bucket)
    group = w * parts + bucket
    del bucket, x
    order = np.lexsort((y, group))
    ys = y[order]
    sizes = np.bincount(group, minlength=nb * parts)
    del order, group, y
    gstart = np.zeros(nb * parts, dtype=np.int64)
    np.cumsum(sizes[:-1], out=gstart[1:])
    half = sizes // 2
    mid = np.minimum(gstart + half, total - 1)
    below = np.maximum(mid - 1, 0)
    med = np.where(sizes % 2 == 1, ys[mid], (ys[below] + ys[mid]) / 2.0)
    med[sizes == 0] = np.nan
    med = med.reshape(nb, parts)
    # Rises between consecutive non-empty stretches; first and last medians.
    rises = np.zeros(nb, dtype=np.int64)
    present = np.zeros(nb, dtype=np.int64)
    prev = np.full(nb, np.nan)
    head = np.full(nb, np.nan)
    for col in range(parts):
        v = med[:, col]
        ok = ~np.isnan(v)
        rises += ok & (v > prev)
        present += ok
        head = np.where(np.isnan(head) & ok, v, head)
        prev = np.where(ok, v, prev)
    tail = prev
    per_min = slope * 60.0
    thr = th.live_heap_growing_mb_per_min
    fast = per_min > thr - _MARGIN * (abs(thr) + np.abs(per_min)) - 1e-12
    steady = (r2 >= th.live_heap_growing_r2 - _MARGIN) | (up_pct >= th.live_heap_growing_up_pct) | (
        rises == present - 1
    )
    several = (rises >= present - 2) & (rises >= 2) & (tail > head)
    big = tail - head > th.live_heap_growing_min_rise_mb
    return (fast & steady & several & big).tolist()  # type: ignore[no-any-return]
