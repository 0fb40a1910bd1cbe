"""The bulk path: whole files to columns, at the speed of the regex engine.

A 1 GB log holds about six million gc lines. Building an event object per
line would take a minute, so this path asks one compiled pattern to sweep a
multi-megabyte chunk (``findall``), keeps the rows that are plain Go 1.6+
gc lines as tuples of digits, and converts them a column at a time. Every
other line, and any gc line met while a block (crash dump, scheddetail,
cut record) is open, goes through the ordinary :class:`Parser`, in order, so
the result is exactly what feeding the same bytes to ``Parser`` gives: a
property test holds the two paths to that.

Sans-I/O like the rest: :func:`parse_chunks` takes an iterable of byte
chunks; opening files and spreading work over cores is the caller's job
(see :mod:`tui.bulkload`).
"""

from __future__ import annotations

import operator
import re
from array import array
from dataclasses import dataclass, field
from typing import Iterable

from parsers.columns import COLUMNS, MISSING_U32, NAN, GCColumns
from parsers.events import Event, GCCycle, Segment
from parsers.stream import Parser

_D = rb"(\d+(?:\.\d+)?)"
# Exactly the lines gctrace.GO118 / GO16 accept with no marker and no prefix,
# or any other line (last group), so that every line yields one row.
FAST = re.compile(
    rb"^(?:gc (\d+) @(\d+)\.(\d{3})s (\d+)%: "
    + _D + rb"\+" + _D + rb"\+" + _D + rb" ms clock, "
    + _D + rb"\+" + _D + rb"/" + _D + rb"/" + _D + rb"\+" + _D + rb" ms cpu, "
    + rb"(\d+)->(\d+)->(\d+) MB, (\d+) MB goal, (?:(\d+) MB stacks, (\d+) MB globals, )?"
    + rb"(\d+) P( \(forced\))?|(.*))$",
    re.M,
)
_OTHER = 20


@dataclass
class BulkResult:
    """What a bulk parse produced: columns for cycles, events for the rest."""

    columns: GCColumns
    events: list[Event] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    lines: int = 0
    segments: int = 1

    @property
    def cycles(self) -> int:
        return len(self.columns)


class BulkParser:
    """Feed big chunks; gc rows land in ``columns``, the rest in ``events``."""

    def __init__(self, parser: Parser | None = None) -> None:
        self.parser = parser or Parser()
        self.columns = GCColumns()
        self.events: list[Event] = []
        self._partial = b""

    def feed(self, data: bytes) -> None:
        """Parse every complete line of ``data``; keep the tail for later."""
        data = self._partial + data if self._partial else data
        end = data.rfind(b"\n")
        if end < 0:
            self._partial = data
            if len(data) > self.parser._splitter.max_line * 4:
                self._slow(data)  # bounded memory: the splitter caps it
                self._partial = b""
            return
        self._partial = data[end + 1 :]
        self._chunk(data[: end + 1])

    def close(self) -> BulkResult:
        """End of input."""
        if self._partial:
            self._slow(self._partial)
            self._partial = b""
        self._collect(self.parser.close())
        p = self.parser
        return BulkResult(
            columns=self.columns,
            events=self.events,
            counts=dict(p.counts),
            lines=p.lines,
            segments=p.segment + 1,
        )

    def _slow(self, data: bytes) -> None:
        self._collect(self.parser.feed(data))

    def _collect(self, events: list[Event]) -> None:
        p = self.parser
        for event in events:
            if isinstance(event, GCCycle):
                self.columns.append(event, p.segment)
            else:
                self.events.append(event)

    def _chunk(self, data: bytes) -> None:
        rows = FAST.findall(data)
        # With re.M, "^" also matches at the very end after the last "\n".
        if rows and data.endswith(b"\n"):
            rows.pop()
        p = self.parser
        limit = p._splitter.max_line
        gc_rows: list[tuple[bytes, ...]] = []
        ns: list[int] = []
        line_nos: list[int] = []
        segs: list[int] = []
        # The parser's state, held in locals while plain gc lines stream by
        # and written back before any other line goes through the parser.
        quiet = p._quiet()
        last, seen, seg, added = p.last_gc_n, p._seen, p.segment, 0
        for row in rows:
            n_text = row[0]
            if n_text and quiet:
                n = int(n_text)
                seen += 1
                if last is not None and n <= last:
                    p._seen, p.last_gc_n = seen, last
                    p._new_segment(seen, "gc", last, n)
                    self.events.extend(p._take())
                    seg = p.segment
                last = n
                added += 1
                gc_rows.append(row)
                ns.append(n)
                line_nos.append(seen)
                segs.append(seg)
                continue
            p._seen, p.last_gc_n, p.lines = seen, last, p.lines + added
            p.counts["gc"] += added
            added = 0
            line = _gc_text(row) if n_text else row[_OTHER]
            cut = 0
            if len(line) > limit:
                cut, line = len(line) - limit, line[:limit]
            if line.endswith(b"\r"):
                line = line[:-1]
            p._physical(line.decode("utf-8", "replace"), cut)
            events = p._take()
            if gc_rows and any(isinstance(e, GCCycle) for e in events):
                # Keep cycles in file order: rows parsed so far go first.
                self._flush(gc_rows, ns, line_nos, segs)
                gc_rows, ns, line_nos, segs = [], [], [], []
            self._collect(events)
            quiet = p._quiet()
            last, seen, seg = p.last_gc_n, p._seen, p.segment
        p._seen, p.last_gc_n, p.lines = seen, last, p.lines + added
        p.counts["gc"] += added
        if gc_rows:
            self._flush(gc_rows, ns, line_nos, segs)

    def _flush(
        self, rows: list[tuple[bytes, ...]], ns: list[int], line_nos: list[int], segs: list[int]
    ) -> None:
        """Convert gc rows to columns, one column at a time."""
        cols = list(zip(*rows))
        c = GCColumns()
        c.n = array("I", ns)
        c.t_ms = array("I", map(int, map(bytes.__add__, cols[1], cols[2])))
        c.cpu_pct = array("B", [v if v < 255 else 254 for v in map(int, cols[3])])
        (
            c.stw_sweep_term_ms,
            c.mark_ms,
            c.stw_mark_term_ms,
            c.sweep_term_cpu_ms,
            c.mark_assist_cpu_ms,
            c.mark_bg_cpu_ms,
            c.mark_idle_cpu_ms,
            c.mark_term_cpu_ms,
        ) = [array("f", map(float, cols[i])) for i in range(4, 12)]
        c.stw_ms = array("f", map(operator.add, c.stw_sweep_term_ms, c.stw_mark_term_ms))
        c.heap_start_mb = array("I", map(int, cols[12]))
        c.heap_end_mb = array("I", map(int, cols[13]))
        c.heap_live_mb = array("I", map(int, cols[14]))
        c.heap_goal_mb = array("I", map(int, cols[15]))
        if all(cols[16]):
            c.stacks_mb = array("I", map(int, cols[16]))
            c.globals_mb = array("I", map(int, cols[17]))
        else:
            c.stacks_mb = array("I", [int(v) if v else MISSING_U32 for v in cols[16]])
            c.globals_mb = array("I", [int(v) if v else MISSING_U32 for v in cols[17]])
        c.procs = array("H", map(int, cols[18]))
        # flags: forced bit, era code 0 (go1.18) or 1 (go1.6) in bits 2-3.
        c.flags = array("B", [(1 if f else 0) | (0 if s else 4) for f, s in zip(cols[19], cols[16])])
        c.line_no = array("I", line_nos)
        c.segment = array("H", segs)
        self.columns.extend(c)


def _gc_text(row: tuple[bytes, ...]) -> bytes:
    """Rebuild a gc line the fast path had to hand to the slow path."""
    # The fast pattern only matched; the slow path wants the text. Rebuild it
    # from the groups exactly as the runtime printed it.
    (n, s, f, pct, c1, c2, c3, p1, p2, p3, p4, p5, h0, h1, h2, goal, st, gl, procs, forced, _) = row
    tail = b"%s MB stacks, %s MB globals, " % (st, gl) if st else b""
    return (
        b"gc %s @%s.%ss %s%%: %s+%s+%s ms clock, %s+%s/%s/%s+%s ms cpu, %s->%s->%s MB, %s MB goal, %s%s P%s"
        % (n, s, f, pct, c1, c2, c3, p1, p2, p3, p4, p5, h0, h1, h2, goal, tail, procs, forced)
    )


def parse_chunks(chunks: Iterable[bytes]) -> BulkResult:
    """Parse a whole input given as byte chunks (a few MB each is best)."""
    bulk = BulkParser()
    for chunk in chunks:
        bulk.feed(chunk)
    return bulk.close()


__all__ = ["BulkParser", "BulkResult", "FAST", "parse_chunks", "COLUMNS", "NAN"]
