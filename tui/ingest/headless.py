"""Run any source without the UI: ``--jsonl`` streams events, ``--report``
prints the summary when the source ends.

The source runs in a thread and hands items over a queue; this thread feeds
them to the model, writes JSON lines as events arrive, and turns Ctrl-C or
SIGTERM into a clean stop: the source is told to stop, what it already read
is parsed to the end, the output is flushed, and the exit status is 0.
"""

from __future__ import annotations

import json
import queue
import signal
import sys
import threading
import time
from typing import Any, Callable, TextIO

from parsers.events import Event, GCCycle
from tui.cli.export import cycle_objects, event_object, export_jsonl
from tui.ingest.feed import Feeder
from tui.model import Model
from tui.analysis.report import render_text, summarize
from tui.sources.base import Ended, Item, Notice, Source
from tui.analysis.thresholds import Thresholds

IDLE_S = 0.1  # a quiet input for this long releases records waiting for a next line


class Headless:
    """One headless session over one source."""

    def __init__(
        self,
        source: Source,
        *,
        jsonl: bool = False,
        report: bool = False,
        as_json: bool = False,
        thresholds: Thresholds | None = None,
        out: TextIO = sys.stdout,
        err: TextIO = sys.stderr,
        on_tick: Callable[[Model], None] | None = None,
        feeder: Feeder | None = None,
    ) -> None:
        """``on_tick`` is called with the model about once a second (a live
        view). ``feeder`` carries on from a model already loaded (a big file
        read in bulk, then followed); its events come out first."""
        self.source = source
        self.jsonl, self.report, self.as_json = jsonl, report, as_json
        self.thresholds = thresholds or Thresholds()
        self.out, self.err = out, err
        self.feeder = feeder or Feeder(Model())
        self.model = self.feeder.model
        self.model.env.description = self.model.env.description or source.description
        if jsonl:
            self.feeder.on_events = self._events
        self.stop = threading.Event()
        self._items: queue.Queue[Item | None] = queue.Queue(maxsize=1024)
        self._cycles_written = 0
        self._failure: BaseException | None = None
        self.on_tick = on_tick
        self._next_tick = 0.0

    def run(self) -> int:
        """Run to the end of the source (or a signal); return the exit status."""
        if self.jsonl and (len(self.model.cycles) or self.model.lines):
            export_jsonl(self.model, self.out)  # what was loaded before following
            self._cycles_written = len(self.model.cycles)
        thread = threading.Thread(target=self._produce, name="gctui-source", daemon=True)
        previous = _install_signals(self.stop)
        try:
            thread.start()
            self._consume()
        finally:
            _restore_signals(previous)
            self.stop.set()
            thread.join(timeout=10)
        if self._failure is not None:
            raise self._failure  # the source could not run: its error, nothing else
        self.feeder.close()
        if self.jsonl:
            self._write_new_cycles()
            ended = self.feeder.ended
            if ended is not None:
                self._write({"kind": "end", "reason": ended.reason,
                             "exit_status": ended.exit_status, "signal": ended.signal})
        if self.report:
            self._print_report()
        self.out.flush()
        return 0

    def _produce(self) -> None:
        try:
            self.source.run(self._put, self.stop)
        except BaseException as e:  # surfaced in run(), after the output is flushed
            self._failure = e
        finally:
            self._items.put(None)

    def _put(self, item: Item) -> None:
        while not self.stop.is_set():
            try:
                self._items.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def _consume(self) -> None:
        while True:
            self._tick()
            try:
                item = self._items.get(timeout=IDLE_S)
            except queue.Empty:
                self.feeder.flush()
                continue
            if item is None:
                return
            if isinstance(item, Notice):
                print(f"gctui: {item.text}", file=self.err)
            self.feeder.feed(item)
            if isinstance(item, Ended):
                return

    def _tick(self) -> None:
        if self.on_tick is not None and time.monotonic() >= self._next_tick:
            self._next_tick = time.monotonic() + 1.0
            self.on_tick(self.model)

    def _events(self, events: list[Event]) -> None:
        """Write JSON lines in the order the parser gave them; a cycle comes
        from the model (with its derived numbers), the model having stored
        the batch's cycles in the same order."""
        for event in events:
            if isinstance(event, GCCycle):
                self._write_cycles(self._cycles_written + 1)
            else:
                self._write(event_object(event))

    def _write_new_cycles(self) -> None:
        self._write_cycles(len(self.model.cycles))

    def _write_cycles(self, upto: int) -> None:
        upto = min(upto, len(self.model.cycles))
        if upto > self._cycles_written:
            for obj in cycle_objects(self.model, self._cycles_written, upto):
                self._write(obj)
            self._cycles_written = upto

    def _write(self, obj: dict[str, Any]) -> None:
        self.out.write(json.dumps(obj, separators=(",", ":"), ensure_ascii=False) + "\n")

    def _print_report(self) -> None:
        summary = summarize(self.model, self.thresholds, source=self.source.description)
        ended = self.feeder.ended
        summary["ended"] = None if ended is None else {
            "reason": ended.reason, "exit_status": ended.exit_status, "signal": ended.signal}
        if self.as_json:
            self.out.write(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
        else:
            self.out.write(render_text(summary) + "\n")
            if ended is not None:
                self.out.write(f"Ended          {ended.reason}\n")


def _install_signals(stop: threading.Event) -> dict[int, Any]:
    """Ctrl-C and SIGTERM stop the source cleanly instead of killing us."""
    previous: dict[int, Any] = {}
    if threading.current_thread() is not threading.main_thread():
        return previous
    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.signal(sig, lambda *_: stop.set())
    return previous


def _restore_signals(previous: dict[int, Any]) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)
