"""The model's derived numbers on hand-checked lines, and its queries."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from parsers.bulk import parse_chunks
from kit import model_of
from tui.model.cycles import buckets, percentile
from tui.model import Model

# Two consecutive real go1.19 cycles (gomemlimit64 sample, hand-checked below).
A = (
    "gc 10 @1.000s 6%: 0.020+10+0.010 ms clock, 0.040+2.0/5.0/1.0+0.020 ms cpu, "
    "40->44->20 MB, 42 MB goal, 2 MB stacks, 0 MB globals, 2 P"
)
B = (
    "gc 11 @1.500s 6%: 0.030+12+0.020 ms clock, 0.060+3.0/6.0/1.0+0.040 ms cpu, "
    "41->45->22 MB, 44 MB goal, 2 MB stacks, 0 MB globals, 2 P"
)




def test_derived_metrics_by_hand() -> None:
    m = model_of(A + "\n" + B + "\n")
    c = m.cycles
    assert len(c) == 2
    # First cycle: nothing before it.
    assert math.isnan(c.interval_s[0]) and math.isnan(c.gc_cpu[0])
    # Interval: 1.500 - 1.000 s.
    assert c.interval_s[1] == pytest.approx(0.5)
    # Allocation rate: (41 MB at start - 20 MB live before) / 0.5 s = 42 MB/s.
    assert c.alloc_rate_mb_s[1] == pytest.approx(42.0)
    # Assist share: 3.0 / (3.0 + 6.0 + 1.0) = 0.3.
    assert c.assist_share[1] == pytest.approx(0.3)
    # GC CPU this cycle, idle workers left out as the runtime does, over
    # the time from the end of gc 10 to the end of gc 11 (start + 3 phases):
    # (0.060 + 3.0 + 6.0 + 0.040) ms / ((1512.05 - 1010.03) ms x 2 P) = 0.906 %.
    assert c.gc_cpu[1] == pytest.approx(9.1 / (502.02 * 2), rel=1e-4)
    # STW: sweep termination + mark termination.
    assert c.cols.stw_ms[1] == pytest.approx(0.050, abs=1e-6)
    # Overshoot: 45 at end of mark vs 44 goal.
    assert c.overshoot_mb(1) == 1
    # Effective GOGC: (44 - 20 - 2) / (20 + 2) = 100 %.
    assert c.effective_gogc(1) == pytest.approx(100.0)


def test_segments_cut_derivations() -> None:
    restart = B.replace("gc 11 @1.500s", "gc 1 @0.010s")
    m = model_of(A + "\n" + restart + "\n")
    assert [s.index for s in m.segments] == [0, 1]
    assert m.cycles.cols.segment[1] == 1
    assert math.isnan(m.cycles.interval_s[1]) and m.cycles.effective_gogc(1) is None


def test_queries() -> None:
    lines = [
        f"gc {n} @{n / 10:.3f}s 1%: 0.01+1.0+0.01 ms clock, 0.02+0.1/1.0/0.5+0.02 ms cpu, "
        f"{n}->{n + 1}->{n // 2} MB, {n + 2} MB goal, 0 MB stacks, 0 MB globals, 2 P"
        for n in range(1, 101)
    ]
    m = model_of("\n".join(lines) + "\n")
    c = m.cycles
    assert list(c.last(3)) == [97, 98, 99]
    assert c.index_of(50) == 49 and c.index_of(500) is None
    assert c.nearest(2.04) == 19  # gc 20 @2.000s
    assert list(c.in_time_range(1.0, 1.2)) == [9, 10, 11]
    b = buckets(c, "heap_start_mb", range(0, 100), 10, percentiles=True)
    assert len(b) == 10 and b[0][2:4] == (1, 10) and b[-1][3] == 100
    assert percentile([5.0, 1.0, 3.0], 50) == 3.0


def test_bulk_and_live_paths_give_the_same_model() -> None:
    data = (Path(__file__).parent / "data/samples/public/024-zqlpaopao-testCode-gctrace-go-run.log").read_bytes()
    live = model_of(data.decode())
    bulk = Model()
    bulk.apply_bulk(parse_chunks([data]))
    assert [s.first_cycle for s in bulk.segments] == [s.first_cycle for s in live.segments]
    for name in ("interval_s", "alloc_rate_mb_s", "gc_cpu", "assist_share"):
        a, b = getattr(bulk.cycles, name), getattr(live.cycles, name)
        assert [x if x == x else None for x in a] == [x if x == x else None for x in b]
    assert bulk.line_counts == live.line_counts


def test_bytes_per_cycle_under_100() -> None:
    line = A.replace("gc 10 @1.000s", "gc {} @{:.3f}s")
    data = "\n".join(line.format(n, n / 100) for n in range(1, 20001)) + "\n"
    m = Model()
    m.apply_bulk(parse_chunks([data.encode()]))
    assert m.cycles.nbytes() / len(m.cycles) <= 100
