"""The bulk path's fastest sweep, for chunks whose gc lines share one shape.

One substitution (:data:`~parsers.gc_columns.VALID`) validates every plain
gc line of a chunk and marks it; the numbers of all marked lines are then
split out in one go and converted a column at a time, by stride
(:mod:`parsers.gc_columns`); with ``gctui[fast]`` installed, a compiled
kernel does both for a big chunk in one pass (:mod:`parsers.gc_kernel`),
line by line, so one odd line no longer sends the whole chunk to the row
sweep. Only the other lines, and the seams around
them, cost Python work per line; a chunk with nothing but plain lines costs
none (``_simple_rows``). A chunk this sweep cannot take
(mixed shapes, odd numbers) goes to the row-tuple sweep it extends.
"""

from __future__ import annotations

import operator
import re
from array import array
from bisect import bisect_left
from itertools import compress, repeat
from itertools import count as count_from

from parsers import gc_kernel
from parsers.bulk_rows import RowSweep
from parsers.columns import COLUMNS, MISSING_U16, GCColumns
from parsers.events import Event, GCCycle
from parsers.gc_columns import VALID, convert, stride_fields
from parsers.heads import CRI_STREAMS, MAY_HOLD_BYTES, OUTPUT_FIRST_BYTES
from parsers.rows import PLAIN_SCHED
from parsers.stream import Parser

_MARK = b"\x00gc\x00"
_NL_MARK = b"\n" + _MARK
# The clock of every line of a block of newline-joined SCHED lines that match
# PLAIN_SCHED (a line that does not is missing from the list).
_SCHED_T = re.compile(b"^" + PLAIN_SCHED.pattern + b"$", re.M)
# A chunk's lines, the indexes of its plain gc lines and of the others, and
# the gc lines' columns (line numbers and segments still to fill in).
Swept = tuple[list[bytes], list[int], list[int], GCColumns]


class StrideSweep(RowSweep):
    """:class:`RowSweep` with the stride sweep in front of it."""

    def __init__(self, parser: Parser | None = None, *, load_kernel: bool = True) -> None:
        """``load_kernel=False``: use the compiled kernel only if it is
        loaded already (a first screen must not wait for numba's import)."""
        super().__init__(parser)
        self.load_kernel = load_kernel
        self._slow_segment: dict[int, int] = {}  # line of a parser-made cycle -> its segment

    def _chunk(self, framed: bytes) -> None:
        """Sweep ``framed``: whole lines with a newline in front, which lets
        VALID start with a literal, which the regex engine scans for far
        faster than it tries "^" everywhere."""
        swept = self._sweep(framed, load_kernel=self.load_kernel)
        if swept is None:
            self._chunk_rows(framed[1:])  # no gc line, mixed shapes, odd numbers
        elif not self._simple_rows(*swept):
            self._fast_rows(*swept)

    def _sweep(self, framed: bytes, *, load_kernel: bool = True) -> Swept | None:
        """The chunk's lines, which are plain gc lines and which are not,
        and the gc lines' columns; None sends the chunk to the row sweep.
        A big chunk goes through the compiled kernel when there is one
        (:mod:`parsers.gc_kernel`; ``load_kernel=False``: only if it is
        loaded already, for a live chunk that must not wait for an import)."""
        if len(framed) >= gc_kernel.MIN_BYTES:
            scan = gc_kernel.kernel(load=load_kernel)
            if scan is not None:
                # Any mix of shapes: each line is checked on its own.
                gc_idx, other_idx, _, c = gc_kernel.gc_rows(framed, scan)
                if not gc_idx:
                    return None
                olines = framed.split(b"\n")
                del olines[0]
                olines.pop()
                return olines, gc_idx, other_idx, c
        marked, count = VALID.subn(_NL_MARK, framed)
        if count == 0:
            return None
        mlines = marked.split(b"\n")
        mlines.pop()
        del mlines[0]
        # Index lists built in C (compress/map), not a Python loop per line.
        gc_idx = list(compress(count_from(), map(_MARK.__eq__, mlines)))
        if len(gc_idx) != count:
            return None  # a line that was the marker itself
        olines = framed.split(b"\n")
        del olines[0]
        olines.pop()
        split = stride_fields(list(map(olines.__getitem__, gc_idx)))
        if split is None:
            return None  # mixed shapes (a Go 1.6 line among 1.18 ones)
        try:
            c = convert(*split)
        except ValueError:
            return None  # a duration like "1.2.3", refused as float() refuses it
        return olines, gc_idx, list(compress(count_from(), map(_MARK.__ne__, mlines))), c

    def take_plain(self, data: bytes) -> list[bytes] | None:
        """Take ``data`` (whole lines) at once when every line in it is plain
        (gc lines, plain output and SCHED lines, no restart) and the parser
        is quiet: the text of its gc lines, in order. None, having changed
        nothing, when a line needs the parser: feed it as usual."""
        if self.parser.pending_bytes or not self.parser.quiet:
            return None
        swept = self._sweep(b"\n" + data, load_kernel=False)
        if swept is None or not self._simple_rows(*swept):
            return None
        olines, gc_idx = swept[0], swept[1]
        return list(map(olines.__getitem__, gc_idx))

    def _simple_rows(self, olines: list[bytes], gc_idx: list[int], other_idx: list[int], c: GCColumns) -> bool:
        """The whole chunk at once, when nothing in it needs the parser: no
        block open, no restart, and every other line plain output or a plain
        SCHED line (the tests of :meth:`_plain`, made on all of them in C).
        False, having changed nothing, when the chunk needs :meth:`_fast_rows`.
        """
        p = self.parser
        if not p.quiet:
            return False
        ns = c.n
        last_gc = p.last_gc_n
        if (last_gc is not None and ns[0] <= last_gc) or any(map(operator.le, ns[1:], ns)):
            return False  # a restart
        others = list(map(olines.__getitem__, other_idx))
        is_sched = list(map(bytes.startswith, others, repeat(b"SCHED ")))
        sched = list(compress(others, is_sched))
        output = list(compress(others, map(operator.not_, is_sched)))
        text = b"\n".join(output)
        firsts = b"".join(map(operator.itemgetter(slice(0, 1)), output))
        if (
            (others and max(map(len, others)) > p.max_line)
            or b"\r\n" in text or text.endswith(b"\r")
            or len(firsts) != len(output)  # an empty line
            or firsts.translate(None, OUTPUT_FIRST_BYTES)
            or MAY_HOLD_BYTES.search(text) is not None
            or CRI_STREAMS[0] in text or CRI_STREAMS[1] in text
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
        first = p.lines_seen + 1
        pos = len(self.events)
        if output:
            out_idx = compress(other_idx, map(operator.not_, is_sched))
            self.output.add_lines(map(operator.add, out_idx, repeat(first)), output)
            self.output_pos.extend(array("Q", [pos]) * len(output))
        if sched:
            self.sched.add_lines(map(operator.add, compress(other_idx, is_sched), repeat(first)), sched)
            self.sched_pos.extend(array("Q", [pos]) * len(sched))
            p.last_sched_ms = t_ms[-1]
        c.line_no = array("I", map(operator.add, gc_idx, repeat(first)))
        c.segment = array("H", [min(p.segment, MISSING_U16)]) * len(gc_idx)
        self.columns.extend(c)
        p.last_gc_n = ns[-1]
        p.advance("gc", len(gc_idx))
        p.advance("output", len(output))
        p.advance("sched", len(sched))
        return True

    def _fast_rows(self, olines: list[bytes], gc_idx: list[int], other_idx: list[int], c: GCColumns) -> None:
        """The chunk line by line at its seams: runs of gc rows between the
        other lines are taken whole; ``c`` holds the columns of the chunk's
        gc lines (``gc_idx``) but their line numbers and segments, which are
        filled in here. Line ``k`` of the chunk is ``base + k + 1``: every
        line before it has been accounted (fed or advanced) when it comes."""
        p = self.parser
        count = len(gc_idx)
        ns = c.n.tolist()
        base = p.lines_seen
        seg_of = array("H", [0]) * count
        diverted: set[int] = set()  # line numbers of rows the parser handled
        confirmed: set[int] = set()  # ... and that came back as a cycle of their own
        slow_cycles: list[GCCycle] = []
        # Rows whose cycle number does not rise: restart candidates, found in
        # C (compress over a map of <=), so plain runs cost no Python per row.
        drops = list(compress(range(1, count), map(operator.le, ns[1:], ns)))
        g = 0  # next gc row
        limit = p.max_line
        for k in [*other_idx, len(olines)]:
            # The run of gc rows before line k.
            start = g
            g = bisect_left(gc_idx, k, g)
            j = start
            while j < g and not p.quiet:
                events = p.feed_line(olines[gc_idx[j]].decode(), 0)
                diverted.add(base + gc_idx[j] + 1)
                self._collect_slow(events, slow_cycles, diverted, confirmed)
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
                        self.events.append(p.start_segment(base + gc_idx[r] + 1, "gc", before, n))
                        seg, run_from = min(p.segment, MISSING_U16), r
                seg_of[run_from:g] = array("H", [seg]) * (g - run_from)
                p.last_gc_n = ns[g - 1]
                p.advance("gc", g - j)
            if k == len(olines):
                break
            line = olines[k]
            cut = 0
            if len(line) > limit:
                cut, line = len(line) - limit, line[:limit]
            if line.endswith(b"\r"):
                line = line[:-1]
            if cut or not self._plain(line):
                events = p.feed_line(line.decode("utf-8", "replace"), cut)
                self._collect_slow(events, slow_cycles, diverted, confirmed)
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
                    if event.meta.source is not None:
                        self.sourced.append(event)  # see RowSweep.sourced
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
