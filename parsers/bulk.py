"""The bulk path: whole files to columns, at the speed of the regex engine.

A 1 GB log holds about six million gc lines. Building an event object per
line would take a minute, so this path sweeps multi-megabyte chunks with
compiled patterns, keeps plain Go 1.6+ gc lines as numbers in columns and
plain output and SCHED lines as rows, and hands every other line (and any
line met while a block, such as a crash dump, is open) to the ordinary
:class:`Parser`, in order, so the result is exactly what feeding the same
bytes to ``Parser`` gives: property tests hold the two paths to that.

The parts: :mod:`parsers.bulk_stride` (the fastest sweep, for chunks whose
gc lines share one shape), :mod:`parsers.bulk_rows` (the line-by-line sweep
it falls back to), :mod:`parsers.gc_columns` (gc line text to columns),
:mod:`parsers.heads` (which lines may hold a record) and
:mod:`parsers.bulk_result` (what comes out). The sweeps use only the
parser's public bulk API (``quiet``, ``feed_line``, ``advance``,
``start_segment``, ``lines_seen``, ``max_line``, ``pending_bytes``).

Sans-I/O like the rest: :func:`parse_chunks` takes an iterable of byte
chunks; opening files and spreading work over cores is the caller's job
(see :mod:`tui.ingest.wholefile`).
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from typing import Iterable

from parsers.bulk_result import BulkResult
from parsers.bulk_stride import StrideSweep
from parsers.columns import COLUMNS, NAN
from parsers.events import Event
from parsers.gc_columns import FAST
from parsers.stream import Parser


class BulkParser(StrideSweep):
    """Feed big chunks; gc rows land in ``columns``, the rest in ``events``."""

    def __init__(self, parser: Parser | None = None, *, load_kernel: bool = True) -> None:
        super().__init__(parser, load_kernel=load_kernel)
        self._first_line = self.parser.lines_seen + 1
        self._partial = b""

    def feed(self, data: bytes) -> None:
        """Parse every complete line of ``data``; keep the tail for later."""
        end = data.rfind(b"\n")
        if end < 0:
            data = self._partial + data if self._partial else data
            self._partial = data
            if len(data) > self.parser.max_line * 4:
                self._slow(data)  # bounded memory: the parser's splitter caps it
                self._partial = b""
            return
        if self.parser.pending_bytes:
            whole = self._partial + data[: end + 1]
            self._partial = data[end + 1 :]
            self._slow(whole)  # an over-long line is still being cut
            return
        # One copy of a few MB, not three (join, cut, a newline in front).
        framed = b"".join((b"\n", self._partial, memoryview(data)[: end + 1]))
        self._partial = data[end + 1 :]
        self._chunk(framed)

    def close(self) -> BulkResult:
        """End of input."""
        if self._partial:
            self._slow(self._partial)
            self._partial = b""
        self._collect(self.parser.close())
        return self.result()

    def result(self) -> BulkResult:
        """What was parsed so far, the parser left open (a live reader
        applies each chunk it took with :meth:`take_plain` this way)."""
        p = self.parser
        return BulkResult(
            columns=self.columns,
            records=self.events,
            output=self.output,
            sched=self.sched,
            output_pos=self.output_pos,
            sched_pos=self.sched_pos,
            counts=dict(p.counts),
            lines=p.lines,
            segments=p.segment + 1,
            first_line=self._first_line,
            last_gc_n=p.last_gc_n,
            last_sched_ms=p.last_sched_ms,
            sourced=self.sourced,
        )

    def _slow(self, data: bytes) -> None:
        self._collect(self.parser.feed(data))


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredCycle:
    """Where a plain gc line stands among a chunk's events when the bulk path
    kept it as a row of columns (:meth:`BulkParser.take_plain`), not as a
    :class:`GCCycle`: its numbers are in ``BulkResult.columns`` (and, once
    applied, in the model's store). A listener that writes cycles takes them
    from there; building the event only for it to be counted cost a fifth of
    ``--jsonl``'s CPU at 20,000 cycles a second."""

    line_no: int


Ordered = Event | StoredCycle  # an event, or a stored cycle in its place


def plain_events(result: BulkResult) -> list[Ordered]:
    """The events the parser would have given for a chunk that
    :meth:`BulkParser.take_plain` took, in the parser's order (each line
    makes its event at once, so that is the lines' order): its output and
    SCHED events, and a :class:`StoredCycle` where each cycle was."""
    keyed: list[tuple[int, Ordered]] = [(n, StoredCycle(line_no=n)) for n in result.columns.line_no]
    keyed.extend(zip(result.output.line_no, result.output))
    keyed.extend(zip(result.sched.line_no, result.sched))
    keyed.sort(key=itemgetter(0))
    return [event for _, event in keyed]


def parse_chunks(chunks: Iterable[bytes]) -> BulkResult:
    """Parse a whole input given as byte chunks (a few MB each is best)."""
    bulk = BulkParser()
    for chunk in chunks:
        bulk.feed(chunk)
    return bulk.close()


__all__ = ["BulkParser", "BulkResult", "FAST", "parse_chunks", "plain_events", "COLUMNS", "Ordered", "StoredCycle", "NAN"]
