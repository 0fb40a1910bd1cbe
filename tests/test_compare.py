"""Before/after: changes, their direction, and null-safety."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tui.analysis.compare import METRICS, compare, render_compare
from tui.ingest.runner import load
from tui.model import Model
from tui.analysis.report import summarize

GO119 = Path(__file__).resolve().parent / "data" / "samples" / "go1.19"


def summary(**numbers: Any) -> dict[str, Any]:
    """A minimal summary: only what compare reads."""
    return {
        "source": numbers.get("source", "x.log"),
        "trace_found": True,
        "cycles": {"count": numbers.get("count", 100)},
        "pause_ms": {"p50": 0.1, "p99": numbers.get("p99"), "max": numbers.get("max")},
        "interval_s": {"p50": numbers.get("interval")},
        "cycles_per_min": numbers.get("rate"),
        "gc_cpu_pct": {"overall": numbers.get("cpu")},
        "heap_live_mb": {"max": numbers.get("live")},
        "heap_peak_mb": numbers.get("peak"),
        "heap_goal_mb": {"max": numbers.get("goal")},
        "findings": [{"id": i} for i in numbers.get("findings", ())],
    }


def by_key(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["key"]: m for m in result["metrics"]}


def test_an_optimisation_by_hand() -> None:
    before = summary(p99=2.0, max=5.0, interval=0.01, rate=6000, cpu=20.0, live=100, peak=210, goal=200,
                     findings=["gc-frequent", "gc-cpu-high", "heap-overshoot"])
    after = summary(p99=1.0, max=5.02, interval=0.05, rate=1200, cpu=5.0, live=100, peak=400, goal=400,
                    findings=["heap-overshoot", "stw-long"])
    m = by_key(compare(before, after))
    p99 = m["stw_p99_ms"]
    assert (p99["change"], p99["change_pct"], p99["verdict"]) == (-1.0, -50.0, "better")
    assert m["stw_max_ms"]["verdict"] == "same"  # +0.4 %: noise between two runs
    assert m["interval_p50_ms"]["before"] == 10.0 and m["interval_p50_ms"]["after"] == 50.0
    assert m["interval_p50_ms"]["verdict"] == "better"  # longer between cycles
    assert m["cycles_per_min"]["change_pct"] == -80.0 and m["cycles_per_min"]["verdict"] == "better"
    assert m["gc_cpu_pct"]["change"] == -15.0 and m["gc_cpu_pct"]["verdict"] == "better"
    assert m["heap_live_max_mb"]["change"] == 0 and m["heap_live_max_mb"]["verdict"] == "same"
    assert m["heap_peak_mb"]["verdict"] == "worse"  # the price of fewer cycles
    assert m["heap_goal_max_mb"]["change_pct"] == 100.0 and m["heap_goal_max_mb"]["verdict"] is None
    f = compare(before, after)["findings"]
    assert f["resolved"] == ["gc-frequent", "gc-cpu-high"]
    assert f["new"] == ["stw-long"] and f["remaining"] == ["heap-overshoot"]
    text = render_compare(compare(before, after))
    assert "STW pause p99 (ms)" in text and "-50.0%" in text and "better" in text
    assert "resolved" in text and "gc-frequent" in text


def test_missing_numbers_and_zero_baselines_are_safe() -> None:
    result = compare(summary(cpu=0.0, p99=None), summary(cpu=3.0, p99=1.0))
    m = by_key(result)
    assert m["gc_cpu_pct"]["change"] == 3.0 and m["gc_cpu_pct"]["change_pct"] is None
    assert m["gc_cpu_pct"]["verdict"] == "worse"
    assert m["stw_p99_ms"]["change"] is None and m["stw_p99_ms"]["verdict"] is None
    json.dumps(result, allow_nan=False)
    assert "-" in render_compare(result)


def test_two_empty_logs() -> None:
    empty = summarize(Model(), source="empty.log")
    result = compare(empty, empty)
    assert len(result["metrics"]) == len(METRICS)
    assert all(m["before"] is None and m["change"] is None for m in result["metrics"])
    assert "no Go runtime trace found in this input" in render_compare(result)


def test_real_samples_same_log_is_all_same() -> None:
    s = summarize(load(str(GO119 / "gctrace1_schedtrace200.stderr.txt")))
    m = by_key(compare(s, s))
    assert all(x["change"] in (0, None) for x in m.values())
    assert {x["verdict"] for x in m.values()} <= {"same", None}


def test_real_samples_a_memory_limit_trades_cpu_for_memory() -> None:
    before = summarize(load(str(GO119 / "gctrace1_schedtrace200.stderr.txt")))
    after = summarize(load(str(GO119 / "gomemlimit48_gogcoff_gctrace1.stderr.txt")))
    m = by_key(compare(before, after))
    # GOMEMLIMIT=48MiB with GOGC=off: more cycles and GC CPU, a smaller heap.
    assert m["cycles_per_min"]["verdict"] == "worse" and m["gc_cpu_pct"]["verdict"] == "worse"
    assert m["heap_peak_mb"]["verdict"] == "better"
    assert m["heap_goal_max_mb"]["after"] <= 48
    for x in m.values():
        if x["change"] is not None and x["before"]:
            assert x["change_pct"] == pytest.approx((x["after"] - x["before"]) / x["before"] * 100, abs=0.01)
