"""gctrace lines of every era, one edge case per row."""

from __future__ import annotations

import pytest

from parsers import gctrace
from parsers.events import GCCycle, LineMeta


def parse(line: str) -> GCCycle | None:
    for shape in gctrace.SHAPES:
        m = shape.pattern.fullmatch(line)
        if m:
            event = shape.build(m, LineMeta(line_no=1, raw=line))
            assert isinstance(event, GCCycle)
            return event
    return None


# (id, line, expected fields). Lines marked real come from shared/samples.
CASES = [
    (
        "go1.19-real",
        "gc 1 @0.003s 13%: 0.005+1.4+0.002 ms clock, 0.011+1.1/0.10/1.2+0.004 ms cpu, "
        "3->5->4 MB, 4 MB goal, 3 MB stacks, 0 MB globals, 2 P",
        dict(era="go1.18", n=1, t_s=0.003, cpu_pct=13, stw_sweep_term_ms=0.005, mark_ms=1.4,
             stw_mark_term_ms=0.002, sweep_term_cpu_ms=0.011, mark_assist_cpu_ms=1.1,
             mark_bg_cpu_ms=0.10, mark_idle_cpu_ms=1.2, mark_term_cpu_ms=0.004,
             heap_start_mb=3, heap_end_mb=5, heap_live_mb=4, heap_goal_mb=4, stacks_mb=3,
             globals_mb=0, procs=2, forced=False),
    ),
    (
        "go1.19-forced-real",
        "gc 90 @1.000s 6%: 0.021+13+0.20 ms clock, 0.043+0.45/6.1/0+0.41 ms cpu, "
        "105->124->70 MB, 118 MB goal, 3 MB stacks, 0 MB globals, 2 P (forced)",
        dict(n=90, mark_ms=13.0, stw_mark_term_ms=0.20, mark_idle_cpu_ms=0.0, forced=True,
             heap_goal_mb=118),
    ),
    (
        "go1.19-zero-heap-real",
        "gc 6 @240.051s 0%: 0.060+0.35+0.002 ms clock, 0.12+0/0.066/0.24+0.005 ms cpu, "
        "0->0->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P",
        dict(t_s=240.051, heap_start_mb=0, heap_live_mb=0, mark_assist_cpu_ms=0.0),
    ),
    (
        "go1.19.5-32P-real",
        "gc 3 @0.027s 2%: 0.063+1.4+0.028 ms clock, 2.0+0.41/3.8/0.84+0.91 ms cpu, "
        "4->4->4 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 32 P",
        dict(procs=32, sweep_term_cpu_ms=2.0),
    ),
    (
        "go1.7-40P-huge-heap-real",
        "gc 10 @3.963s 1%: 0.062+188+0.38 ms clock, 2.0+0/701/105+12 ms cpu, "
        "1235->1241->1093 MB, 1267 MB goal, 40 P",
        dict(era="go1.6", stacks_mb=None, globals_mb=None, procs=40, heap_start_mb=1235,
             mark_bg_cpu_ms=701.0, mark_term_cpu_ms=12.0),
    ),
    (
        "go1.6-forced-stw-mark",
        "gc 27 @12.804s 0%: 0.008+0+2.9 ms clock, 0.033+0/0/0+11 ms cpu, "
        "7->7->3 MB, 8 MB goal, 4 P (forced)",
        dict(era="go1.6", mark_ms=0.0, stw_mark_term_ms=2.9, forced=True),
    ),
    (
        "windows-zero-granularity-real",
        "gc 70 @0.296s 0%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, 12->12->3 MB, 14 MB goal, 4 P",
        dict(stw_sweep_term_ms=0.0, mark_ms=0.0, heap_goal_mb=14),
    ),
    (
        "go1.5-five-phases-real",
        "gc 1 @0.166s 0%: 0.22+2.3+0.074+0.76+0.56 ms clock, 0.45+2.3+0+0.55/0.59/0+1.1 ms cpu, "
        "5->5->1 MB, 4 MB goal, 4 P",
        dict(era="go1.5", stw_sweep_term_ms=0.22, scan_ms=2.3, install_wb_ms=0.074,
             mark_ms=0.76, stw_mark_term_ms=0.56, sweep_term_cpu_ms=0.45, scan_cpu_ms=2.3,
             install_wb_cpu_ms=0.0, mark_assist_cpu_ms=0.55, mark_bg_cpu_ms=0.59,
             mark_idle_cpu_ms=0.0, mark_term_cpu_ms=1.1, heap_goal_mb=4, procs=4),
    ),
    (
        "go1.5-forced-real",
        "gc 59 @5.182s 0%: 0.092+0+0+0+6.8 ms clock, 0.37+0+0+4.1/0.025/5.8+27 ms cpu, "
        "79->79->79 MB, 79 MB goal, 32 P (forced)",
        dict(era="go1.5", forced=True, stw_mark_term_ms=6.8, procs=32),
    ),
    (
        "go1.4-us-real",
        "gc6(5): 0+0+0+1000 us, 0 -> 0 MB, 2118 (2655-537) objects, 85 goroutines, "
        "109/0/0 sweeps, 8(66) handoff, 11(38) steal, 103/4/0 yields",
        dict(era="go1.4", n=6, procs=5, stw_total_ms=1.0, t_s=None, cpu_pct=None,
             heap_goal_mb=None, heap_end_mb=None, heap_start_mb=0, heap_live_mb=0),
    ),
    (
        "go1.2-ms-real",
        "gc4(1): 0+0+0 ms, 0 -> 0 MB 2468 -> 1480 (2841-1361) objects, 0(0) handoff, "
        "0(0) steal, 0/0/0 yields",
        dict(era="go1.4", n=4, procs=1, stw_total_ms=0.0, mark_ms=None),
    ),
    (
        "go1.26-leak-check",
        "gc 41 @18.220s 1% (checking for goroutine leaks): 0.019+2.3+0.041 ms clock, "
        "0.15+0.22/4.1/6.0+0.33 ms cpu, 22->23->11 MB, 24 MB goal, 0 MB stacks, 0 MB globals, "
        "8 P (forced)",
        dict(era="go1.18", leak_check=True, forced=True, procs=8),
    ),
    (
        "future-field-before-P",
        "gc 42 @18.305s 1%: 0.021+1.7+0.030 ms clock, 0.17+0.10/3.2/5.5+0.24 ms cpu, "
        "19->20->11 MB, 23 MB goal, 0 MB stacks, 0 MB globals, 7 MB arenas, 8 P",
        dict(era="go1.18", n=42, procs=8, stacks_mb=0, extra=(("field", "7 MB arenas"),)),
    ),
    (
        "future-field-after-P",
        "gc 42 @18.305s 1%: 0.021+1.7+0.030 ms clock, 0.17+0.10/3.2/5.5+0.24 ms cpu, "
        "19->20->11 MB, 23 MB goal, 0 MB stacks, 0 MB globals, 8 P (forced), 3 workers",
        dict(procs=8, forced=True, extra=(("tail", "3 workers"),)),
    ),
    (
        "future-unknown-marker",
        "gc 43 @18.400s 1% (something new): 0.021+1.7+0.030 ms clock, 0.17+0.10/3.2/5.5+0.24 ms cpu, "
        "19->20->11 MB, 23 MB goal, 0 MB stacks, 0 MB globals, 8 P",
        dict(leak_check=False, extra=(("marker", "something new"),)),
    ),
]


@pytest.mark.parametrize("line,expected", [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_gc_line(line: str, expected: dict[str, object]) -> None:
    event = parse(line)
    assert event is not None, line
    for name, value in expected.items():
        got = getattr(event, name)
        if isinstance(value, float):
            assert got == pytest.approx(value), name
        else:
            assert got == value, name


def test_stw_is_sweep_plus_mark_termination() -> None:
    event = parse(CASES[0][1])
    assert event is not None and event.stw_ms == pytest.approx(0.007)


def test_fields_an_era_lacks_are_none_not_zero() -> None:
    event = parse(CASES[4][1])  # go1.7
    assert event is not None
    assert event.stacks_mb is None and event.globals_mb is None
    old = parse(CASES[9][1])  # go1.4
    assert old is not None
    assert old.t_s is None and old.mark_assist_cpu_ms is None and old.heap_goal_mb is None


NOT_GC = [
    ("truncated-real", "gc 12 @3.252s 0%: 0.028+504+0.011 ms clock, 0.22+0/252/0.87+0.090"),
    ("cut-after-clock", "gc 5 @0.1s 2%: 0.01+1.2+0.003 ms clock, "),
    ("prose", "gc 5 @ the office"),
    ("letters-for-numbers", "gc x @0.003s 13%: a+b+c ms clock"),
]


@pytest.mark.parametrize("line", [c[1] for c in NOT_GC], ids=[c[0] for c in NOT_GC])
def test_not_a_complete_gc_line(line: str) -> None:
    assert parse(line) is None
