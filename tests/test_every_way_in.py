"""Same input, same events: every way into gctui gives the same model.

The same bytes go in through ``export``, ``report``, ``open`` on the file,
standard input, a shell's ``<(cat log)``, a FIFO, and the runner the TUI
uses (newest cycles first, then the whole file). Each way is the real
command in a real process, except the TUI's, which is its runner without
a screen. Every way must give the same count of events of each kind and the
same cycles, field for field: a kind one way drops (``sched_detail`` once
was) or a line one way loses (the first lines of ``<(cat log)`` once were)
fails here.
"""

from __future__ import annotations

import collections
import gzip
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable

import pytest

from tui.cli.export import export_jsonl
from tui.ingest.inputs import open_input
from tui.ingest.runner import Runner

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
GO119 = DATA / "samples/go1.19"


def _logs(tmp: Path) -> dict[str, Path]:
    """The logs, by what makes them hard."""
    two_runs = tmp / "restart.log"
    one = (GO119 / "gctrace1_schedtrace200.stderr.txt").read_bytes()
    two_runs.write_bytes(one + one)  # the program was started again: cycle numbers go back
    prefixed = tmp / "prefixes.log"
    prefixed.write_bytes(b"".join((DATA / "samples/public" / name).read_bytes() for name in (
        "035-istio-istio-issue-14095-stern-pod-prefix.log", "021-golang-go-issue-68643-interleaved.log",
        "041-philipaconrad-blog-opa-gctrace-json-log.log")))
    crashed = tmp / "crash.log"  # a run that ends in a panic with every goroutine's stack
    crashed.write_bytes(one[:20_000].rpartition(b"\n")[0] + b"\n"
                        + (DATA / "crash/panic_GOTRACEBACK_all.stderr.txt").read_bytes())
    compressed = tmp / "scheddetail.log.gz"
    compressed.write_bytes(gzip.compress((GO119 / "schedtrace200_scheddetail1.stderr.txt").read_bytes()))
    return {
        "scheddetail": DATA / "sched/go1.19_panic_schedtrace1000_scheddetail1.stderr.txt",
        "restart": two_runs,
        "prefixes": prefixed,
        "crash": crashed,
        "gz": compressed,
    }


def _gctui(*args: str, stdin: bytes | None = None, shell: str | None = None) -> str:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if shell is not None:
        cmd: Any = ["bash", "-c", shell]
    else:
        cmd = [sys.executable, "-m", "tui", *args]
    out = subprocess.run(cmd, input=stdin, capture_output=True, cwd=ROOT, env=env, timeout=60)
    assert out.returncode == 0, out.stderr.decode()
    return out.stdout.decode()


def _export(path: Path) -> str:
    return _gctui("export", str(path), "--format", "jsonl")


def _open(path: Path) -> str:
    return _gctui("open", str(path), "--no-follow", "--jsonl")


def _stdin(path: Path) -> str:
    return _gctui("-", "--jsonl", stdin=path.read_bytes())


def _process_substitution(path: Path) -> str:
    return _gctui(shell=f'"{sys.executable}" -m tui open <(cat "{path}") --no-follow --jsonl')


def _fifo(path: Path) -> str:
    # Beside a temporary copy's name, never in tests/data: a FIFO left in the
    # tree blocks any tool that reads it (grep -r hangs on it).
    fifo = Path(tempfile.mkdtemp(prefix="gctui-fifo-")) / f"{path.name}.fifo"
    os.mkfifo(fifo)

    def write() -> None:
        with open(fifo, "wb") as w:  # blocks until gctui opens it for reading
            w.write(path.read_bytes())

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        return _gctui("open", str(fifo), "--jsonl")
    finally:
        writer.join(10)
        fifo.unlink()
        fifo.parent.rmdir()


def _tui_model(path: Path) -> str:
    """What the app's runner holds once the input ended, written as export would."""
    runner = Runner(log=open_input(str(path)), kind="file", follow=False, tail_first=True)
    runner.run()
    assert runner.failure is None
    out = io.StringIO()
    export_jsonl(runner.model, out)
    return out.getvalue()


WAYS: dict[str, Callable[[Path], str]] = {
    "open": _open, "stdin": _stdin, "process-substitution": _process_substitution,
    "fifo": _fifo, "tui-model": _tui_model,
}
CYCLE_KEYS = ("n", "t_s", "segment", "line_no", "stw_ms", "heap_live_mb", "heap_goal_mb", "procs",
              "interval_s", "gc_cpu")


def _summary(jsonl: str) -> tuple[dict[str, int], list[tuple[Any, ...]]]:
    rows = [json.loads(line) for line in jsonl.splitlines()]
    kinds = collections.Counter(r["kind"] for r in rows if r["kind"] != "end")
    cycles = [tuple(r[k] for k in CYCLE_KEYS) for r in rows if r["kind"] == "gc"]
    return dict(kinds), cycles


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _logs(tmp_path_factory.mktemp("ways"))


@pytest.fixture(scope="module")
def exported(logs: dict[str, Path]) -> dict[str, tuple[dict[str, int], list[tuple[Any, ...]]]]:
    return {name: _summary(_export(path)) for name, path in logs.items()}


@pytest.mark.parametrize("log", ["scheddetail", "restart", "prefixes", "crash", "gz"])
@pytest.mark.parametrize("way", sorted(WAYS))
def test_every_way_in_gives_the_same_events(way: str, log: str, logs: dict[str, Path],
                                            exported: dict[str, Any]) -> None:
    want_kinds, want_cycles = exported[log]
    kinds, cycles = _summary(WAYS[way](logs[log]))
    assert kinds == want_kinds
    assert cycles == want_cycles


def test_the_logs_hold_what_makes_them_hard(exported: dict[str, Any]) -> None:
    """So a way that loses a kind cannot pass by the kind being absent."""
    assert exported["scheddetail"][0]["sched_detail"] > 0 and exported["gz"][0]["sched_detail"] > 0
    assert exported["restart"][0]["segment"] == 1
    assert exported["crash"][0]["crash"] == 1
    assert exported["prefixes"][0]["gc"] > 0


@pytest.mark.parametrize("log", ["scheddetail", "restart", "prefixes", "crash", "gz"])
def test_report_counts_what_export_writes(log: str, logs: dict[str, Path], exported: dict[str, Any]) -> None:
    report = json.loads(_gctui("report", str(logs[log]), "--json"))
    kinds, cycles = exported[log]
    lines = report["lines"]
    assert report["cycles"]["count"] == len(cycles) == lines["gc"]
    assert report["cycles"]["segments"] == kinds.get("segment", 0) + 1
    for kind in ("sched", "sched_detail", "crash", "malformed"):
        assert lines[kind] >= kinds.get(kind, 0), kind  # a crash spans lines; each line is counted
