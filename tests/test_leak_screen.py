"""live-heap-growing's vectorised screen gives the rule's own answer.

The report screens hundreds of thousands of fit windows with numpy and fits
in Python only those too close to call and the steepest. Whatever it skips,
the finding (the worst window, its numbers, and how many windows fired of
how many judged) must be what fitting every window in Python gives: that
reference is the rule as it was written before the screen, kept here.
"""

from __future__ import annotations

import random

import pytest

from kit import SAMPLE_LOGS, model_of
from parsers.columns import MISSING_U32
from tui.analysis import rules_heap
from tui.analysis.findings import Finding, Scope, cycles_text
from tui.analysis.thresholds import Thresholds
from tui.analysis.windows import MAX_FIT_POINTS, Worst, linear_fit, up_share
from tui.ingest.runner import load
from tui.model import Model



def reference(scope: Scope) -> tuple[object, int, int]:
    """Every window fitted in Python: (worst item, fired, windows judged)."""
    th, c = scope.th, scope.model.cycles.cols
    w = Worst()
    warm = rules_heap.warm_up_end(scope)
    for rows in rules_heap._leak_windows(scope):
        idx = [i for i in rows if i >= warm and c.heap_live_mb[i] != MISSING_U32 and c.t_ms[i] != MISSING_U32]
        if len(idx) < th.live_heap_growing_min_cycles:
            continue
        xs = [c.t_ms[i] / 1000.0 for i in idx]
        ys = [float(c.heap_live_mb[i]) for i in idx]
        if xs[-1] - xs[0] < th.live_heap_growing_min_s:
            continue
        w.seen(rows, MAX_FIT_POINTS)
        slope, r2 = linear_fit(xs, ys)
        per_min = slope * 60.0
        ups = up_share(ys) * 100.0
        parts = rules_heap.part_medians(xs, ys, th.live_heap_growing_parts)
        rises = sum(b > a for a, b in zip(parts, parts[1:]))
        steady = r2 >= th.live_heap_growing_r2 or ups >= th.live_heap_growing_up_pct or rises == len(parts) - 1
        several = rises >= len(parts) - 2 and rises >= 2 and parts[-1] > parts[0]
        big = parts[-1] - parts[0] > th.live_heap_growing_min_rise_mb
        if per_min > th.live_heap_growing_mb_per_min and steady and several and big:
            w.offer(per_min, (per_min, r2, cycles_text(scope, idx), rises, len(parts)))
    return w.item, w.fired, w.windows


def _wandering(seed: int, cycles: int = 6000) -> Model:
    """A live heap that wanders, leaks for a while, steps, and plateaus: many
    windows on each side of every threshold, some with equal slopes."""
    rnd = random.Random(seed)
    live, t, lines = 40.0, 0.0, []
    for n in range(1, cycles + 1):
        t += rnd.choice((0.05, 0.2, 0.5, 1.0))
        phase = (n // 400) % 4
        live += {0: rnd.uniform(-1, 1), 1: rnd.uniform(-0.2, 1.0), 2: 0.0, 3: rnd.choice((0, 0, 1))}[phase]
        live = max(live, 5.0)
        lv = int(live)
        lines.append(
            f"gc {n} @{t:.3f}s 1%: 0.02+1.0+0.01 ms clock, 0.04+0/0.5/0.2+0.02 ms cpu, "
            f"{lv + 4}->{lv + 5}->{lv} MB, {lv * 2} MB goal, 0 MB stacks, 0 MB globals, 2 P"
        )
    return model_of(lines)


def _check(model: Model, th: Thresholds) -> int:
    fired = 0
    for seg in sorted({s.index for s in model.segments}):
        scope = Scope(model, th, seg, True, range(*model.cycles.segment_range(seg)))
        item, count, judged = reference(scope)
        found: Finding | None = rules_heap.live_heap_growing(scope)
        if item is None:
            assert found is None
            continue
        per_min, r2, where, rises, parts = item
        assert found is not None and found.value == per_min
        assert f"r² {r2:.2f}" in found.message and where in found.message
        assert f"rising in {rises} of {parts - 1} steps" in found.message
        if judged > 1:
            assert f"{count} of {judged} windows" in found.message, found.message
        fired += count
    return fired


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_screen_gives_the_reference_finding(seed: int) -> None:
    fired = _check(_wandering(seed), Thresholds())
    assert fired > 5  # windows fired, and the count was compared


def test_screen_at_other_thresholds() -> None:
    m = _wandering(4)
    for th in (Thresholds(live_heap_growing_r2=0.3, live_heap_growing_mb_per_min=0.5),
               Thresholds(live_heap_growing_parts=3, live_heap_growing_min_rise_mb=0.0),
               Thresholds(live_heap_growing_up_pct=40.0)):
        _check(m, th)


def test_screen_on_the_captures() -> None:
    for path in SAMPLE_LOGS:
        _check(load(str(path)), Thresholds())
