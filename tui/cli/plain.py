"""A live view in plain text, for terminals (and pipes) without the full UI.

Once a second: one status line (cycles, the last pause, heap live/goal, GC
CPU over the last window, goroutines); every new finding as it appears, with
its explanation; the full report when the source ends. Program output is
not echoed here (``--jsonl`` carries it), so the view stays readable.
"""

from __future__ import annotations

import sys
from typing import TextIO

from tui.analysis.findings import FindingsEngine
from tui.analysis.thresholds import Thresholds
from tui.cli.headless import run_headless
from tui.ingest.runner import Runner
from tui.model import Model


class PlainView:
    """Follow a runner's input, printing what changes."""

    def __init__(self, runner: Runner, *, thresholds: Thresholds | None = None,
                 out: TextIO = sys.stdout) -> None:
        self.runner = runner
        self.out = out
        self.thresholds = thresholds or Thresholds()
        self.engine = FindingsEngine(self.thresholds)
        self.seen: set[tuple[str, int]] = set()
        self._loading: float | None = None
        print(f"gctui: watching {runner.source.description} (Ctrl-C to stop)", file=out, flush=True)

    def run(self) -> int:
        return run_headless(self.runner, report=True, thresholds=self.thresholds, out=self.out,
                            on_tick=self._tick)

    def _tick(self, model: Model) -> None:
        loading = self.runner.loading
        if loading is not None:
            if loading != self._loading:
                self._loading = loading
                print(f"gctui: loaded {loading * 100:.0f}% of {self.runner.source.description}",
                      file=sys.stderr, flush=True)
            if not len(model.cycles):
                return
        self.out.write(status_line(model) + "\n")
        for finding in self.engine.update(model):
            key = (finding.id, finding.segment)
            if key in self.seen or finding.severity == "info":
                continue
            self.seen.add(key)
            self.out.write(f"  {finding.severity.upper():8} {finding.title}: {finding.message}\n")
        self.out.flush()


def status_line(model: Model) -> str:
    """One line on the newest state of the program."""
    store = model.cycles
    parts: list[str] = []
    if len(store):
        i = len(store) - 1
        c = store.cycle(i)
        parts.append(f"gc {c.n}")
        if c.t_s is not None:
            parts.append(f"@{c.t_s:.1f}s")
        if c.stw_ms is not None:
            parts.append(f"pause {c.stw_ms:.3g} ms")
        if c.heap_live_mb is not None and c.heap_goal_mb is not None:
            parts.append(f"live {c.heap_live_mb} MB, goal {c.heap_goal_mb} MB")
        # Over the last 50 cycles, each weighted by its interval.
        window = range(max(0, i - 49), i + 1)
        pairs = [(store.gc_cpu[j], store.interval_s[j]) for j in window]
        span = sum(dt for cpu, dt in pairs if cpu == cpu and dt == dt)
        if span > 0:
            used = sum(cpu * dt for cpu, dt in pairs if cpu == cpu and dt == dt)
            parts.append(f"GC CPU {100 * used / span:.1f}%")
    else:
        parts.append("waiting for the first GC cycle")
    snap = model.latest_sched()
    if snap is not None and snap.goroutines is not None:
        parts.append(f"{snap.goroutines} goroutines")
    parts.append(f"{model.lines} lines")
    return "  ".join(parts)
