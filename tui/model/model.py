"""Everything known about one watched program, fed by parser events.

One way through: a source reads bytes, the parser turns them into events,
``Model.apply`` (or ``apply_bulk`` for a whole file's columns) stores them,
and readers (the findings engine, reports, widgets) query. The model knows
nothing of Textual; the app owns one and redraws when ``version`` moves.

Time axis: cycles carry ``t_s``, seconds since the process started (the
gctrace ``@T s``); SCHED lines count ms from the first SCHED line, which the
runtime prints one period after start, so they are placed at ``t_ms/1000``
on the same axis (close to, not exactly, process time). Samples taken by
gctui itself (psutil, HTTP polls) carry wall time and ``t_s`` relative to
the process start when it is known.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import Iterable

from bisect import bisect_left

from parsers.bulk import BulkResult
from parsers.columns import MISSING_U16
from parsers.events import (
    LINE_KINDS,
    Crash,
    Event,
    ExpvarSample,
    GCCycle,
    GCForced,
    GoroutineProfile,
    Malformed,
    Output,
    Pacer,
    RuntimeNote,
    SchedDetail,
    SchedSnapshot,
    Scavenge,
    Segment,
)
from parsers.rows import OutputLines, SchedLines
from tui.model.cycles import CycleStore
from tui.model.extras import CycleExtras, cycle_before
from tui.sources.samples import HTTPSample, ProcessSample
from tui.model.rawlines import RawLines


@dataclass
class RunEnv:
    """What gctui knows about the program from outside its output.

    ``gogc`` is the GOGC setting as given (``"off"``, ``"100"``) or None when
    unset; ``gomemlimit_b`` the memory limit in bytes when set.
    """

    description: str = ""
    go_version: str | None = None
    main_module: str | None = None
    gogc: str | None = None
    gomemlimit_b: int | None = None
    gomaxprocs: int | None = None
    godebug: str | None = None
    pid: int | None = None
    start_wall_time: float | None = None
    exit_status: int | None = None
    exit_signal: str | None = None


@dataclass(frozen=True, slots=True)
class SegmentInfo:
    """A run within the log: where it starts and why."""

    index: int
    line_no: int
    first_cycle: int  # index into the cycle store of its first cycle
    reason: str
    previous: int | None = None  # the cycle number (or SCHED ms) before the restart
    current: int | None = None  # and the one after it


@dataclass
class Model:
    """The state of one watched program. Mutated only through ``apply*``."""

    cycles: CycleStore = field(default_factory=CycleStore)
    segments: list[SegmentInfo] = field(default_factory=list)
    # Sequences of events; a file loaded in bulk keeps its plain lines as
    # compact rows there, made into events when read (parsers.rows).
    sched: SchedLines = field(default_factory=SchedLines)
    sched_segment: list[int] = field(default_factory=list)
    scavenger: list[Scavenge] = field(default_factory=list)
    pacer: list[Pacer] = field(default_factory=list)
    gc_forced: list[GCForced] = field(default_factory=list)
    notes: list[RuntimeNote] = field(default_factory=list)
    output: OutputLines = field(default_factory=OutputLines)
    crashes: list[Crash] = field(default_factory=list)
    malformed: list[Malformed] = field(default_factory=list)
    process: list[ProcessSample] = field(default_factory=list)
    http: list[HTTPSample] = field(default_factory=list)
    env: RunEnv = field(default_factory=RunEnv)
    raw_lines: RawLines = field(default_factory=RawLines)
    # Every P, M and G line of scheddetail blocks, as the parser gave them;
    # their counts are also folded into each snapshot (goroutines by status).
    sched_detail: list[SchedDetail] = field(default_factory=list)
    # Go 1.25+ scan statistics and finalizer queues, by cycle row (extras.py).
    extras: CycleExtras = field(default_factory=CycleExtras)
    line_counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LINE_KINDS, 0))
    lines: int = 0
    version: int = 0
    segment: int = 0

    def __post_init__(self) -> None:
        if not self.segments:
            self.segments.append(SegmentInfo(0, 1, 0, "start of input"))

    # -- feeding -----------------------------------------------------------------

    def apply(self, events: Iterable[Event]) -> None:
        """Store a batch of parser events (in the order the parser gave them)."""
        for event in events:
            if isinstance(event, GCCycle):
                self.raw_lines.append(len(self.cycles), event.meta.raw)
                self.cycles.append(event, self.segment, derive=False)
            elif isinstance(event, SchedSnapshot):
                self.sched.append(event)
                self.sched_segment.append(self.segment)
            elif isinstance(event, Segment):
                self._segment(event)
            elif isinstance(event, Output):
                self._add_output(event)
            elif isinstance(event, Scavenge):
                self.scavenger.append(event)
            elif isinstance(event, Pacer):
                self.pacer.append(event)
            elif isinstance(event, GCForced):
                self.gc_forced.append(event)
            elif isinstance(event, Crash):
                self.crashes.append(event)
            elif isinstance(event, Malformed):
                self.malformed.append(event)
            elif isinstance(event, RuntimeNote):
                self.notes.append(event)
                if event.topic != "inittrace":
                    row = cycle_before(self.cycles, event.meta.line_no)
                    if row is not None:
                        self.extras.attach(event, row)
            elif isinstance(event, SchedDetail):
                self.sched_detail.append(event)
        self.cycles.derive()  # once per batch: the derivation is vectorised
        self.version += 1

    def _add_output(self, event: Output) -> None:
        """Keep output in file order: a torn gc record releases its program
        lines only once it is whole, after lines that came later. Line numbers
        count per stream, so the late line goes after the last earlier line
        of its own stream (a short look back: a record waits a few dozen
        lines at most)."""
        out = self.output
        if not out or event.meta.line_no > out[-1].meta.line_no or event.meta.stream != out[-1].meta.stream:
            out.append(event)
            return
        j = len(out)
        stop = max(0, j - 512)
        while j > stop:
            prev = out[j - 1].meta
            if prev.stream == event.meta.stream and prev.line_no < event.meta.line_no:
                break
            j -= 1
        out.insert(j, event)

    def set_counts(self, counts: dict[str, int], lines: int) -> None:
        """Copy the parser's per-kind line accounting."""
        self.line_counts = dict(counts)
        self.lines = lines
        self.version += 1

    def apply_bulk(self, result: BulkResult) -> None:
        """Store a whole file's parse: columns in one go, then the events.

        Segment boundaries come from the columns themselves, since the bulk
        path already numbered each row's segment.
        """
        start = len(self.cycles)
        cols = result.columns
        self.cycles.extend(cols)
        others: list[Event] = []
        # Rows are taken as they are unless events of their kinds are among
        # the records too (then everything goes in the parser's order).
        rows = result.plain_rows()
        for event in result.records if rows else result.events:
            if isinstance(event, Segment):
                first = _first_row_at_or_after(cols.line_no, event.line_no, start)
                self.segments.append(SegmentInfo(event.index, event.line_no, first, event.reason,
                                                 event.previous, event.current))
                self.segment = event.index
                continue
            if isinstance(event, SchedSnapshot):
                self.sched.append(event)
                self.sched_segment.append(self._segment_at_line(event.meta.line_no))
                continue
            others.append(event)
        if rows:
            self._sched_rows(result.sched)
            self._output_rows(result.output)
        self.apply(others)
        self.set_counts(result.counts, result.lines)

    def apply_plain(self, result: BulkResult, raw: list[str]) -> None:
        """Store a live chunk the bulk path took whole (``BulkParser.take_plain``):
        cycles, plain SCHED and output rows, no other event and no restart,
        so the model ends exactly as ``apply`` of the same lines leaves it
        (each cycle in the current segment, with its raw line kept), at the
        cost of a few column copies instead of an event per line."""
        assert not result.records
        cols = result.columns
        start = len(self.cycles)
        cols.segment = array("H", [min(self.segment, MISSING_U16)]) * len(cols)
        self.cycles.extend(cols)
        for i, text in enumerate(raw):
            self.raw_lines.append(start + i, text)
        self.sched.extend(result.sched)
        self.sched_segment.extend([self.segment] * len(result.sched))
        self._output_rows(result.output)
        self.version += 1

    def _sched_rows(self, rows: SchedLines) -> None:
        """Snapshots of a bulk parse, each in the segment its line is in."""
        lines = rows.line_no
        self.sched.extend(rows)
        starts = [info.line_no for info in self.segments]
        if starts != sorted(starts):
            self.sched_segment.extend(self._segment_at_line(line) for line in lines)
            return
        segs: list[int] = []
        seg = 0
        for info in self.segments:
            cut = bisect_left(lines, info.line_no)
            if cut > len(segs):
                segs.extend([seg] * (cut - len(segs)))
            seg = info.index
        segs.extend([seg] * (len(lines) - len(segs)))
        self.sched_segment.extend(segs)

    def _output_rows(self, rows: OutputLines) -> None:
        """Output of a bulk parse: rows in line order, so only the first
        may need a place before lines already here (see _add_output)."""
        if not rows:
            return
        out, first = self.output, rows[0]
        if not out or first.meta.line_no > out[-1].meta.line_no or first.meta.stream != out[-1].meta.stream:
            out.extend(rows)
            return
        for event in rows:
            self._add_output(event)

    def add_process_sample(self, sample: ProcessSample) -> None:
        self.process.append(sample)
        self.version += 1

    def add_http_sample(self, sample: HTTPSample) -> None:
        self.http.append(sample)
        self.version += 1

    def _segment(self, event: Segment) -> None:
        self.segment = event.index
        self.segments.append(SegmentInfo(event.index, event.line_no, len(self.cycles), event.reason,
                                         event.previous, event.current))

    def _segment_at_line(self, line_no: int) -> int:
        seg = 0
        for info in self.segments:
            if info.line_no <= line_no:
                seg = info.index
        return seg

    # -- reading -------------------------------------------------------------------

    def latest_sched(self, segment: int | None = None) -> SchedSnapshot | None:
        """The newest scheduler snapshot (of a segment, default the current)."""
        latest = self.latest_scheds(1, segment)
        return latest[0] if latest else None

    def latest_scheds(self, n: int, segment: int | None = None) -> list[SchedSnapshot]:
        """The ``n`` newest scheduler snapshots of a segment, newest first
        (counters such as ``schedticks`` mean something only as a difference)."""
        seg = self.segment if segment is None else segment
        out: list[SchedSnapshot] = []
        for snap, s in zip(reversed(self.sched), reversed(self.sched_segment)):
            if s == seg:
                out.append(snap)
                if len(out) == n:
                    break
            elif s < seg:
                break
        return out

    def goroutine_samples(self) -> list[tuple[int, float, int]]:
        """``(run, t_ms, goroutines)`` from scheddetail and pprof, by run and time.

        A plain SCHED row carries no goroutine count (only a scheddetail
        block does, kept whole as an object): a loaded file's 60,000 rows
        are not made into snapshots only to be skipped."""
        runs = self.sched_segment
        out = [(runs[i], float(snap.t_ms), snap.goroutines) for i, snap in self.sched.objects.items()
               if snap.goroutines is not None]
        out += [(self.segment, h.t_s * 1000.0, h.goroutines.total) for h in self.http
                if h.goroutines is not None and h.t_s is not None]
        out.sort()
        return out

    def goroutine_series(self) -> list[tuple[float, int]]:
        """``(t_s, goroutines)`` from scheddetail and pprof, in time order."""
        return sorted((t_ms / 1000.0, n) for _, t_ms, n in self.goroutine_samples())


def _first_row_at_or_after(line_nos: object, line_no: int, offset: int) -> int:
    """Index (in the store) of the first bulk row on or after ``line_no``."""
    seq = line_nos  # array('I'), rising
    lo, hi = 0, len(seq)  # type: ignore[arg-type]
    while lo < hi:
        mid = (lo + hi) // 2
        if seq[mid] < line_no:  # type: ignore[index]
            lo = mid + 1
        else:
            hi = mid
    return offset + lo
