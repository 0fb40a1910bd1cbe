"""memory-limit-bound on real limited programs read from their saved logs.

A saved log carries no environment: the rule must infer a memory limit
from a heap goal that holds its level while the effective GOGC sits far
below 100. A real limited program's goal is not one flat line: it climbs
to the limit at start-up and settles on a new level when the runtime's
other memory changes (the 48 MiB capture: 44 MB for a second, then 31-32
MB), which the old "whole window within 5 %" test rejected. Look-alikes
must keep their wording: a goal that GOGC derives from a moving live heap
is no finding, and a low GOGC with a steady live heap (GOGC=10, no limit)
may only be called "a low GOGC or a memory limit".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gorun import run_workload
from kit import model_of
from tui.analysis.findings import Finding, evaluate
from tui.analysis.paced import goal_holds
from tui.ingest.runner import load
from tui.model import Model

GO119 = Path(__file__).parent / "data" / "samples" / "go1.19"


def _found(m: Model, full: bool = True) -> Finding | None:
    return next((f for f in evaluate(m, full=full) if f.id == "memory-limit-bound"), None)


@pytest.mark.parametrize(
    "name", ["gomemlimit48_gogcoff_gctrace1.stderr.txt", "gomemlimit64_gctrace1_gcpacertrace1.stderr.txt"]
)
def test_saved_limited_logs_are_inferred(name: str) -> None:
    """GOMEMLIMIT=48MiB GOGC=off and GOMEMLIMIT=64MiB (GOGC 100): start-up
    ramp, level changes, an effective GOGC near 0 %."""
    f = _found(load(str(GO119 / name)))
    assert f is not None
    assert f.severity == "info" and "probably a memory limit" in f.message, f.message
    assert f.first_cycle == 1  # the ramp is inside the window that fired


def test_goal_holds_counts_steps_not_the_spread() -> None:
    ramp, high, low = list(range(31, 45, 2)), [44] * 40, [31, 32] * 30
    assert goal_holds(ramp + high + low, 1.6)
    assert not goal_holds([20 + n % 5 * 4 for n in range(60)], 1.6)  # follows a moving live heap
    assert goal_holds([37], 1.0) and goal_holds([], 1.0)


def test_ramp_then_two_levels_in_one_window() -> None:
    """The 48 MiB capture's shape, drawn: goal 31 -> 44 at start-up, 44, then 31."""
    lines = []
    for n in range(1, 121):
        goal = min(44, 29 + 2 * n) if n <= 60 else 31
        live = goal - 1 - n % 3 if n <= 60 else 25 + n % 3
        lines.append(_gc(n, 0.004 * n, heap=(live + 2, live + 3, live), goal=goal))
    f = _found(model_of(lines))
    assert f is not None and "probably a memory limit" in f.message, f and f.message


def _gc(n: int, t: float, heap: tuple[int, int, int], goal: int) -> str:
    return (
        f"gc {n} @{t:.3f}s 40%: 0.01+1.5+0.001 ms clock, 0.02+2.0/0.05/0+0.003 ms cpu, "
        f"{heap[0]}->{heap[1]}->{heap[2]} MB, {goal} MB goal, 3 MB stacks, 0 MB globals, 2 P"
    )


@pytest.mark.go
@pytest.mark.parametrize("full", [True, False], ids=["report", "live"])
def test_real_memlimit_program_from_its_saved_log(go_build, full: bool) -> None:
    """tests/go/memlimit under GOMEMLIMIT=48MiB GOGC=off, its stderr read
    with no env, as ``gctui report saved.log`` does; three runs, since the
    goal's wobble differs from run to run."""
    binary = go_build("memlimit")
    for _ in range(3):
        result = run_workload(binary, ["-duration", "1.5s", "-live", "30"], gogc="off", gomemlimit="48MiB")
        assert result.returncode == 0, result.stderr_text
        f = _found(model_of(result.stderr), full)
        assert f is not None and f.severity == "info", result.stderr_text[-2000:]


@pytest.mark.go
def test_real_low_gogc_without_a_limit_is_not_called_a_limit(go_build) -> None:
    """GOGC=10, no limit, a steady 64 MiB live set: a finding, if any, says
    "a low GOGC ... or a memory limit", never "probably a memory limit"."""
    binary = go_build("hotloop")
    for procs in (1, 2):
        result = run_workload(binary, ["-duration", "1s", "-live", "65536"], gogc=10, gomaxprocs=procs)
        assert result.returncode == 0, result.stderr_text
        for full in (True, False):
            f = _found(model_of(result.stderr), full)
            if f is not None:
                assert "a low GOGC" in f.message and "or a memory limit" in f.message, f.message
                assert "probably" not in f.message, f.message


def test_a_goal_that_follows_the_live_heap_is_no_limit() -> None:
    """The demo's third act runs debug.SetGCPercent(10) after a cache of 40 MB
    was dropped: from cycle to cycle the goal holds its level (9 steps in 10),
    but over the window it rises and falls with the live heap (22 to 90 MB,
    slope 2), always above it. That is GOGC pacing; with the level test alone
    it read as "probably a memory limit" on every newcomer's demo."""
    demo = Path(__file__).resolve().parent.parent / "tui" / "data" / "demo" / "story.log.gz"
    assert _found(load(str(demo))) is None
    for name in ("gomemlimit48_gogcoff_gctrace1.stderr.txt", "gomemlimit64_gctrace1_gcpacertrace1.stderr.txt"):
        found = _found(load(str(GO119 / name)))  # goals at or under the live heap: a limit
        assert found is not None and "memory limit" in found.message, name
