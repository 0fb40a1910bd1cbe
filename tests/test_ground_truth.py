"""gctui's reading of real gctrace output against the runtime's own accounting.

Each case runs tests/go/truth in one GC shape twice: under ``gctui run
--report --json`` (the headless live path) and directly, its stderr saved
and read back with ``gctui report`` (the file path). The program prints
``runtime.ReadMemStats`` as JSON at exit; the tests hold gctui's cycles, STW
total and GC CPU against NumGC, PauseTotalNs and GCCPUFraction, and each
finding against the shape that must raise it and the look-alike that must
not.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gorun import RUNTIME_ENV, run_workload
from tui.ingest.runner import load

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.go


@dataclass(frozen=True)
class Case:
    mode: str
    args: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    godebug: str = ""  # GODEBUG entries besides gctrace


CASES = {
    # GOGC=1 on one P: several cycles start in each millisecond.
    "storm": Case("storm", ("-duration", "1s"), (("GOMAXPROCS", "1"), ("GOGC", "1"))),
    # The last cycle's stop waits ~300 ms for a loop that cannot be preempted.
    "longlast": Case("longlast", (), (("GOMAXPROCS", "2"),), "asyncpreemptoff=1"),
    "single": Case("single"),
    "gogc10": Case("steady", ("-duration", "1.5s"), (("GOGC", "10"),)),
    # A 60 MiB live heap under a 100 MiB limit: GOGC=100 would want 120 MB.
    "memlimit": Case("steady", ("-live", "60", "-rate", "400"), (("GOMEMLIMIT", "100MiB"), ("GOGC", "100"))),
    "step": Case("step", ("-duration", "1.6s")),
    "ramp": Case("ramp", ("-duration", "3s")),
}


@dataclass
class Outcome:
    truth: dict[str, Any]  # ReadMemStats of the direct run
    saved: dict[str, Any]  # gctui report --json of its saved stderr
    stderr_path: Path
    run_truth: dict[str, Any]  # ReadMemStats of the run under gctui
    live: dict[str, Any]  # gctui run --report --json


def child_env(extra: dict[str, str]) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if k not in RUNTIME_ENV}
    env.update(extra)
    return env


def gctui_run(binary: Path, case: Case, stats: Path, *options: str, stop_after: float | None = None) -> dict[str, Any]:
    """``gctui run --report --json`` of the program; Ctrl-C after ``stop_after`` s."""
    env = dict(case.env)
    if case.godebug:
        env["GODEBUG"] = case.godebug  # gctui keeps the user's entries and adds its own
    argv = [sys.executable, "-m", "tui", "run", "--report", "--json", *options, "--",
            str(binary), "-mode", case.mode, "-stats", str(stats), *case.args]
    proc = subprocess.Popen(argv, cwd=ROOT, env=child_env(env), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    if stop_after is not None:
        time.sleep(stop_after)
        proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert out, err.decode(errors="replace")
    return json.loads(out)  # type: ignore[no-any-return]


def report_json(path: Path) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-m", "tui", "report", "--json", str(path)], cwd=ROOT,
                         capture_output=True, check=True, timeout=60)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def truth_of(stdout: str) -> dict[str, Any]:
    line = next(x for x in stdout.splitlines() if x.startswith("truth: "))
    return json.loads(line[len("truth: "):])  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def outcome(go_build, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Outcome:
    case = CASES[request.param]
    binary = go_build("truth")
    tmp = tmp_path_factory.mktemp(request.param)
    godebug = ",".join(x for x in ("gctrace=1", case.godebug) if x)
    direct = run_workload(binary, ("-mode", case.mode, *case.args), env=dict(case.env), godebug=godebug)
    assert direct.returncode == 0, direct.stderr_text[-2000:]
    stderr_path = tmp / "stderr.log"
    stderr_path.write_bytes(direct.stderr)
    stats = tmp / "stats.json"
    live = gctui_run(binary, case, stats)
    return Outcome(truth_of(direct.stdout_text), report_json(stderr_path), stderr_path,
                   json.loads(stats.read_text()), live)


def cpu_close(gctui_pct: float, fraction: float) -> bool:
    """Within 1 point, or 8 % of the runtime's figure (CPU terms are printed
    truncated to two digits)."""
    truth = fraction * 100.0
    return abs(gctui_pct - truth) <= 1.0 or abs(gctui_pct - truth) <= 0.08 * truth


@pytest.mark.parametrize("outcome", list(CASES), indirect=True)
def test_cycles_pauses_and_gc_cpu_match_readmemstats(outcome: Outcome) -> None:
    for truth, summary in ((outcome.truth, outcome.saved), (outcome.run_truth, outcome.live)):
        n = truth["num_gc"]
        # A cycle the runtime starts on its own may print after the final read.
        assert n <= summary["cycles"]["count"] <= n + 1, (summary["cycles"], truth)
        cpu = summary["gc_cpu_pct"]["overall"]
        if summary["cycles"]["count"] == n:
            assert cpu is not None and cpu_close(cpu, truth["gc_cpu_fraction"]), (cpu, truth)
            check = summary["gc_cpu_pct"]["runtime_check"]
            assert check is not None and check["agrees"], check
    # STW: the gc lines' two pauses per cycle, summed, against PauseTotalNs.
    # Each is printed truncated to two significant digits (or whole ms).
    model = load(str(outcome.stderr_path))
    n = outcome.truth["num_gc"]
    stw = sum(float(v) for v in model.cycles.cols.stw_ms[:n])
    total_ms = outcome.truth["pause_total_ns"] / 1e6
    assert stw <= total_ms * 1.001 + 1e-3
    assert total_ms <= stw * 1.1 + n * 1e-3, (stw, total_ms)


@pytest.mark.parametrize("outcome", ["storm"], indirect=True)
def test_storm_intervals_are_estimated_not_zero(outcome: Outcome) -> None:
    s = outcome.saved
    assert s["cycles"]["count"] > 2000  # several cycles per millisecond on one P
    assert s["interval_s"]["p50"] > 0 and s["interval_s"]["estimated"]
    frequent = next(f for f in s["findings"] if f["id"] == "gc-frequent")
    assert "0.00 ms" not in frequent["message"] and "cycles in" in frequent["message"]
    report = subprocess.run([sys.executable, "-m", "tui", "report", str(outcome.stderr_path)], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    assert "cycles in 1.0 s)" in report and "GC interval    p50 0 ms" not in report


@pytest.mark.parametrize("outcome", ["single", "longlast"], indirect=True)
def test_one_cycle_and_a_long_last_cycle_have_a_gc_cpu(outcome: Outcome) -> None:
    # Time runs from process start to the end of the last cycle, so one cycle
    # has a figure and a long last cycle counts its own duration.
    cpu = outcome.saved["gc_cpu_pct"]["overall"]
    assert cpu is not None and cpu_close(cpu, outcome.truth["gc_cpu_fraction"])


def ids(summary: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["id"]: f for f in summary["findings"]}


@pytest.mark.parametrize("outcome", ["memlimit"], indirect=True)
def test_memory_limit_bound_fires_under_a_real_limit(outcome: Outcome) -> None:
    f = ids(outcome.live).get("memory-limit-bound")
    assert f is not None and f["severity"] == "warning" and "GOMEMLIMIT=100MiB" in f["message"], outcome.live
    assert outcome.live["heap_goal_mb"]["max"] >= 80  # held near the limit, not at GOGC's 120


@pytest.mark.parametrize("outcome", ["gogc10"], indirect=True)
def test_memory_limit_bound_quiet_for_a_low_gogc(outcome: Outcome) -> None:
    assert "memory-limit-bound" not in ids(outcome.live)  # gctui run knows GOGC=10
    saved = ids(outcome.saved).get("memory-limit-bound")  # settings unknown: never "probably a limit"
    assert saved is None or "probably a memory limit" not in saved["message"]
    next_goal = outcome.live["heap_goal_mb"]["next"]
    assert next_goal is not None and abs(next_goal - outcome.run_truth["next_gc"] / 2**20) <= 2


@pytest.mark.parametrize("outcome", ["step", "ramp"], indirect=True)
def test_live_heap_growing_quiet_on_a_step_and_a_warm_up(outcome: Outcome) -> None:
    assert "live-heap-growing" not in ids(outcome.saved), outcome.saved["findings"]
    assert "live-heap-growing" not in ids(outcome.live), outcome.live["findings"]


def test_live_heap_growing_fires_on_a_real_leak(go_build, tmp_path: Path) -> None:
    result = run_workload(go_build("leak"), ["-duration", "4s", "-rate", "4"], godebug="gctrace=1")
    assert result.returncode == 0
    path = tmp_path / "leak.log"
    path.write_bytes(result.stderr)
    assert "live-heap-growing" in ids(report_json(path))


def test_stw_stuck_on_a_frozen_stop_the_world(go_build, tmp_path: Path) -> None:
    case = Case("frozen", (), (("GOMAXPROCS", "2"),), "asyncpreemptoff=1")
    summary = gctui_run(go_build("truth"), case, tmp_path / "stats.json", "--scheddetail",
                        "--schedtrace", "100", stop_after=2.5)
    f = ids(summary).get("stw-stuck")
    assert f is not None and f["severity"] == "critical", summary["findings"]
    assert summary["cycles"]["count"] == 0  # the forced cycle never got past its stop


def test_stw_stuck_quiet_in_a_gc_storm(go_build, tmp_path: Path) -> None:
    # Snapshots every 10 ms in a storm catch stops now and then; cycles finish.
    summary = gctui_run(go_build("truth"), CASES["storm"], tmp_path / "stats.json", "--scheddetail",
                        "--schedtrace", "10")
    assert summary["cycles"]["count"] > 100 and summary["sched"]["snapshots"] > 20
    assert "stw-stuck" not in ids(summary)
