"""Many pods in one stream: each source its own model, runs told apart within it.

Three real Go 1.19 captures, prefixed the way stern, ``kubectl logs
--prefix`` and docker compose write pod lines, interleaved line by line
(:mod:`interleave`): each pod must come out with its capture's cycles and
one run, and the whole stream with no restart either, whichever way the
bytes come in (the event parser, the bulk parser, ``report``, stdin, the
runner the TUI uses).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from interleave import CAPTURES, FORMATS, SOURCE_NAMES, gc_count, interleaved
from parsers.bulk import parse_chunks
from parsers.events import GCCycle, Segment
from parsers.prefixes import analyse
from parsers.stream import parse_bytes
from tui.ingest.inputs import open_input
from tui.ingest.many import load_many, source_name
from tui.ingest.runner import Runner

ROOT = Path(__file__).resolve().parent.parent
STYLES = list(FORMATS)
EXPECTED = [gc_count(c) for c in CAPTURES]


@pytest.mark.parametrize(
    "prefix,source",
    [
        ("api-1 app ", "api-1 app"),
        ("api-1 app 2024-05-01T10:00:00.5Z ", "api-1 app"),
        ("[pod/api-1/app] ", "pod/api-1/app"),
        ("api-1  | ", "api-1"),
        ("api_1  | ", "api_1"),
        ("error: it broke | ", None),
        ("2024-05-01T10:00:00Z ", None),
    ],
    ids=["stern", "stern-timestamps", "kubectl-prefix", "compose-v2", "compose-v1", "program-text", "time-only"],
)
def test_prefix_names_the_source(prefix: str, source: str | None) -> None:
    assert analyse(prefix)[1] == source


@pytest.mark.parametrize("style", STYLES)
def test_event_parser_counts_runs_per_source(style: str) -> None:
    events, _ = parse_bytes(interleaved(style))
    by_source: dict[str | None, int] = {}
    for e in events:
        if isinstance(e, GCCycle):
            by_source[e.meta.source] = by_source.get(e.meta.source, 0) + 1
    assert by_source == dict(zip(SOURCE_NAMES[style], EXPECTED))
    assert not [e for e in events if isinstance(e, Segment)]


def test_a_restart_within_one_pod_is_still_a_restart() -> None:
    one = interleaved("stern", limit=60)
    events, parser = parse_bytes(one + one)  # every pod started again
    segments = [e for e in events if isinstance(e, Segment)]
    assert sorted(s.source for s in segments if s.source) == sorted(SOURCE_NAMES["stern"])
    assert all("went back" in s.reason for s in segments)


def test_bulk_parse_keeps_named_cycles() -> None:
    data = interleaved("kubectl")
    result = parse_chunks([data[i:i + 65536] for i in range(0, len(data), 65536)])
    assert result.cycles == sum(EXPECTED) and result.segments == 1
    assert len(result.sourced) == sum(EXPECTED)


def _check(whole: object, sources: dict, style: str) -> None:
    assert list(sources) == SOURCE_NAMES[style]
    assert [len(m.cycles) for m in sources.values()] == EXPECTED
    assert [len(m.segments) for m in sources.values()] == [1, 1, 1]
    assert len(whole.segments) == 1 and len(whole.cycles) == sum(EXPECTED)  # type: ignore[attr-defined]


@pytest.mark.parametrize("style", STYLES)
def test_runner_gives_a_model_per_source(style: str, tmp_path: Path) -> None:
    """The TUI's way: a file loaded whole, then followed (here: to its end)."""
    log = tmp_path / f"{style}.log"
    log.write_bytes(interleaved(style))
    runner = Runner(log=open_input(str(log)), kind="file", follow=False, tail_first=True)
    runner.run()
    assert runner.failure is None
    _check(runner.model, runner.sources, style)
    runner.choose(SOURCE_NAMES[style][1])
    assert runner.shown() is runner.sources[SOURCE_NAMES[style][1]]


def test_live_stream_gives_a_model_per_source() -> None:
    """The live way: chunks as a pipe delivers them, through the event parser."""
    from tui.ingest.feed import Feeder
    from tui.model import Model
    from tui.sources.base import Chunk

    feeder = Feeder(Model())
    data = interleaved("stern")
    for i in range(0, len(data), 4096):
        feeder.feed(Chunk("log", data[i:i + 4096]))
    feeder.close()
    _check(feeder.model, feeder.sources.models, "stern")


def test_several_files_are_several_sources(tmp_path: Path) -> None:
    from interleave import SAMPLES

    names = [str(SAMPLES / c) for c in CAPTURES]
    whole, sources = load_many(names)
    assert [len(m.cycles) for m in sources.values()] == EXPECTED
    assert len(whole.cycles) == sum(EXPECTED) and len(whole.segments) == 1
    assert source_name("/var/log/pods/prod_api-1_0c5b2f6e-1111-2222-3333-444455556666/app/0.log") == "api-1/app"


def _report(*args: str, stdin: bytes | None = None) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-m", "tui", "report", "--json", *args], input=stdin,
                         capture_output=True, cwd=ROOT, env=env, timeout=120)
    assert out.returncode == 0, out.stderr.decode()
    return json.loads(out.stdout)


@pytest.mark.parametrize("way", ["file", "stdin"])
def test_report_json_lists_the_sources(way: str, tmp_path: Path) -> None:
    data = interleaved("stern")
    log = tmp_path / "stern.log"
    log.write_bytes(data)
    summary = _report("-", stdin=data) if way == "stdin" else _report(str(log))
    assert summary["cycles"]["count"] == sum(EXPECTED) and summary["cycles"]["segments"] == 1
    names = [s["name"] for s in summary["sources"]]
    assert names == SOURCE_NAMES["stern"]
    for entry, expected in zip(summary["sources"], EXPECTED):
        assert entry["cycles"]["count"] == expected and entry["cycles"]["segments"] == 1
        assert {"pause_ms", "gc_cpu_pct", "findings", "heap_live_mb", "lines"} <= entry.keys()


def test_whole_stream_figures_pool_the_sources(tmp_path: Path) -> None:
    """The top level of an interleaved stream must not read the pods' cycles
    as one process: its GC CPU is the pods' GC CPU over the CPU they were
    offered (so between the smallest and largest pod's), its intervals are
    the pods' own, and its findings are the pods' findings, each naming its
    pod. Read as one process the same bytes gave 24.5 % GC CPU (every pod
    is under 10 %) and "GC runs too often" for a pod that does not."""
    log = tmp_path / "stern.log"
    log.write_bytes(interleaved("stern"))
    summary = _report(str(log))
    pods = summary["sources"]
    cpus = [p["gc_cpu_pct"]["overall"] for p in pods]
    assert min(cpus) <= summary["gc_cpu_pct"]["overall"] <= max(cpus)
    assert summary["pooled_from_sources"] == 3
    assert summary["cycles_per_min"] == pytest.approx(sum(p["cycles_per_min"] for p in pods), abs=0.05)
    p50s = [p["interval_s"]["p50"] for p in pods]
    assert min(p50s) <= summary["interval_s"]["p50"] <= max(p50s)
    assert summary["mmu_10ms_pct"] == min(p["mmu_10ms_pct"] for p in pods)
    expected = sorted((p["name"], f["id"]) for p in pods for f in p["findings"])
    assert sorted((f["source"], f["id"]) for f in summary["findings"]) == expected


def test_text_report_has_a_line_per_source(tmp_path: Path) -> None:
    log = tmp_path / "kubectl.log"
    log.write_bytes(interleaved("kubectl"))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-m", "tui", "report", str(log)], capture_output=True,
                         cwd=ROOT, env=env, timeout=120, text=True)
    assert out.returncode == 0, out.stderr
    lines = [line for line in out.stdout.splitlines() if line.startswith("  pod/")]
    assert len(lines) == 3 and all("cycles" in line and "p99 STW" in line for line in lines)


def test_a_one_process_log_has_no_sources(tmp_path: Path) -> None:
    from interleave import SAMPLES

    summary = _report(str(SAMPLES / CAPTURES[0]))
    assert summary["sources"] == []


def test_metrics_label_each_pod(tmp_path: Path) -> None:
    from tui.analysis.findings import evaluate
    from tui.cli.live import _models
    from tui.cli.metrics import ModelCollector

    log = tmp_path / "stern.log"
    log.write_bytes(interleaved("stern"))
    runner = Runner(log=open_input(str(log)), kind="file", follow=False)
    runner.run()
    collector = ModelCollector(lambda: _models(runner), lambda _, m: evaluate(m), lock=runner.lock)
    cycles = next(f for f in collector.collect() if f.name == "gctui_gc_cycles")
    got = {s.labels["source"]: s.value for s in cycles.samples if s.name == "gctui_gc_cycles_total"}
    assert got == dict(zip(SOURCE_NAMES["stern"], EXPECTED))
