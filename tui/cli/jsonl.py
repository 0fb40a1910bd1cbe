"""``--jsonl``: every event as one JSON line, the moment it is parsed.

A :class:`~tui.ingest.runner.Subscriber` of the runner, so it sees exactly
what every other front end sees. It writes the same kinds with the same
fields as ``gctui export`` (both take their objects and their cycles' JSON
text from :mod:`tui.cli.export`): what a loaded file already held, then every event
in the order the parser gave it, the samples gctui takes of the program
(``process``, ``expvar``, ``pprof_goroutine``), and an ``end`` record when
the input ends or gctui is stopped.

A cycle is written from the model, not the event, so that it carries its
derived numbers (interval, allocation rate, GC CPU), exactly as ``export``.
An output error (a full disk, a closed pipe) stops the runner: there is no
one left to write for.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Sequence, TextIO

from parsers.bulk import Ordered, StoredCycle
from parsers.events import GCCycle
from tui.cli.export import cycle_json, event_object, export_jsonl, sample_objects
from tui.ingest.runner import Runner
from tui.model import Model
from tui.sources.base import Ended, Item
from tui.sources.samples import HTTPSample, ProcessSample

# A cycle: parsed into an event, or stored by the bulk path as columns.
_CYCLE_TYPES = (GCCycle, StoredCycle)


def _is_cycle(event: object) -> bool:
    return isinstance(event, _CYCLE_TYPES)


# json.dumps with arguments builds an encoder per call.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


class JsonlWriter:
    """Writes a runner's events to ``out`` as JSON lines."""

    def __init__(self, runner: Runner, out: TextIO, on_error: Callable[[OSError], None]) -> None:
        self.runner = runner
        self.out = out
        self.on_error = on_error
        self.failed: OSError | None = None
        self._written = 0  # cycles of the model written so far

    # -- Subscriber -----------------------------------------------------------------

    def loaded(self, model: Model) -> None:
        self._guard(lambda: export_jsonl(model, self.out))
        self._written = len(model.cycles)

    def events(self, events: Sequence[Ordered]) -> None:
        def write() -> None:
            # The batch's cycles come from the model in one go (a column
            # slice per field per call: one call per cycle cost ~70 us and
            # fell seconds behind at 20,000 cycles a second), then are
            # written in their places among the other events: the batch as
            # one string, one write and a flush, so a reader downstream gets
            # each batch when it is parsed (a pipe's buffer would otherwise
            # hold the last few KB until more come, at a slow program's pace)
            # and the output stream's cleaning runs once per batch.
            count = sum(map(_is_cycle, events))
            model = self.runner.model
            upto = min(self._written + count, len(model.cycles))
            cycles = cycle_json(model, self._written, upto) if upto > self._written else iter(())
            encode = _ENCODER.encode
            lines: list[str] = []
            for event in events:
                if _is_cycle(event):
                    row = next(cycles, None)
                    if row is not None:
                        lines.append(row[1])
                        self._written += 1
                else:
                    lines.append(encode(event_object(event)))
            if lines:
                lines.append("")
                self.out.write("\n".join(lines))
                self.out.flush()
        self._guard(write)

    def item(self, item: Item) -> None:
        if isinstance(item, (ProcessSample, HTTPSample)):
            self._guard(lambda: self._write_all(sample_objects(item)))
        elif isinstance(item, Ended):
            def end() -> None:
                self._cycles(len(self.runner.model.cycles))
                self._write({"kind": "end", "reason": item.reason, "exit_status": item.exit_status,
                             "signal": item.signal})
                self.out.flush()
            self._guard(end)

    # -- inside ---------------------------------------------------------------------

    def _cycles(self, upto: int) -> None:
        model = self.runner.model
        upto = min(upto, len(model.cycles))
        if upto > self._written:
            for _, text in cycle_json(model, self._written, upto):
                self.out.write(text + "\n")
            self._written = upto

    def _write_all(self, objs: list[dict[str, Any]]) -> None:
        for obj in objs:
            self._write(obj)

    def _write(self, obj: dict[str, Any]) -> None:
        self.out.write(_ENCODER.encode(obj) + "\n")

    def _guard(self, write: Callable[[], object]) -> None:
        if self.failed is not None:
            return
        try:
            write()
        except OSError as e:  # BrokenPipeError included
            self.failed = e
            self.on_error(e)
