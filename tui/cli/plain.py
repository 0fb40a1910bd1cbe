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
from tui.analysis.windows import windows
from tui.cli.headless import run_headless
from tui.ingest.runner import Runner
from tui.model import Model
from tui.model.gccpu import span


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
        self.out.write(status_line(model, self.engine.thresholds) + "\n")
        for finding in self.engine.update(model):
            key = (finding.id, finding.segment)
            if key in self.seen or finding.severity == "info":
                continue
            self.seen.add(key)
            self.out.write(f"  {finding.severity.upper():8} {finding.title}: {finding.message}\n")
        self.out.flush()


def status_line(model: Model, thresholds: Thresholds | None = None) -> str:
    """One line on the newest state of the program; GC CPU over the newest
    findings window (the figure gc-cpu-high judges)."""
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
            parts.append(f"live {c.heap_live_mb} MB, last goal {c.heap_goal_mb} MB")
        # The findings' newest window, measured as they measure it.
        th = thresholds or Thresholds()
        rows = next(windows(store.cols.t_ms, range(*store.segment_range(store.cols.segment[i])),
                            th.window_s, th.window_cycles, False, False), range(0))
        share = span(store, rows, window=True).share if len(rows) > 1 else None
        if share is not None:
            parts.append(f"GC CPU {100 * share:.1f}%")
    else:
        parts.append("waiting for the first GC cycle")
    snap = model.latest_sched()
    if snap is not None and snap.goroutines is not None:
        parts.append(f"{snap.goroutines} goroutines (runtime's included)")
    parts.append(f"{model.lines} lines")
    return "  ".join(parts)
