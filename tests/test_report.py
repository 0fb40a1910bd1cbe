"""The report: its numbers checked against hand work and independent regexes."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from parsers.events import LINE_KINDS
from kit import model_of
from tui.model.cycles import percentile
from tui.ingest.runner import load
from tui.model import Model
from tui.analysis.report import render_text, summarize

SAMPLES = Path(__file__).resolve().parent / "data" / "samples"
GO119 = SAMPLES / "go1.19"
ALL_SAMPLES = sorted(p for p in SAMPLES.rglob("*") if p.is_file())
REQUIRED = {
    "source", "go_format", "lines", "cycles", "pause_ms", "gc_cpu_pct", "heap_live_mb",
    "heap_goal_mb", "heap_peak_mb", "goroutines", "findings",
}

# Independent of the parsers: the clock and cpu fields of a Go 1.18+ gc line.
GC_LINE = re.compile(
    r"^gc (?P<n>\d+) @(?P<t>[\d.]+)s (?P<pct>\d+)%: (?P<c1>[\d.]+)\+(?P<c2>[\d.]+)\+(?P<c3>[\d.]+) ms clock, "
    r"(?P<p1>[\d.]+)\+(?P<p2>[\d.]+)/(?P<p3>[\d.]+)/[\d.]+\+(?P<p5>[\d.]+) ms cpu, "
    r"\d+->(?P<h1>\d+)->(?P<live>\d+) MB, (?P<goal>\d+) MB goal, .* (?P<procs>\d+) P( \(forced\))?$",
    re.M,
)

A = (
    "gc 10 @1.000s 6%: 0.020+10+0.010 ms clock, 0.040+2.0/5.0/1.0+0.020 ms cpu, "
    "40->44->20 MB, 42 MB goal, 2 MB stacks, 0 MB globals, 2 P"
)
B = (
    "gc 11 @1.500s 6%: 0.030+12+0.020 ms clock, 0.060+3.0/6.0/1.0+0.040 ms cpu, "
    "41->45->22 MB, 44 MB goal, 2 MB stacks, 0 MB globals, 2 P (forced)"
)




@pytest.mark.parametrize("path", ALL_SAMPLES, ids=lambda p: str(p.relative_to(SAMPLES)))
def test_every_sample_summarises_to_strict_json(path: Path) -> None:
    summary = summarize(load(str(path)))
    assert REQUIRED <= summary.keys()
    lines = summary["lines"]
    assert set(LINE_KINDS) | {"total"} == lines.keys()
    assert sum(lines[k] for k in LINE_KINDS) == lines["total"]
    assert summary["cycles"]["count"] == lines["gc"]
    json.dumps(summary, allow_nan=False)  # no NaN sneaks into the JSON
    text = render_text(summary)
    assert "\x1b" not in text and text.endswith("\n")
    if not summary["trace_found"]:
        assert "no Go runtime trace found in this input" in text


def test_two_cycles_by_hand() -> None:
    s = summarize(model_of(A + "\n" + B + "\nhello\n"))
    assert s["lines"]["gc"] == 2 and s["lines"]["output"] == 1 and s["lines"]["total"] == 3
    assert s["cycles"] == {"count": 2, "first": 10, "last": 11, "forced": 1, "segments": 1}
    assert s["pause_ms"] == {"p50": 0.03, "p99": 0.05, "max": 0.05}
    # The log starts mid-run (gc 10), so gc 10 only anchors the clock; gc 11:
    # (0.060 + 3.0 + 6.0 + 0.040) ms over (1512.05 - 1010.03) ms x 2 P, and
    # 1.0 ms more with the idle mark worker. No origin: no check against 6%.
    assert s["gc_cpu_pct"] == {"overall": 0.91, "with_idle_mark": 1.01, "last_printed": 6,
                               "elapsed_ms": 502.02, "runtime_check": None}
    assert s["interval_s"] == {"p50": 0.5, "p99": 0.5, "estimated": []}
    assert s["cycles_per_min"] == 120.0
    assert s["heap_live_mb"] == {"min": 20, "max": 22, "last": 22}
    assert s["heap_goal_mb"] == {"min": 42, "max": 44, "last": 44, "next": None}  # GOGC unknown
    assert s["heap_peak_mb"] == 45
    assert s["go_format"] == ["go1.18"]
    assert s["goroutines"] is None and s["sched"] is None


def test_empty_input_is_all_nulls_and_says_so() -> None:
    s = summarize(Model(), source="empty.log")
    assert s["source"] == "empty.log" and s["trace_found"] is False
    assert s["lines"]["total"] == 0
    assert s["cycles"] == {"count": 0, "first": None, "last": None, "forced": 0, "segments": 1}
    assert s["pause_ms"] == {"p50": None, "p99": None, "max": None}
    assert s["gc_cpu_pct"] == {"overall": None, "with_idle_mark": None, "last_printed": None,
                               "elapsed_ms": None, "runtime_check": None}
    assert s["heap_live_mb"] == {"min": None, "max": None, "last": None}
    assert s["heap_peak_mb"] is None and s["goroutines"] is None and s["findings"] == []
    assert "no Go runtime trace found in this input" in render_text(s)


def test_a_restart_counts_runs_and_keeps_file_order() -> None:
    restart = A.replace("gc 10 @1.000s", "gc 1 @0.010s")
    s = summarize(model_of(A + "\n" + B + "\n" + restart + "\n"))
    assert s["cycles"]["segments"] == 2
    assert (s["cycles"]["first"], s["cycles"]["last"]) == (10, 1)  # file order, not min/max
    assert "2 runs" in render_text(s)


def test_scheddetail_gives_goroutines() -> None:
    s = summarize(load(str(GO119 / "schedtrace200_scheddetail1.stderr.txt")))
    assert s["cycles"]["count"] == 0 and s["pause_ms"]["p99"] is None
    g_lines = (GO119 / "schedtrace200_scheddetail1.stderr.txt").read_text().splitlines()
    per_snapshot: list[int] = []
    for line in g_lines:
        if line.startswith("SCHED"):
            per_snapshot.append(0)
        elif re.match(r"\s*G\d+:", line):
            per_snapshot[-1] += 1
    assert s["goroutines"] == {"max": max(per_snapshot), "last": per_snapshot[-1]}
    assert s["sched"]["snapshots"] == len(per_snapshot)
    assert "Goroutines     max" in render_text(s)


@pytest.mark.parametrize(
    "name",
    [
        "gctrace1_schedtrace200.stderr.txt",
        "gomemlimit48_gogcoff_gctrace1.stderr.txt",
        "gcpacertrace1_gctrace1.stderr.txt",
    ],
)
def test_numbers_match_an_independent_regex(name: str) -> None:
    text = (GO119 / name).read_text()
    rows = list(GC_LINE.finditer(text))
    s = summarize(load(str(GO119 / name)))
    assert s["cycles"]["count"] == len(rows)
    assert s["cycles"]["forced"] == text.count("(forced)")
    stw = [float(m["c1"]) + float(m["c3"]) for m in rows]
    assert s["pause_ms"]["p99"] == pytest.approx(percentile(stw, 99), abs=1e-3)
    assert s["pause_ms"]["p50"] == pytest.approx(percentile(stw, 50), abs=1e-3)
    assert s["pause_ms"]["max"] == pytest.approx(max(stw), abs=1e-3)
    # As the runtime counts it: every cycle's CPU but idle marking, over P x
    # the time from process start (these runs start at gc 1) to the end of
    # the last cycle (its start plus its three clock phases).
    assert rows[0]["n"] == "1" and len({m["procs"] for m in rows}) == 1
    used = sum(float(m["p1"]) + float(m["p2"]) + float(m["p3"]) + float(m["p5"]) for m in rows)
    last = rows[-1]
    end_ms = float(last["t"]) * 1000.0 + float(last["c1"]) + float(last["c2"]) + float(last["c3"])
    assert s["gc_cpu_pct"]["overall"] == pytest.approx(used / (end_ms * int(last["procs"])) * 100.0, abs=0.01)
    # ... which is the runtime's own figure: it printed int(that) on the last line.
    assert s["gc_cpu_pct"]["runtime_check"]["agrees"], s["gc_cpu_pct"]
    assert int(last["pct"]) - 1 <= s["gc_cpu_pct"]["overall"] < int(last["pct"]) + 1.5
    assert s["heap_peak_mb"] == max(int(m["h1"]) for m in rows)
    assert s["heap_live_mb"]["last"] == int(rows[-1]["live"])
    assert s["heap_goal_mb"]["max"] == max(int(m["goal"]) for m in rows)
    assert not math.isnan(s["interval_s"]["p50"])


def test_findings_carry_the_agreed_fields() -> None:
    s = summarize(load(str(GO119 / "gomemlimit48_gogcoff_gctrace1.stderr.txt")))
    assert s["findings"], "a GC storm under a tight memory limit must raise findings"
    for f in s["findings"]:
        assert {"id", "severity", "message", "first_cycle", "last_cycle", "advice"} <= f.keys()
        assert f["severity"] in ("info", "warning", "critical")
    text = render_text(s)
    assert all(f["title"] in text for f in s["findings"])
    assert max(len(line) for line in text.splitlines() if line.startswith("   ")) <= 130
