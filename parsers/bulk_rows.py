"""The bulk path's line-by-line sweep: one row tuple per line, any mix of shapes.

:class:`RowSweep` holds what a bulk parse builds (gc columns, output and
SCHED rows, the other events in order) and the :class:`~parsers.stream.Parser`
it shares every decision with. One pattern (:data:`~parsers.gc_columns.FAST`)
sweeps a chunk with ``findall``; rows that are plain gc lines are kept as
tuples of digits and converted a column at a time, plain output and SCHED
lines become rows, and every other line goes through the parser, in order,
through its public bulk API (``quiet``, ``feed_line``, ``advance``,
``start_segment``). The faster stride sweep (:mod:`parsers.bulk_stride`)
falls back to this one for a chunk it cannot take whole.
"""

from __future__ import annotations

from array import array

from parsers.columns import MISSING_U16, GCColumns
from parsers.events import Event, GCCycle
from parsers.gc_columns import FAST, FAST_OTHER, convert, gc_text, row_fields
from parsers.heads import CRI_STREAMS, MAY_HOLD_BYTES, OUTPUT_FIRST
from parsers.rows import PLAIN_SCHED, OutputLines, SchedLines
from parsers.stream import Parser

_DIGIT_9 = 57  # ord("9"): a line starting with a digit may be a CRI record


class RowSweep:
    """What a bulk parse builds, and the line-by-line sweep that builds it."""

    def __init__(self, parser: Parser | None = None) -> None:
        self.parser = parser or Parser()
        self.columns = GCColumns()
        self.events: list[Event] = []  # the result's records
        self.output = OutputLines(self.parser.stream)
        self.sched = SchedLines(self.parser.stream)
        # How many records came before each output (SCHED) row.
        self.output_pos = array("Q")
        self.sched_pos = array("Q")
        # Cycles of named sources (pods of a stern stream), also in the
        # columns: what the per-source models are built from. Plain gc lines
        # name none, so the fast sweeps never add here.
        self.sourced: list[GCCycle] = []

    def _collect(self, events: list[Event]) -> None:
        """Events from the parser: cycles to the columns, the rest in order."""
        p = self.parser
        for event in events:
            if isinstance(event, GCCycle):
                self.columns.append(event, p.segment)
                if event.meta.source is not None:
                    self.sourced.append(event)
            else:
                self.events.append(event)

    def _plain(self, line: bytes) -> bool:
        """Keep ``line`` (no line ending, not cut) as a row when the parser,
        in its present state, would make it a plain :class:`Output` or a
        :data:`PLAIN_SCHED` :class:`SchedSnapshot`; False leaves it to the parser.

        The tests for a row are the parser's own, made on bytes: no block
        open, no wrapper (Docker JSON, CRI), a first character no record
        starts with, none of the words a record behind a prefix needs
        (both from :mod:`parsers.heads`).
        """
        p = self.parser
        if not line or not p.quiet:
            return False
        first = line[0]
        if first == 83 and line.startswith(b"SCHED "):
            m = PLAIN_SCHED.fullmatch(line)
            if m is None:
                return False
            t = int(m.group(1))
            line_no = p.advance("sched")
            last = p.last_sched_ms
            if last is not None and t < last:
                self.events.append(p.start_segment(line_no, "sched", last, t))
            p.last_sched_ms = t
            self.sched_pos.append(len(self.events))
            self.sched.add_line(line_no, line)
            return True
        if first not in OUTPUT_FIRST or MAY_HOLD_BYTES.search(line) is not None:
            return False
        if first <= _DIGIT_9 and (CRI_STREAMS[0] in line or CRI_STREAMS[1] in line):
            return False  # maybe a CRI record
        self.output_pos.append(len(self.events))
        self.output.add_line(p.advance("output"), line)
        return True

    def _chunk_rows(self, data: bytes) -> None:
        """The general fast path: one row tuple per line (any mix of shapes)."""
        rows = FAST.findall(data)
        # With re.M, "^" also matches at the very end after the last "\n".
        if rows and data.endswith(b"\n"):
            rows.pop()
        p = self.parser
        limit = p.max_line
        gc_rows: list[tuple[bytes, ...]] = []
        line_nos: list[int] = []
        segs: list[int] = []
        # The parser's state, held in locals while plain gc lines stream by
        # and handed back (advance) before any other line goes through it.
        quiet = p.quiet
        last, seen, seg, added = p.last_gc_n, p.lines_seen, p.segment, 0
        for row in rows:
            n_text = row[0]
            # Numbers too long for the columns (or for int()) go through the
            # parser, which keeps the event path's rules for them.
            if n_text and quiet and len(max(row[:FAST_OTHER], key=len)) <= 9:
                n = int(n_text)
                seen += 1
                if last is not None and n <= last:
                    self.events.append(p.start_segment(seen, "gc", last, n))
                    seg = p.segment
                last = n
                added += 1
                gc_rows.append(row)
                line_nos.append(seen)
                segs.append(min(seg, MISSING_U16))
                continue
            p.last_gc_n = last
            p.advance("gc", added)
            added = 0
            line = gc_text(row) if n_text else row[FAST_OTHER]
            cut = 0
            if len(line) > limit:
                cut, line = len(line) - limit, line[:limit]
            if line.endswith(b"\r"):
                line = line[:-1]
            if cut or not self._plain(line):
                events = p.feed_line(line.decode("utf-8", "replace"), cut)
                if gc_rows and any(isinstance(e, GCCycle) for e in events):
                    # Keep cycles in file order: rows parsed so far go first.
                    self._flush(gc_rows, line_nos, segs)
                    gc_rows, line_nos, segs = [], [], []
                self._collect(events)
            quiet = p.quiet
            last, seen, seg = p.last_gc_n, p.lines_seen, p.segment
        p.last_gc_n = last
        p.advance("gc", added)
        if gc_rows:
            self._flush(gc_rows, line_nos, segs)

    def _flush(self, rows: list[tuple[bytes, ...]], line_nos: list[int], segs: list[int]) -> None:
        """Convert gc rows to columns, one column at a time."""
        # Every number has at most 9 characters (checked above): nothing fails.
        c = convert(*row_fields(rows))
        c.line_no = array("I", line_nos)
        c.segment = array("H", segs)
        self.columns.extend(c)
