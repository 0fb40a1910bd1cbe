"""From source items to the model, in batches.

The feeder owns one :class:`parsers.stream.Parser` per stream (the runtime's
traces are on stderr; stdout is program output and must not be mistaken for a
continuation of a stderr record), applies what they produce to the model, and
keeps the model's line accounting as the sum of its parsers'. It is called
from one thread at a time; the app calls ``feed`` from its worker and
``flush``/``drain`` on a timer, the headless modes call it inline.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Callable, Sequence

from parsers.bulk import BulkParser, BulkResult, Ordered, plain_events
from parsers.events import LINE_KINDS, Event
from parsers.stream import Parser
from tui.ingest.by_source import SourceModels
from tui.model import Model
from tui.sources.samples import HTTPSample, ProcessSample
from tui.sources.base import Chunk, Ended, EnvUpdate, Item, Notice, Restart

# Events in the parser's order; a cycle the bulk path stored as columns comes
# as a StoredCycle marker (its numbers are in the model).
Listener = Callable[[Sequence[Ordered]], None]
# A live chunk this big is tried on the bulk path (about a hundred lines):
# below it the event parser's cost per chunk is already small.
LIVE_BULK_BYTES = 16 << 10


class Feeder:
    """Turns :mod:`tui.sources.base` items into model updates."""

    def __init__(self, model: Model, on_events: Listener | None = None, *, batch: bool = False) -> None:
        """``batch``: the input is read to its end before anyone looks
        (``report`` on a pipe or a .gz): bytes go through the bulk parser,
        which gives the same model as the event parser at a core's full
        speed, and the model is filled when the input ends."""
        self.model = model
        self.on_events = on_events
        self.batch = batch
        self.parsers: dict[str, Parser] = {}
        self.sources = SourceModels()  # a model per pod of a multi-pod stream
        self._bulk: dict[str, BulkParser] = {}
        self.notices: list[Notice] = []
        self.ended: Ended | None = None
        self._retired: dict[str, int] = dict.fromkeys(LINE_KINDS, 0)
        self._retired_lines = 0

    def resume(self, result: BulkResult, stream: str = "log") -> None:
        """Carry on after a bulk parse of the same input (a big file read on
        every core, then followed): line numbers and counts continue from
        ``result``, and a restart after it still shows (cycle numbers that
        go back from its last one)."""
        parser = Parser(stream=_stream_name(stream), first_line=result.lines + 1)
        parser.segment = self.model.segment
        parser.last_gc_n, parser.last_sched_ms = result.last_gc_n, result.last_sched_ms
        self.parsers[stream] = parser
        self._retired = {**dict.fromkeys(LINE_KINDS, 0), **result.counts}
        self._retired_lines = result.lines

    def feed(self, item: Item) -> None:
        """Take one item from a source."""
        if isinstance(item, Chunk):
            parser = self.parsers.get(item.stream)
            if parser is None:
                parser = self.parsers[item.stream] = Parser(stream=_stream_name(item.stream))
            if self.batch:
                bulk = self._bulk.get(item.stream)
                if bulk is None:
                    bulk = self._bulk[item.stream] = BulkParser(parser)
                bulk.feed(item.data)
                return
            if len(item.data) >= LIVE_BULK_BYTES:
                self._feed_big(parser, item.data)
            else:
                self._apply(parser.feed(item.data))
        elif isinstance(item, ProcessSample):
            self.model.add_process_sample(item)
        elif isinstance(item, HTTPSample):
            self.model.add_http_sample(item)
        elif isinstance(item, EnvUpdate):
            self._env(item)
        elif isinstance(item, Notice):
            self.notices.append(item)
            self.model.version += 1
        elif isinstance(item, Restart):
            self._restart(item)
        elif isinstance(item, Ended):
            self.close()
            self.ended = item
            env = self.model.env
            env.exit_status, env.exit_signal = item.exit_status, item.signal
            self.model.version += 1

    def _feed_big(self, parser: Parser, data: bytes) -> None:
        """A big live chunk (a program writing thousands of lines a second,
        a follower catching up): its whole lines through the bulk path when
        they are all plain, else through the parser as any chunk.

        The event parser costs 50-100 us a line, so at 20,000 lines a second
        it fell seconds behind, and the runner's lock is held while it
        parses. A chunk of plain lines becomes columns and rows at a few us
        a line; the model ends the same (:meth:`Model.apply_plain`) and
        listeners get the same events in the same order, the cycles as
        markers whose numbers are in the model
        (:func:`parsers.bulk.plain_events`, built only when someone listens).
        The first line goes to the parser when it completes a partial line
        or the parser holds a block (a SCHED line that may start a
        scheddetail block), which it usually closes."""
        if parser.pending_bytes or not parser.quiet:
            nl = data.find(b"\n")
            self._apply(parser.feed(data[: nl + 1] if nl >= 0 else data))
            if nl < 0:
                return
            data = data[nl + 1 :]
        end = data.rfind(b"\n") + 1
        body, tail = data[:end], data[end:]
        if body and parser.segment == self.model.segment:
            bulk = BulkParser(parser)
            gc_lines = bulk.take_plain(body)
            if gc_lines is not None:
                result = bulk.result()
                self.model.apply_plain(result, [line.decode("ascii") for line in gc_lines])
                if self.on_events is not None:
                    self.on_events(plain_events(result))
                self._apply([])  # the line counts
                body = b""
        if body or tail:
            self._apply(parser.feed(body + tail))

    def flush(self) -> None:
        """The input went quiet: release records waiting for a next line
        (in batch mode nothing is shown before the end: nothing to release)."""
        if self.batch:
            return
        for parser in self.parsers.values():
            self._apply(parser.flush())

    def close(self) -> None:
        """End of input on every stream."""
        for stream, bulk in list(self._bulk.items()):
            del self._bulk[stream]
            result = bulk.close()  # closes its parser too
            self.model.apply_bulk(result)
            self.sources.apply_bulk(result)
            if self.on_events is not None:
                self.on_events(result.events)
            self._apply([])  # counts: what came before a resume, plus this
        for parser in self.parsers.values():
            self._apply(parser.close())

    def _apply(self, events: list[Event]) -> None:
        if events:
            self.model.apply(events)
            self.sources.apply(events)
            if self.on_events is not None:
                self.on_events(events)
        counts = dict(self._retired)
        lines = self._retired_lines
        for parser in self.parsers.values():
            for kind, n in parser.counts.items():
                counts[kind] += n
            lines += parser.lines
        if lines != self.model.lines or events:
            self.model.set_counts(counts, lines)

    def _restart(self, item: Restart) -> None:
        """Close every parser and start fresh ones, keeping their counts and
        what reveals a restart of the program (cycle numbers going back)."""
        self.close()
        carried = {}
        for stream, parser in self.parsers.items():
            for kind, n in parser.counts.items():
                self._retired[kind] += n
            self._retired_lines += parser.lines
            fresh = Parser(stream=_stream_name(stream))
            fresh.segment, fresh.last_gc_n = parser.segment, parser.last_gc_n
            fresh.last_sched_ms = parser.last_sched_ms
            carried[stream] = fresh
        self.parsers = carried
        self.notices.append(Notice("warning", item.reason))
        self.model.version += 1

    def _env(self, item: EnvUpdate) -> None:
        env = self.model.env
        for f in fields(item):
            value = getattr(item, f.name)
            if value is not None:
                setattr(env, f.name, value)
        self.model.version += 1


def _stream_name(stream: str) -> str | None:
    """``log`` (a file or pipe mixing both streams) names no stream, as a
    bulk read of the same file does; ``stdout``/``stderr`` are kept."""
    return None if stream == "log" else stream
