"""A vectorised screen for the live-heap leak test over many windows at once.

A full report fits the live heap in hundreds of thousands of windows (three
scales, shifted by quarters; see ``rules_heap._leak_windows``), and the
per-window Python fit (lists, ``linear_fit``, stretch medians) cost ~200 us
each: minutes on a 1 GB log. Almost every window is far from firing. This
module computes, for a block of windows at once, everything the rule tests
(slope, r², share of rises, stretch medians, rises between stretches) and
says which windows fire, which cannot, and which are too close to call.
The rule runs its own exact Python code on the last and on the window it
reports, so what it reports is unchanged (see ``live_heap_growing``).

Exactness: the stretch medians, the share of rises and the rise count are
computed with the same float operations as the Python code (elementwise
IEEE arithmetic, ``np.bincount`` adding in index order like ``sum``), so
they are exact. Slope and r² are the same sums too, but squares are
``x * x`` here and ``(x - m) ** 2`` (libm ``pow``) there, which differ in
the last bit for about 1 value in 1,000; so those two are judged with a
margin far wider than that, and a window within it is left to the rule.
"""

from __future__ import annotations

from typing import Any, Sequence

from tui.analysis.thresholds import Thresholds
from tui.model.arrays import numpy

BLOCK_POINTS = 400_000  # points per block: temporaries of a few MB each
MARGIN = 1e-7  # relative; last-bit noise of 500-point sums is ~1e-13
NO, YES, MAYBE = 0, 1, 2


def leak_screen(t_ms: Any, live: Any, wins: Sequence[range], th: Thresholds) -> tuple[Any, Any]:
    """For each window (rows of ``t_ms``/``live``, numpy arrays indexed like
    the store, every row usable): ``(verdict, per_min)``, the verdict
    :data:`NO` (the leak test cannot fire), :data:`YES` (it fires whatever
    the last bits of slope and r² are) or :data:`MAYBE` (too close to call:
    the rule runs its exact code), and the slope in MB/min as computed here
    (within ~1e-14 of the rule's), as two numpy arrays."""
    np = numpy()
    parts = th.live_heap_growing_parts
    if not wins or not 1 <= parts <= 1000:  # the sort key holds the stretch above bit 33
        return np.full(len(wins), MAYBE, dtype=np.int8), np.zeros(len(wins))
    verdicts: list[Any] = []
    slopes: list[Any] = []
    k = 0
    while k < len(wins):
        total, j = 0, k
        while j < len(wins) and (total == 0 or total + len(wins[j]) <= BLOCK_POINTS):
            total += len(wins[j])
            j += 1
        verdict, per_min = _block(np, t_ms, live, wins[k:j], th, parts)
        verdicts.append(verdict)
        slopes.append(per_min)
        k = j
    return np.concatenate(verdicts), np.concatenate(slopes)


def _block(np: Any, t_ms: Any, live: Any, wins: Sequence[range], th: Thresholds,
           parts: int) -> tuple[Any, Any]:
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
    per_min = slope * 60.0
    thr = th.live_heap_growing_mb_per_min
    margin = MARGIN * (abs(thr) + np.abs(per_min)) + 1e-12
    fast = per_min > thr - margin  # the rest cannot fire: no stretch medians for them
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
    # One integer sort orders the points by stretch, then by live heap (whole
    # MB below 2^32): the key is the stretch above bit 33, the heap below it.
    mine = fast[w]
    key = group[mine] << 33
    key |= y[mine].astype(np.int64)
    key.sort()
    ys = (key & ((1 << 33) - 1)).astype(np.float64)
    sizes = np.bincount(key >> 33, minlength=nb * parts)
    total = len(ys)
    del key, group, y, mine
    gstart = np.zeros(nb * parts, dtype=np.int64)
    np.cumsum(sizes[:-1], out=gstart[1:])
    half = sizes // 2
    mid = np.minimum(gstart + half, max(total - 1, 0))
    below = np.maximum(mid - 1, 0)
    if total:
        med = np.where(sizes % 2 == 1, ys[mid], (ys[below] + ys[mid]) / 2.0)
    else:
        med = np.full(nb * parts, np.nan)
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
    exact_steady = (up_pct >= th.live_heap_growing_up_pct) | (rises == present - 1)
    several = (rises >= present - 2) & (rises >= 2) & (tail > head)
    big = tail - head > th.live_heap_growing_min_rise_mb
    exact = several & big
    might = exact & (per_min > thr - margin) & (exact_steady | (r2 >= th.live_heap_growing_r2 - MARGIN))
    sure = exact & (per_min > thr + margin) & (exact_steady | (r2 >= th.live_heap_growing_r2 + MARGIN))
    verdict = np.where(sure, YES, np.where(might, MAYBE, NO)).astype(np.int8)
    return verdict, per_min
