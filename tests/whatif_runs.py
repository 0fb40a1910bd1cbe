"""Real runs of tests/go/pacer for the what-if and MMU checks (no pytest in here).

Shared by tests/test_whatif_go.py and tests/bench/bench_whatif.py: run the
workload under a GC setting, load its gctrace into a Model, and ask
``go tool trace`` (Go 1.19: its ``/mmuDetails`` JSON endpoint, the data behind
the MMU page, served on loopback) for the execution trace's own MMU.
"""

from __future__ import annotations

import json
import math
import os
import signal
import re
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path

from gorun import run_workload
from parsers.columns import MISSING_U16
from tui.analysis.whatif import Outcome, Setting, calibrate, predict
from tui.ingest.runner import load
from tui.model import Model

# One workload, several settings: an 8 MiB graph of small objects (plus its
# 1 MiB index) live, 160 MiB/s of garbage, 4 s, 2 Ps. The limits sit below
# what GOGC=100 (a heap goal near 22 MB) would use, so the limit sets the goal.
DURATION_S = 4.0
PACER_ARGS = ("-duration", f"{DURATION_S:g}s", "-live", "8", "-rate", "160")
SETTINGS: dict[str, tuple[str, str | None]] = {
    "GOGC=50": ("50", None),
    "GOGC=100": ("100", None),
    "GOGC=200": ("200", None),
    "GOGC=400": ("400", None),
    "GOGC=100 GOMEMLIMIT=26MiB": ("100", "26MiB"),
    "GOGC=off GOMEMLIMIT=28MiB": ("off", "28MiB"),
}
# utilFlags as the MMU page asks by default: system view, STW, background
# workers and mark assists (not sweeping).
MMU_FLAGS = "system|stw|background|assist"


@dataclass
class Run:
    """One run: the setting, the model of its gctrace, and its trace file if any."""

    label: str
    setting: Setting
    model: Model
    trace: Path | None
    alloc_rate: float = 0.0  # MiB/s the program allocated, as it counted
    stalled_ms: float = 0.0  # how long the machine kept it from its 2 ms ticks


def to_setting(gogc: str, memlimit: str | None) -> Setting:
    limit = float(memlimit.removesuffix("MiB")) if memlimit else None
    return Setting(None if gogc == "off" else float(gogc), limit)


def run_pacer(binary: Path, label: str, out_dir: Path, *, trace: bool = False,
              pacer_args: tuple[str, ...] = PACER_ARGS) -> Run:
    """Run the pacer workload under the setting named ``label`` (a key of
    SETTINGS); ``pacer_args`` (its flags) give it another shape."""
    gogc, memlimit = SETTINGS[label]
    trace_path = out_dir / (re.sub(r"\W+", "_", label) + ".trace") if trace else None
    args = pacer_args + (("-trace", str(trace_path)) if trace_path else ())
    result = run_workload(binary, args, gogc=gogc, gomemlimit=memlimit, gomaxprocs=2, timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"pacer {label} exited {result.returncode}: {result.stderr_text[-500:]}")
    log = out_dir / (re.sub(r"\W+", "_", label) + ".log")
    log.write_bytes(result.stderr)
    model = load(str(log))
    model.env.gogc = gogc
    model.env.gomemlimit_b = int(memlimit.removesuffix("MiB")) << 20 if memlimit else None
    done = re.search(r"allocated ([\d.]+) MiB in ([\d.]+) s, stalled ([\d.]+) ms", result.stdout_text)
    if not done:
        raise RuntimeError(f"pacer {label} did not say what it allocated: {result.stdout_text[-300:]}")
    rate = float(done.group(1)) / float(done.group(2))
    return Run(label, to_setting(gogc, memlimit), model, trace_path, rate, float(done.group(3)))


def steady_rows(model: Model) -> range:
    """The cycles after the live set is built (the first 5 are the build-up)."""
    return range(min(5, len(model.cycles)), len(model.cycles))


def cross_predict(runs: dict[str, Run], base: str) -> list[tuple[str, Outcome, Outcome]]:
    """From the run ``base``, the prediction for every other run next to what
    that run measured, at the base run's allocation rate.

    The model replays the base run's allocation; the workload allocates at a
    fixed rate, but a machine that stalls it for longer than the catch-up
    allows (tests/go/pacer) lowers a run's rate by a few %, and cycles per
    minute and GC CPU follow the rate. So those are scaled by the base rate
    over the run's own (as the program counted them); heap sizes are left as
    measured.
    """
    cal = calibrate(runs[base].model, steady_rows(runs[base].model))
    out = []
    for label, run in runs.items():
        k = runs[base].alloc_rate / run.alloc_rate if run.alloc_rate and runs[base].alloc_rate else 1.0
        m = calibrate(run.model, steady_rows(run.model)).observed
        measured = replace(m, cycles=m.cycles * k, cycles_per_min=m.cycles_per_min * k,
                           gc_cpu_pct=m.gc_cpu_pct * k, limit_cycles=m.limit_cycles * k)
        out.append((label, predict(cal, run.setting), measured))
    return out


def error(predicted: float, measured: float) -> float:
    """Relative error, predicted against measured."""
    return (predicted - measured) / measured if measured else math.inf


@dataclass(frozen=True)
class TraceMMU:
    """What ``go tool trace`` says of one trace: for each window asked for,
    its worst windows as (start ms from the trace's first event, mutator
    utilisation), worst first."""

    worst: dict[float, list[tuple[float, float]]]


def trace_mmu(trace: Path, windows_ms: list[float], go: str = "go", timeout: float = 120) -> TraceMMU:
    """The execution trace's worst windows of each length, from ``go tool
    trace``'s /mmuDetails (the table under the MMU page's plot): the worst
    window's own utilisation and where it is, not the plot's curve read
    between its points (a point or two off)."""
    env = dict(os.environ, BROWSER="true")  # browser.Open runs $BROWSER: a no-op
    with tempfile.TemporaryFile() as err:
        # `go tool trace` runs the trace tool as its own child: killing the go
        # command alone left the server running. Its own process group goes.
        proc = subprocess.Popen([go, "tool", "trace", "-http=127.0.0.1:0", str(trace)],
                                stdout=subprocess.DEVNULL, stderr=err, env=env, start_new_session=True)
        try:
            base = _wait_for_address(err, proc, timeout)
            worst = {}
            for window in windows_ms:
                url = f"{base}/mmuDetails?flags={MMU_FLAGS}&window={int(window * 1e6)}"
                with urllib.request.urlopen(url, timeout=timeout) as resp:
                    found = [(w["Time"] / 1e6, w["MutatorUtil"]) for w in json.load(resp) or []]
                if not found:
                    raise RuntimeError(f"go tool trace gave no worst {window:g} ms window for {trace}")
                worst[window] = sorted(found, key=lambda w: w[1])
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
    return TraceMMU(worst)


def unreported_gc(model: Model, start_ms: float, window_ms: float, utilisation: float, slack_ms: float = 2.0) -> float:
    """How much of a trace window's GC time gctrace does not report, as a
    share of the window's CPU (0..1).

    The window's GC time is what the trace counts, ``(1 - utilisation) x
    window x P``; gctrace reports, for every cycle whose phases come within
    ``slack_ms`` of the window (the ``@T`` stamp is whole ms; the trace's
    clock starts a fraction of a ms after the process's), its whole
    assist + background CPU plus its stop-the-world phases on every P. No
    estimate from gctrace can hold GC time beyond that in the window: it
    is the part of the trace's figure gctrace never printed (a worker the
    trace still counts as GC while it hands the mark over to mark
    termination, or a thread the OS descheduled mid-worker). ``start_ms``
    must be on the process's clock: Go 1.19's trace tool counts from the
    trace's first event, at the process's start (Go 1.22+'s counts from the
    monotonic clock, and every window would look unreported).
    """
    c = model.cycles.cols
    procs = float(max((p for p in c.procs if p not in (0, MISSING_U16)), default=1))
    reported = 0.0
    for i in range(len(c)):
        t0 = float(c.t_ms[i])
        parts = [float(c.stw_sweep_term_ms[i]), float(c.mark_ms[i]), float(c.stw_mark_term_ms[i])]
        if t0 - slack_ms > start_ms + window_ms or t0 + sum(parts) + slack_ms < start_ms:
            continue
        cpu = float(c.mark_assist_cpu_ms[i]) + float(c.mark_bg_cpu_ms[i])
        reported += cpu + (parts[0] + parts[2]) * procs
    gc = (1.0 - utilisation) * window_ms * procs
    return max(gc - reported, 0.0) / (window_ms * procs)


def _wait_for_address(err: "tempfile._TemporaryFileWrapper[bytes]", proc: subprocess.Popen[bytes], timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        err.seek(0)
        m = re.search(rb"listening on (http://127\.0\.0\.1:\d+)", err.read())
        if m:
            return m.group(1).decode()
        if proc.poll() is not None:
            err.seek(0)
            raise RuntimeError(f"go tool trace exited: {err.read().decode(errors='replace')[-500:]}")
        time.sleep(0.1)
    raise TimeoutError("go tool trace did not start serving")
