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

from itertools import repeat
from operator import itemgetter
from typing import Any, Iterable

from parsers import gctrace

from parsers.bulk_result import BulkResult
from parsers.bulk_stride import StrideSweep
from parsers.columns import COLUMNS, NAN
from parsers.events import Event, GCCycle, LineMeta
from parsers.gc_columns import stride_fields
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


def plain_events(result: BulkResult, gc_text: list[bytes]) -> list[Event]:
    """The events the parser would have given for a chunk that
    :meth:`BulkParser.take_plain` took (each line makes its event at once,
    so the parser's order is the lines' order): its cycles, output and
    SCHED events."""
    keyed: list[tuple[int, Event]] = list(zip(result.columns.line_no, _cycles(result, gc_text)))
    keyed.extend(zip(result.output.line_no, result.output))
    keyed.extend(zip(result.sched.line_no, result.sched))
    keyed.sort(key=itemgetter(0))
    return [event for _, event in keyed]


def _cycles(result: BulkResult, gc_text: list[bytes]) -> list[GCCycle]:
    """The cycles of plain gc lines as the parser builds them (the GO118 and
    GO16 builders convert the same substrings with the same int()/float()),
    from one split of them all: a third of the cost of matching each line,
    and what --jsonl pays per cycle while a program writes thousands."""
    stream = result.output.stream
    line_nos = result.columns.line_no
    split = stride_fields(gc_text)
    if split is None:  # Go 1.6 and 1.18 lines mixed: each line its own way
        out = []
        for line_no, raw in zip(line_nos, gc_text):
            text = raw.decode("ascii")
            cycle = gctrace.plain_cycle(text, LineMeta(line_no=line_no, raw=text, stream=stream))
            assert cycle is not None, text  # the sweeps take no line GO118/GO16 refuse
            out.append(cycle)
        return out
    fields, forced = split
    era = "go1.6" if fields[15] is None else "go1.18"  # no stacks before Go 1.18
    none: Iterable[Any] = repeat(None)
    cols: list[Iterable[Any]] = [none if f is None else f for f in fields]
    n, t_s, pct, c1, c2, c3, p1, p2, p3, p4, p5, h0, h1, h2, goal, stacks, globals_, procs = cols
    return [
        GCCycle(
            meta=LineMeta(line_no=line_no, raw=raw.decode("ascii"), stream=stream), era=era,
            n=int(a), t_s=float(b), cpu_pct=int(c), stw_sweep_term_ms=float(d), mark_ms=float(e),
            stw_mark_term_ms=float(f), sweep_term_cpu_ms=float(g), mark_assist_cpu_ms=float(h),
            mark_bg_cpu_ms=float(i), mark_idle_cpu_ms=float(j), mark_term_cpu_ms=float(k),
            heap_start_mb=int(l0), heap_end_mb=int(l1), heap_live_mb=int(l2), heap_goal_mb=int(l3),
            stacks_mb=None if st is None else int(st), globals_mb=None if gl is None else int(gl),
            procs=int(p), forced=bool(fo), leak_check=False, extra=(),
        )
        for line_no, raw, a, b, c, d, e, f, g, h, i, j, k, l0, l1, l2, l3, st, gl, p, fo in zip(
            line_nos, gc_text, n, t_s, pct, c1, c2, c3, p1, p2, p3, p4, p5, h0, h1, h2, goal,
            stacks, globals_, procs, forced if forced is not None else repeat(False),
        )
    ]


def parse_chunks(chunks: Iterable[bytes]) -> BulkResult:
    """Parse a whole input given as byte chunks (a few MB each is best)."""
    bulk = BulkParser()
    for chunk in chunks:
        bulk.feed(chunk)
    return bulk.close()


__all__ = ["BulkParser", "BulkResult", "FAST", "parse_chunks", "plain_events", "COLUMNS", "NAN"]
