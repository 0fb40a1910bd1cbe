"""OpenMetrics of a multi-pod stream: a series per pod, not one per file.

A stern, ``kubectl logs --prefix`` or compose stream interleaves several
processes. ``export --format openmetrics`` and the live ``--metrics``
endpoint must both label each pod's series with its own ``source``, as
``report --json`` lists them in ``sources``; a sum over one label would
otherwise mix three processes' counters. Read back with prometheus_client's
own parsers, and checked against the captures' own gc line counts.
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

from scrape import metrics_url, scrape_until
from interleave import CAPTURES, SOURCE_NAMES, gc_count, interleaved

ROOT = Path(__file__).resolve().parent.parent
DEADLINE_S = 30.0


def _gctui(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=120)


def _cycles_by_source(families: Any) -> dict[str, float]:
    return {s.labels["source"]: s.value for f in families for s in f.samples
            if s.name == "gctui_gc_cycles_total"}


@pytest.mark.parametrize("style", sorted(SOURCE_NAMES))
def test_export_openmetrics_labels_each_pod(style: str, tmp_path: Path) -> None:
    log = tmp_path / f"{style}.log"
    log.write_bytes(interleaved(style))
    r = _gctui("export", str(log), "--format", "openmetrics")
    assert r.returncode == 0, r.stderr
    counts = _cycles_by_source(parse_openmetrics(r.stdout))
    expected = {name: gc_count(c) for name, c in zip(SOURCE_NAMES[style], CAPTURES)}
    assert counts == expected
    # The same names and counts as report --json's sources.
    report = json.loads(_gctui("report", "--json", str(log)).stdout)
    assert {s["name"]: s["cycles"]["count"] for s in report["sources"]} == expected
    # Every per-source family carries the pod's label, none the file's name.
    families = list(parse_openmetrics(r.stdout))
    labels = {s.labels.get("source") for f in families for s in f.samples}
    assert labels <= set(expected) and str(log) not in labels


def test_export_openmetrics_of_one_process_keeps_its_file_name(tmp_path: Path) -> None:
    log = tmp_path / "one.log"
    log.write_bytes((Path(__file__).parent / "data" / "samples" / "go1.19" / CAPTURES[0]).read_bytes())
    counts = _cycles_by_source(parse_openmetrics(_gctui("export", str(log), "--format", "openmetrics").stdout))
    assert counts == {str(log): gc_count(CAPTURES[0])}


def test_live_metrics_endpoint_labels_each_pod(tmp_path: Path) -> None:
    log = tmp_path / "stern.log"
    log.write_bytes(interleaved("stern"))
    expected = {name: gc_count(c) for name, c in zip(SOURCE_NAMES["stern"], CAPTURES)}
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "tui", "open", str(log), "--jsonl", "--metrics", "127.0.0.1:0"],
                            cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines: list[str] = []  # drained as it comes: a full pipe would stall gctui's writer
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout or ()), daemon=True)
    reader.start()
    try:
        scrape_until(metrics_url(proc), lambda text: _cycles_by_source(parse_text(text)) == expected, DEADLINE_S)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=DEADLINE_S)
        reader.join(DEADLINE_S)
    assert proc.returncode == 0
