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
import pickle
import re
from array import array
from bisect import bisect_left
from itertools import compress, repeat
from itertools import count as count_from
from dataclasses import dataclass, field
from typing import Iterable

from parsers.columns import COLUMNS, MISSING_U8, MISSING_U16, MISSING_U32, NAN, GCColumns
from parsers.events import Event, GCCycle, Output, SchedSnapshot
from parsers.rows import PLAIN_SCHED, OutputLines, SchedLines
from parsers.stream import HEAD_CHARS, Parser

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
    """What a bulk parse produced: columns for cycles, rows for plain
    program output and SCHED lines, events for the rest.

    ``records`` are the events that are not rows; ``output_pos[i]`` (and
    ``sched_pos[i]``) is how many records the parser gave before output row
    ``i``, so :attr:`events` can put everything back in the parser's order.
    """

    columns: GCColumns
    records: list[Event] = field(default_factory=list)
    output: OutputLines = field(default_factory=OutputLines)
    sched: SchedLines = field(default_factory=SchedLines)
    output_pos: array = field(default_factory=lambda: array("Q"))  # type: ignore[type-arg]
    sched_pos: array = field(default_factory=lambda: array("Q"))  # type: ignore[type-arg]
    counts: dict[str, int] = field(default_factory=dict)
    lines: int = 0
    segments: int = 1
    # Where the input started and the parser's run-detection state at its
    # end: what a reader continuing after it (or a range after it) needs.
    first_line: int = 1
    last_gc_n: int | None = None
    last_sched_ms: int | None = None

    @property
    def cycles(self) -> int:
        return len(self.columns)

    @property
    def events(self) -> list[Event]:
        """Every event but the cycles, in the order the parser gave them
        (rows made into events: slow, for tests and small inputs)."""
        out: list[Event] = []
        rows = sorted(
            [(pos, self.output.line_no[i], 0, i) for i, pos in enumerate(self.output_pos)]
            + [(pos, self.sched.line_no[i], 1, i) for i, pos in enumerate(self.sched_pos)]
        )
        r = 0
        for j in range(len(self.records) + 1):
            while r < len(rows) and rows[r][0] == j:
                _, _, kind, i = rows[r]
                out.append(self.output[i] if kind == 0 else self.sched[i])
                r += 1
            if j < len(self.records):
                out.append(self.records[j])
        return out

    def has_rows(self) -> bool:
        return bool(self.output) or bool(self.sched)

    def without_rows(self) -> None:
        """Make every row an event in ``records`` (for a caller that must
        reorder events, which rows cannot follow)."""
        if self.has_rows():
            self.records = self.events
            self.output, self.sched = OutputLines(self.output.stream), SchedLines(self.sched.stream)
            self.output_pos, self.sched_pos = array("Q"), array("Q")

    def plain_rows(self) -> bool:
        """Whether every Output and SchedSnapshot is a row (none in
        ``records``), so a reader may take the rows as they are."""
        return not any(isinstance(e, (Output, SchedSnapshot)) for e in self.records)


class BulkParser:
    """Feed big chunks; gc rows land in ``columns``, the rest in ``events``."""

    def __init__(self, parser: Parser | None = None) -> None:
        self.parser = parser or Parser()
        self._first_line = self.parser._seen + 1
        self.columns = GCColumns()
        self.events: list[Event] = []  # the result's records
        self.output = OutputLines(self.parser.stream)
        self.sched = SchedLines(self.parser.stream)
        self.output_pos = array("Q")
        self.sched_pos = array("Q")
        self._partial = b""
        self._slow_segment: dict[int, int] = {}

    def feed(self, data: bytes) -> None:
        """Parse every complete line of ``data``; keep the tail for later."""
        end = data.rfind(b"\n")
        if end < 0:
            data = self._partial + data if self._partial else data
            self._partial = data
            if len(data) > self.parser._splitter.max_line * 4:
                self._slow(data)  # bounded memory: the splitter caps it
                self._partial = b""
            return
        if self.parser._splitter.pending:
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

    def _plain(self, line: bytes) -> bool:
        """Keep ``line`` (no line ending, not cut) as a row when the parser,
        in its present state, would make it a plain :class:`Output` or a
        Go 1.2-1.19 :class:`SchedSnapshot`; False leaves it to the parser.

        The tests for a row are the parser's own, made on bytes: no block
        open, no wrapper (Docker JSON, CRI), a first character no record
        starts with, none of the words a record behind a prefix needs.
        """
        p = self.parser
        if not line or p._torn or p._crash or p._sched or p._wrapped:
            return False
        first = line[0]
        if first == 83 and line.startswith(b"SCHED "):
            m = PLAIN_SCHED.fullmatch(line)
            if m is None:
                return False
            t = int(m.group(1))
            p._seen += 1
            if p.last_sched_ms is not None and t < p.last_sched_ms:
                p._new_segment(p._seen, "sched", p.last_sched_ms, t)
                self.events.extend(p._take())
            p.last_sched_ms = t
            p.counts["sched"] += 1
            p.lines += 1
            self.sched_pos.append(len(self.events))
            self.sched.add_line(p._seen, line)
            return True
        if first not in _OUTPUT_FIRST or _MAY_HOLD.search(line) is not None:
            return False
        if first <= 57 and (b"stdout " in line or b"stderr " in line):
            return False  # maybe a CRI record (a digit first)
        p._seen += 1
        p.counts["output"] += 1
        p.lines += 1
        self.output_pos.append(len(self.events))
        self.output.add_line(p._seen, line)
        return True

    def _chunk(self, framed: bytes) -> None:
        """The fastest path, for chunks whose gc lines share one shape.

        One substitution validates every plain gc line and marks it; the
        numbers of all marked lines are then split out in one go (translate,
        split) and converted a column at a time, by stride. Only the other
        lines, and the seams around them, cost Python work per line.
        """
        # ``framed``: whole lines with a newline in front, which lets the
        # pattern start with a literal: the regex engine scans for that far
        # faster than it tries "^" everywhere.
        marked, count = VALID.subn(_NL_MARK, framed)
        if count == 0:
            self._chunk_rows(framed[1:])
            return
        mlines = marked.split(b"\n")
        mlines.pop()
        del mlines[0]
        # Index lists built in C (compress/map), not a Python loop per line.
        gc_idx = list(compress(count_from(), map(_MARK.__eq__, mlines)))
        if len(gc_idx) != count:
            self._chunk_rows(framed[1:])  # a line that was the marker itself
            return
        olines = framed.split(b"\n")
        del olines[0]
        olines.pop()
        gc_lines = list(map(olines.__getitem__, gc_idx))
        joined = b" ".join(gc_lines)
        numeric = joined.translate(_NUMERIC)
        tokens = numeric.split()
        width = len(tokens) // count
        c = None
        # VALID lets a duration be any run of digits and dots: one with a dot
        # at either end is refused here, "1.2.3" by float() in _columns.
        if width * count == len(tokens) and width in (16, 18) and b" ." not in numeric and b". " not in numeric:
            try:
                c = _columns(tokens, width, count)
            except (ValueError, OverflowError):
                pass  # a bad duration, a % or P count past what its column holds
        if c is None:
            self._chunk_rows(framed[1:])  # mixed shapes (a Go 1.6 line among 1.18 ones), odd numbers
            return
        if b"(forced)" in joined:
            for i in compress(count_from(), map(bytes.endswith, gc_lines, repeat(b" (forced)"))):
                c.flags[i] |= 1
        if not self._simple_rows(mlines, olines, gc_idx, c):
            self._fast_rows(mlines, olines, gc_idx, c)

    def _simple_rows(self, mlines: list[bytes], olines: list[bytes], gc_idx: list[int], c: GCColumns) -> bool:
        """The whole chunk at once, when nothing in it needs the parser: no
        block open, no restart, and every other line plain output or a plain
        SCHED line (the tests of :meth:`_plain`, made on all of them in C).
        False, having changed nothing, when the chunk needs :meth:`_fast_rows`.
        """
        p = self.parser
        if p._torn or p._crash or p._sched or p._wrapped:
            return False
        ns = c.n
        last_gc = p.last_gc_n
        if (last_gc is not None and ns[0] <= last_gc) or any(map(operator.le, ns[1:], ns)):
            return False  # a restart
        other_idx = list(compress(count_from(), map(_MARK.__ne__, mlines)))
        others = list(map(olines.__getitem__, other_idx))
        is_sched = list(map(bytes.startswith, others, repeat(b"SCHED ")))
        sched = list(compress(others, is_sched))
        output = list(compress(others, map(operator.not_, is_sched)))
        text = b"\n".join(output)
        if (
            (others and max(map(len, others)) > p._splitter.max_line)
            or b"\r\n" in text or text.endswith(b"\r")
            or len(b"".join(map(operator.itemgetter(slice(0, 1)), output))) != len(output)  # an empty line
            or b"".join(map(operator.itemgetter(slice(0, 1)), output)).translate(None, _OUTPUT_FIRST_BYTES)
            or _MAY_HOLD.search(text) is not None
            or b"stdout " in text or b"stderr " in text
        ):
            return False
        t_ms: list[int] = []
        if sched:
            sched_text = b"\n".join(sched)
            if b"\r\n" in sched_text or sched_text.endswith(b"\r"):
                return False
            t_ms = list(map(int, _SCHED_T.findall(sched_text)))
            last_sched = p.last_sched_ms
            if (
                len(t_ms) != len(sched)
                or (last_sched is not None and t_ms[0] < last_sched)
                or any(map(operator.lt, t_ms[1:], t_ms))
            ):
                return False  # a SCHED line of another shape, or a restart
        # Nothing can fail from here on.
        base = p._seen
        first = base + 1
        pos = len(self.events)
        if output:
            out_idx = compress(other_idx, map(operator.not_, is_sched))
            self.output.add_lines(map(operator.add, out_idx, repeat(first)), output)
            self.output_pos.extend(array("Q", [pos]) * len(output))
        if sched:
            self.sched.add_lines(map(operator.add, compress(other_idx, is_sched), repeat(first)), sched)
            self.sched_pos.extend(array("Q", [pos]) * len(sched))
            p.last_sched_ms = t_ms[-1]
        count = len(gc_idx)
        c.line_no = array("I", map(operator.add, gc_idx, repeat(first)))
        c.segment = array("H", [min(p.segment, MISSING_U16)]) * count
        self.columns.extend(c)
        p.last_gc_n = ns[-1]
        p.counts["gc"] += count
        p.counts["output"] += len(output)
        p.counts["sched"] += len(sched)
        p.lines += len(mlines)
        p._seen = base + len(mlines)
        return True

    def _fast_rows(
        self,
        mlines: list[bytes],
        olines: list[bytes],
        gc_idx: list[int],
        c: GCColumns,
    ) -> None:
        """``c``: the columns of the chunk's gc lines (``gc_idx``), all but
        their line numbers and segments, which are filled in here."""
        p = self.parser
        count = len(gc_idx)
        ns = c.n.tolist()
        base = p._seen
        seg_of = array("H", [0]) * count
        diverted: set[int] = set()  # line numbers of rows the parser handled
        confirmed: set[int] = set()  # ... and that came back as a cycle of their own
        slow_cycles: list[GCCycle] = []
        # Rows whose cycle number does not rise: restart candidates, found in
        # C (compress over a map of <=), so plain runs cost no Python per row.
        drops = list(compress(range(1, count), map(operator.le, ns[1:], ns)))
        g = 0  # next gc row
        limit = p._splitter.max_line
        for k in [*compress(count_from(), map(_MARK.__ne__, mlines)), len(mlines)]:
            # The run of gc rows before line k.
            start = g
            g = bisect_left(gc_idx, k, g)
            j = start
            while j < g and not p._quiet():
                p._seen = base + gc_idx[j]
                p._physical(olines[gc_idx[j]].decode(), 0)
                diverted.add(base + gc_idx[j] + 1)
                self._collect_slow(p._take(), slow_cycles, diverted, confirmed)
                seg_of[j] = min(p.segment, MISSING_U16)
                j += 1
            if j < g:
                last = p.last_gc_n
                seg = min(p.segment, MISSING_U16)
                run_from = j
                # Only the run's first row (against the parser's last cycle)
                # and the precomputed drops inside it can start a segment.
                candidates = [j] + drops[bisect_left(drops, j + 1) : bisect_left(drops, g)]
                for r in candidates:
                    before = last if r == j else ns[r - 1]
                    n = ns[r]
                    if before is not None and n <= before:
                        seg_of[run_from:r] = array("H", [seg]) * (r - run_from)
                        p._new_segment(base + gc_idx[r] + 1, "gc", before, n)
                        self.events.extend(p._take())
                        seg, run_from = min(p.segment, MISSING_U16), r
                seg_of[run_from:g] = array("H", [seg]) * (g - run_from)
                last = ns[g - 1]
                p.last_gc_n = last
                p.lines += g - j
                p.counts["gc"] += g - j
            if k == len(mlines):
                break
            p._seen = base + k
            line = olines[k]
            cut = 0
            if len(line) > limit:
                cut, line = len(line) - limit, line[:limit]
            if line.endswith(b"\r"):
                line = line[:-1]
            if cut or not self._plain(line):
                p._physical(line.decode("utf-8", "replace"), cut)
                self._collect_slow(p._take(), slow_cycles, diverted, confirmed)
        p._seen = base + len(mlines)
        c.line_no = array("I", map(operator.add, gc_idx, repeat(base + 1)))
        c.segment = seg_of
        if diverted - confirmed:
            # The parser joined such a row into an open record (a CRI or
            # Docker partial line): it is no cycle of its own.
            c = _without_lines(c, diverted - confirmed)
        if slow_cycles:
            self._merge(c, slow_cycles)
        else:
            self.columns.extend(c)

    def _collect_slow(
        self, events: list[Event], slow: list[GCCycle], diverted: set[int], confirmed: set[int]
    ) -> None:
        """Events from the parser inside a fast chunk: cycles wait to be merged."""
        for event in events:
            if isinstance(event, GCCycle):
                if event.meta.line_no in diverted:
                    confirmed.add(event.meta.line_no)
                else:
                    slow.append(event)
                    self._slow_segment[event.meta.line_no] = self.parser.segment
            else:
                self.events.append(event)

    def _merge(self, fast: GCColumns, slow: list[GCCycle]) -> None:
        """Interleave the chunk's fast rows and parser-made cycles by line."""
        lines = fast.line_no
        i = 0
        for cycle in slow:
            j = i
            while j < len(lines) and lines[j] < cycle.meta.line_no:
                j += 1
            if j > i:
                self.columns.extend(_slice(fast, i, j))
            self.columns.append(cycle, self._slow_segment.pop(cycle.meta.line_no))
            i = j
        if i < len(lines):
            self.columns.extend(_slice(fast, i, len(lines)))

    def _chunk_rows(self, data: bytes) -> None:
        """The general fast path: one row tuple per line (any mix of shapes)."""
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
            # Numbers too long for the columns (or for int()) go through the
            # parser, which keeps the event path's rules for them.
            if n_text and quiet and len(max(row[:_OTHER], key=len)) <= 9:
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
                segs.append(min(seg, MISSING_U16))
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
            if cut or not self._plain(line):
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
        t_ms = list(map(int, map(bytes.__add__, cols[1], cols[2])))
        try:
            c.t_ms = array("I", t_ms)
        except OverflowError:  # past 49 days: the sentinel, as the event path stores it
            c.t_ms = array("I", [min(t, MISSING_U32) for t in t_ms])
        c.cpu_pct = array("B", [v if v < MISSING_U8 else MISSING_U8 for v in map(int, cols[3])])
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
        c.procs = array("H", [v if v < MISSING_U16 else MISSING_U16 for v in map(int, cols[18])])
        # flags: forced bit, era code 0 (go1.18) or 1 (go1.6) in bits 2-3.
        c.flags = array("B", [(1 if f else 0) | (0 if s else 4) for f, s in zip(cols[19], cols[16])])
        c.line_no = array("I", line_nos)
        c.segment = array("H", segs)
        self.columns.extend(c)



# A plain Go 1.6+ gc line (no prefix, no marker, no CR), after a newline:
# FAST's gc line, checked as fast as the regex engine allows (no groups,
# single-character repeats). A duration is looser here ("[\d.]+", twice as
# fast as "\d+(?:\.\d+)?"); _chunk refuses what FAST would not take. Whole
# numbers have at most 9 digits, so that every column holds them; a line with
# longer ones goes through the parser, whose rules clamp them.
VALID = re.compile(
    rb"\ngc \d{1,9} @\d{1,7}\.\d{3}s \d{1,9}%: [\d.]+\+[\d.]+\+[\d.]+ ms clock, "
    rb"[\d.]+\+[\d.]+/[\d.]+/[\d.]+\+[\d.]+ ms cpu, \d{1,9}->\d{1,9}->\d{1,9} MB, \d{1,9} MB goal, "
    rb"(?:\d{1,9} MB stacks, \d{1,9} MB globals, )?\d{1,9} P(?: \(forced\))?(?=\n)"
)
_MARK = b"\x00gc\x00"
_NL_MARK = b"\n" + _MARK
# First bytes of a line that may be plain output: printable ASCII (no
# whitespace, which the parser strips, and nothing that decodes otherwise)
# but no character a record, a crash or a note starts with, and no "{" (a
# Docker JSON record).
_OUTPUT_FIRST = frozenset(c for c in range(0x21, 0x7F) if chr(c) not in HEAD_CHARS and c != ord("{"))
# The words parsers.stream._may_hold_record looks for (a record behind a prefix).
_MAY_HOLD = re.compile(rb"gc|SCHED|scvg|scav|pacer: |GC forced|: status=|: p=")
_OUTPUT_FIRST_BYTES = bytes(sorted(_OUTPUT_FIRST))
# The clock of every line of a block of newline-joined SCHED lines that match
# PLAIN_SCHED (a line that does not is missing from the list).
_SCHED_T = re.compile(b"^" + PLAIN_SCHED.pattern + b"$", re.M)
# Everything but digits and the decimal point becomes a space, so a gc line
# splits into its 16 (Go 1.6-1.17) or 18 (Go 1.18+) numbers, in order.
_NUMERIC = bytes(c if chr(c) in "0123456789." else 32 for c in range(256))


def _columns(tokens: list[bytes], width: int, count: int) -> GCColumns:
    """Deal the numbers of ``count`` gc lines (``width`` each, in order) into
    columns; line numbers and segments are left for the caller. Raises
    ValueError or OverflowError for a number its column cannot take."""
    c = GCColumns()
    c.n = _numbers("I", tokens[0::width])
    # "@T.TTTs" in ms, as GCColumns.append rounds it.
    seconds = _numbers("d", tokens[1::width])
    t_ms = map(round, map(operator.mul, seconds, repeat(1000.0)))
    try:
        c.t_ms = array("I", t_ms)
    except OverflowError:  # past 49 days: the sentinel, as the event path stores it
        c.t_ms = array("I", [min(round(t * 1000.0), MISSING_U32) for t in seconds])
    # Past 254 (or 65534) the event path stores the sentinel: so does a value of 255 here.
    c.cpu_pct = _numbers("B", tokens[2::width])
    (
        c.stw_sweep_term_ms,
        c.mark_ms,
        c.stw_mark_term_ms,
        c.sweep_term_cpu_ms,
        c.mark_assist_cpu_ms,
        c.mark_bg_cpu_ms,
        c.mark_idle_cpu_ms,
        c.mark_term_cpu_ms,
    ) = [_numbers("f", tokens[k::width]) for k in range(3, 11)]
    c.stw_ms = array("f", map(operator.add, c.stw_sweep_term_ms, c.stw_mark_term_ms))
    c.heap_start_mb, c.heap_end_mb, c.heap_live_mb, c.heap_goal_mb = [
        _numbers("I", tokens[k::width]) for k in range(11, 15)
    ]
    if width == 18:
        c.stacks_mb = _numbers("I", tokens[15::width])
        c.globals_mb = _numbers("I", tokens[16::width])
        era = 0
    else:
        c.stacks_mb = array("I", [MISSING_U32]) * count
        c.globals_mb = array("I", [MISSING_U32]) * count
        era = 4  # go1.6 in bits 2-3 of flags
    c.procs = _numbers("H", tokens[width - 1 :: width])
    c.flags = array("B", [era]) * count
    return c


def _numbers(code: str, tokens: list[bytes]) -> array:  # type: ignore[type-arg]
    """``tokens`` (runs of digits and dots) as an array of type ``code``.

    float() and int() through map() cost 60-80 ns a number; the unpickler
    reads a protocol 0 program of FLOAT ("F1.25\n") or LONG ("L125\n")
    opcodes in C at half that, with the same conversions (float()'s
    correctly rounded one; int() of base 0, which refuses a leading zero,
    so such a chunk takes the slow path, as does a float too big for a
    double). The program is built here from digits and dots only.
    """
    if code in "fd":
        program = b"(F" + b"\nF".join(tokens) + b"\nl."
    else:
        program = b"(L" + b"\nL".join(tokens) + b"\nl."
    try:
        return array(code, pickle.loads(program))
    except pickle.UnpicklingError as e:
        raise ValueError(str(e)) from None


def _without_lines(c: GCColumns, lines: set[int]) -> GCColumns:
    keep = [i for i, line in enumerate(c.line_no) if line not in lines]
    out = GCColumns()
    for name in COLUMNS:
        col = getattr(c, name)
        setattr(out, name, array(col.typecode, [col[i] for i in keep]))
    return out


def _slice(c: GCColumns, a: int, b: int) -> GCColumns:
    out = GCColumns()
    for name in COLUMNS:
        setattr(out, name, getattr(c, name)[a:b])
    return out

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
