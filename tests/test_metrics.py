"""Prometheus metrics: ``export --format openmetrics`` and ``--metrics HOST:PORT``.

Both are read back with prometheus_client's own parsers, so a malformed
exposition fails here; the cycle counter must equal the cycles read, and
the pause histogram must count every cycle once per phase.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_openmetrics
from prometheus_client.parser import text_string_to_metric_families as parse_text

from scrape import DEADLINE_S, metrics_url, scrape_until

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests/data/samples/go1.19/gctrace1_schedtrace200.stderr.txt"  # 307 cycles, 15 SCHED


def _gctui(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=60)


def _cycles(text: str) -> float | None:
    """The cycle counter of a scrape, None before the first cycle."""
    found = _samples(parse_text(text)).get("gctui_gc_cycles_total")
    return found[0].value if found else None


def _samples(families: Any) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for family in families:
        for s in family.samples:
            out.setdefault(s.name, []).append(s)
    return out


def test_export_openmetrics_parses_and_counts_every_cycle() -> None:
    r = _gctui("export", str(SAMPLE), "--format", "openmetrics")
    assert r.returncode == 0, r.stderr
    assert r.stdout.endswith("# EOF\n")
    samples = _samples(parse_openmetrics(r.stdout))
    (cycles,) = samples["gctui_gc_cycles_total"]
    assert cycles.value == 307 and cycles.labels == {"source": str(SAMPLE)}
    for phase in ("sweep_termination", "mark_termination"):
        count = [s for s in samples["gctui_gc_stw_pause_seconds_count"] if s.labels["phase"] == phase]
        assert count[0].value == 307
        inf = [s for s in samples["gctui_gc_stw_pause_seconds_bucket"]
               if s.labels["phase"] == phase and s.labels["le"] == "+Inf"]
        assert inf[0].value == 307
    report = json.loads(_gctui("report", str(SAMPLE), "--json").stdout)
    rows = [json.loads(x) for x in _gctui("export", str(SAMPLE)).stdout.splitlines()]
    stw_ms = sum(r["stw_sweep_term_ms"] + r["stw_mark_term_ms"] for r in rows if r["kind"] == "gc")
    total_stw_s = sum(s.value for s in samples["gctui_gc_stw_pause_seconds_sum"])
    assert total_stw_s == pytest.approx(stw_ms / 1000, rel=1e-4)
    (goal,) = samples["gctui_heap_goal_bytes"]
    assert goal.value == 51 << 20  # the last cycle's "51 MB goal"
    ids = {s.labels["id"] for s in samples["gctui_finding"]}
    assert ids == {f["id"] for f in report["findings"]}


def test_live_metrics_endpoint_while_a_file_is_followed(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(SAMPLE.read_bytes())
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "tui", "open", str(log), "--jsonl", "--metrics", "127.0.0.1:0"],
                            cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines: list[str] = []  # drained as it comes: a full pipe would stall gctui's writer (and its lock)
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout or ()), daemon=True)
    reader.start()
    try:
        url = metrics_url(proc)
        scrape_until(url, lambda text: _cycles(text) == 307)
        with open(log, "a") as w:  # the file grows: the counter follows
            last = next(x for x in reversed(SAMPLE.read_text().splitlines()) if x.startswith("gc 307 @"))
            w.write(last.replace("gc 307 @", "gc 308 @") + "\n")
        scrape_until(url, lambda text: _cycles(text) == 308)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=DEADLINE_S)
        reader.join(DEADLINE_S)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    assert sum(json.loads(x)["kind"] == "gc" for x in lines) == 308


@pytest.mark.go
def test_metrics_of_a_running_program(go_build: Any) -> None:
    """`gctui run --metrics`: a scrape while the Go program runs."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1", GOGC="50")
    proc = subprocess.Popen([sys.executable, "-m", "tui", "run", "--metrics", "127.0.0.1:0", "--report", "--",
                             str(go_build("steady")), "-duration", "30s"],
                            cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        def ready(text: str) -> bool:
            samples = _samples(parse_text(text))
            return (_cycles(text) or 0) >= 3 and "gctui_gc_cpu_ratio" in samples and "gctui_heap_live_bytes" in samples

        samples = _samples(parse_text(scrape_until(metrics_url(proc), ready)))
        cycles = samples["gctui_gc_cycles_total"][0].value
        count = [s for s in samples["gctui_gc_stw_pause_seconds_count"] if s.labels["phase"] == "mark_termination"]
        assert count[0].value == cycles
        assert 0 <= samples["gctui_gc_cpu_ratio"][0].value < 1
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=DEADLINE_S)
