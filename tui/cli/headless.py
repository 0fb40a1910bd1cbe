"""The runner without a screen: ``--jsonl``, ``--report``, ``--plain``.

The runner reads in its own thread; this thread waits for it, ticks the
plain view once a second, and turns Ctrl-C, SIGTERM, SIGHUP and a closed
terminal (:mod:`tui.ingest.ending`) into a clean stop: the source is told to
stop (a program is killed, with its process group), what was already read is
parsed to the end, the ``end`` record and the report are written, and the
exit status is 0.
"""

from __future__ import annotations

import json
import sys
import threading
from typing import Any, Callable, Sequence, TextIO

from tui.analysis.report import render_text, summarize
from tui.analysis.thresholds import Thresholds
from tui.cli.jsonl import JsonlWriter
from tui.ingest.ending import Ending
from tui.ingest.runner import Runner
from tui.model import Model
from tui.sources.base import Item, Notice

TICK_S = 1.0


class NoticePrinter:
    """A source's notices (a rotation, a hint on enabling tracing) on stderr."""

    def __init__(self, err: TextIO) -> None:
        self.err = err

    def loaded(self, model: Model) -> None:
        pass

    def events(self, events: Sequence[Any]) -> None:
        pass

    def item(self, item: Item) -> None:
        if isinstance(item, Notice):
            text = item.text if item.text.startswith("gctui:") else f"gctui: {item.text}"
            print(text, file=self.err, flush=True)


def run_headless(runner: Runner, *, jsonl: bool = False, report: bool = False, as_json: bool = False,
                 thresholds: Thresholds | None = None, out: TextIO = sys.stdout, err: TextIO = sys.stderr,
                 on_tick: Callable[[Model], None] | None = None) -> int:
    """Run to the end of the input (or a signal); return the exit status.
    ``on_tick`` is called with the model, under its lock, about once a second."""
    runner.subscribe(NoticePrinter(err))
    writer = None
    if jsonl:
        writer = JsonlWriter(runner, out, lambda e: runner.close())
        runner.subscribe(writer)
    thread = threading.Thread(target=runner.run, name="gctui-source", daemon=True)
    with Ending(runner.close):
        try:
            thread.start()
            while not runner.done.wait(TICK_S if on_tick is not None else 0.25):
                if on_tick is not None:
                    with runner.lock:
                        on_tick(runner.model)
        finally:
            runner.close()
            thread.join(timeout=10)
        if runner.failure is not None:
            raise runner.failure  # the source could not run: its error, nothing else
        if writer is not None and writer.failed is not None:
            print(f"gctui: cannot write the output: {writer.failed.strerror or writer.failed}", file=err)
            return 2  # as every output error (tui.cli.streams)
        if report:
            _print_report(runner, thresholds or Thresholds(), as_json, out)
        out.flush()
    return 0


def _print_report(runner: Runner, thresholds: Thresholds, as_json: bool, out: TextIO) -> None:
    summary = summarize(runner.model, thresholds, source=runner.source.description)
    ended = runner.ended
    summary["ended"] = None if ended is None else {
        "reason": ended.reason, "exit_status": ended.exit_status, "signal": ended.signal}
    if as_json:
        out.write(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(render_text(summary) + "\n")
        if ended is not None:
            out.write(f"Ended          {ended.reason}\n")
