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
from bisect import bisect_left
from itertools import compress, repeat
from itertools import count as count_from
from dataclasses import dataclass, field
from typing import Iterable

from parsers.columns import COLUMNS, MISSING_U8, MISSING_U16, MISSING_U32, NAN, GCColumns
from parsers.events import Event, GCCycle
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
    # Where the input started and the parser's run-detection state at its
    # end: what a reader continuing after it (or a range after it) needs.
    first_line: int = 1
    last_gc_n: int | None = None
    last_sched_ms: int | None = None

    @property
    def cycles(self) -> int:
        return len(self.columns)


class BulkParser:
    """Feed big chunks; gc rows land in ``columns``, the rest in ``events``."""

    def __init__(self, parser: Parser | None = None) -> None:
        self.parser = parser or Parser()
        self._first_line = self.parser._seen + 1
        self.columns = GCColumns()
        self.events: list[Event] = []
        self._partial = b""
        self._slow_segment: dict[int, int] = {}

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
        if self.parser._splitter.pending:
            self._slow(data[: end + 1])  # an over-long line is still being cut
        else:
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

    def _chunk(self, data: bytes) -> None:
        """The fastest path, for chunks whose gc lines share one shape.

        One substitution validates every plain gc line and marks it; the
        numbers of all marked lines are then read in one go (translate, split,
        float) and dealt into columns by stride. Only the other lines, and the
        seams around them, cost Python work per line.
        """
        marked, count = VALID.subn(_MARK, data)
        if count == 0:
            self._chunk_rows(data)
            return
        mlines = marked.split(b"\n")
        mlines.pop()
        # Index lists built in C (compress/map), not a Python loop per line.
        gc_idx = list(compress(count_from(), map(_MARK.__eq__, mlines)))
        olines = data.split(b"\n")
        gc_lines = list(map(olines.__getitem__, gc_idx))
        joined = b" ".join(gc_lines)
        nums = array("d", map(float, joined.translate(_NUMERIC).split()))
        if (
            len(gc_idx) != count
            or len(nums) not in (18 * count, 16 * count)
            or max(nums) >= MISSING_U32  # a number the columns cannot hold (or inf)
            or max(nums[2 :: len(nums) // count]) >= MISSING_U8
            or max(nums[len(nums) // count - 1 :: len(nums) // count]) >= MISSING_U16
        ):
            self._chunk_rows(data)  # mixed shapes, a line that was the marker, huge numbers
            return
        forced = gc_lines if b"(forced)" in joined else None
        self._fast_rows(mlines, olines, gc_idx, forced, nums)

    def _fast_rows(
        self,
        mlines: list[bytes],
        olines: list[bytes],
        gc_idx: list[int],
        forced: list[bytes] | None,
        nums: array,  # type: ignore[type-arg]
    ) -> None:
        """``forced``: the gc lines, when any of them is ``(forced)``."""
        p = self.parser
        count = len(gc_idx)
        width = len(nums) // count
        ns = list(map(int, nums[0::width]))
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
            p._physical(line.decode("utf-8", "replace"), cut)
            self._collect_slow(p._take(), slow_cycles, diverted, confirmed)
        p._seen = base + len(mlines)
        c = _columns(nums, width, ns, gc_idx, forced, base, seg_of)
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



# A plain Go 1.6+ gc line (no prefix, no marker, no CR), without groups: the
# fastest validation the regex engine offers.
_CORE = re.sub(rb"(?<!\\)\((?!\?)", b"(?:", FAST.pattern[len(b"^(?:") : -len(b"|(.*))$")])
VALID = re.compile(b"^" + _CORE + b"$", re.M)
_MARK = b"\x00gc\x00"
# Everything but digits and the decimal point becomes a space, so a gc line
# splits into its 16 (Go 1.6-1.17) or 18 (Go 1.18+) numbers, in order.
_NUMERIC = bytes(c if chr(c) in "0123456789." else 32 for c in range(256))


def _columns(
    nums: array,  # type: ignore[type-arg]
    width: int,
    ns: list[int],
    gc_idx: list[int],
    forced: list[bytes] | None,
    base: int,
    segments: array,  # type: ignore[type-arg]
) -> GCColumns:
    """Deal a flat array of numbers (``width`` per line) into columns."""
    c = GCColumns()
    c.n = array("I", ns)
    c.t_ms = array("I", map(round, map(operator.mul, nums[1::width], repeat(1000.0))))
    c.cpu_pct = array("B", map(int, nums[2::width]))
    (
        c.stw_sweep_term_ms,
        c.mark_ms,
        c.stw_mark_term_ms,
        c.sweep_term_cpu_ms,
        c.mark_assist_cpu_ms,
        c.mark_bg_cpu_ms,
        c.mark_idle_cpu_ms,
        c.mark_term_cpu_ms,
    ) = [array("f", nums[k::width]) for k in range(3, 11)]
    c.stw_ms = array("f", map(operator.add, c.stw_sweep_term_ms, c.stw_mark_term_ms))
    c.heap_start_mb, c.heap_end_mb, c.heap_live_mb, c.heap_goal_mb = [
        array("I", map(int, nums[k::width])) for k in range(11, 15)
    ]
    count = len(ns)
    if width == 18:
        c.stacks_mb = array("I", map(int, nums[15::width]))
        c.globals_mb = array("I", map(int, nums[16::width]))
        era = 0
    else:
        c.stacks_mb = array("I", [MISSING_U32]) * count
        c.globals_mb = array("I", [MISSING_U32]) * count
        era = 4
    c.procs = array("H", map(int, nums[width - 1 :: width]))
    c.flags = array("B", [era]) * count
    if forced is not None:
        c.flags = array("B", [era | (1 if line.endswith(b" (forced)") else 0) for line in forced])
    c.line_no = array("I", map(operator.add, gc_idx, repeat(base + 1)))
    c.segment = segments
    return c


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
