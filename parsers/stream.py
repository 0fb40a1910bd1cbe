"""The sans-I/O parser: bytes in, typed events out, every line accounted for.

``Parser.feed(data)`` takes bytes in any chunking and returns the events the
complete lines produced; ``close()`` ends the input. Between them it keeps
the state that spans lines: the unterminated last line, a scheddetail block
whose snapshot waits for its P/M/G lines, a crash dump, a gc record another
write cut in two, and the cycle numbering that reveals a restart.

Every physical line is counted under exactly one kind in ``counts`` (see
``LINE_KINDS``); ``lines`` is their sum.
"""

from __future__ import annotations

from dataclasses import replace

from parsers import crash, gctrace, runtime_notes, schedtrace
from parsers.events import (
    LINE_KINDS,
    Event,
    GCCycle,
    GCForced,
    LineMeta,
    Malformed,
    Output,
    SchedDetail,
    SchedSnapshot,
    Segment,
)
from parsers.heads import HEAD_CHARS, SHAPE_TABLES, STARTS, family_of, may_hold_record
from parsers.lines import DEFAULT_MAX_LINE, LineSplitter
from parsers.prefixes import Unwrapped, analyse, unwrap
from parsers.spanning import SpanningBlocks
from parsers.torn import TornRecord


class Parser(SpanningBlocks):
    """Feed bytes, get events. Never raises on any input.

    Public state: ``counts`` and ``lines`` (every line accounted for),
    ``segment`` (restarts so far), and the clocks that reveal a restart,
    ``last_gc_n`` and ``last_sched_ms`` (a caller that reads lines itself,
    through :meth:`advance`, keeps them current).
    """

    def __init__(
        self, *, max_line: int = DEFAULT_MAX_LINE, first_line: int = 1, stream: str | None = None
    ) -> None:
        """``first_line`` numbers the first line read (a reader starting
        mid-file); ``stream`` names where the bytes come from (``stdout``,
        ``stderr``) for every line a log wrapper does not name itself."""
        self.stream = stream
        self._splitter = LineSplitter(max_line)
        self._tables = {name: list(shapes) for name, shapes in SHAPE_TABLES.items()}
        self.counts: dict[str, int] = dict.fromkeys(LINE_KINDS, 0)
        self.lines = 0
        self._seen = first_line - 1  # last physical line number read
        self.segment = 0
        self.last_gc_n: int | None = None
        self.last_sched_ms: int | None = None
        # The same two clocks for each named source (a pod in a stern or
        # ``kubectl logs --prefix`` stream): interleaved pods count their
        # cycles apart, and only a count going back within one is a restart.
        self.runs: dict[str, list[int | None]] = {}
        self._out: list[Event] = []
        self._wrapped: list[str] = []  # CRI "P" / Docker parts awaiting the rest
        self._wrapped_first: tuple[int, str] | None = None
        self._sched: SchedSnapshot | None = None
        self._details: list[SchedDetail] = []
        self._crash: list[tuple[str, LineMeta]] = []
        self._torn: TornRecord | None = None

    # -- public API ---------------------------------------------------------

    def feed(self, data: bytes) -> list[Event]:
        """Parse the complete lines in ``data``; keep the rest for later."""
        for text, cut in self._splitter.feed(data):
            self._physical(text, cut)
        return self._take()

    def flush(self) -> list[Event]:
        """The input went quiet: emit what waits for a following line.

        A scheddetail snapshot and a half gc record are released; a crash
        dump stays open, since more of it may still come.
        """
        self._end_sched()
        self._end_torn()
        return self._take()

    def close(self) -> list[Event]:
        """End of input: the last unterminated line and every open block."""
        for text, cut in self._splitter.close():
            self._physical(text, cut)
        if self._wrapped:
            first_no, first_raw = self._wrapped_first or (self._seen, "")
            payload = "".join(self._wrapped)
            self._wrapped, self._wrapped_first = [], None
            # The last part was counted as a continuation; it ends the record.
            self.counts["continuation"] -= 1
            self.lines -= 1
            self._logical(payload, LineMeta(line_no=first_no, raw=first_raw), 0)
        self._end_sched()
        self._end_torn()
        self._end_crash()
        return self._take()

    # -- for a caller that reads plain lines itself (the bulk path) ------------
    # It turns millions of plain lines into columns and rows with no event
    # each and hands the parser the rest; these say where the numbering
    # stands and whether a line needs context, so the result stays the same.

    @property
    def lines_seen(self) -> int:
        """Number of the last physical line read (``first_line - 1`` before
        any): a caller numbers the lines it reads itself from here."""
        return self._seen

    @property
    def max_line(self) -> int:
        """Bytes kept of a line: a caller cuts lines it splits itself alike."""
        return self._splitter.max_line

    @property
    def pending_bytes(self) -> int:
        """Bytes of an unterminated line held from ``feed``: while there are
        any, the next bytes continue it, so a caller must not split them."""
        return self._splitter.pending

    @property
    def quiet(self) -> bool:
        """No block is open (crash dump, scheddetail, torn gc record, CRI or
        Docker parts): the next line needs no context, so a caller may read
        it itself when it is plain."""
        return not (self._torn or self._crash or self._sched or self._wrapped)

    def feed_line(self, line: str, cut: int = 0) -> list[Event]:
        """One physical line a caller split off (no line ending, ``cut``
        bytes dropped), numbered ``lines_seen + 1``; its events, as ``feed``."""
        self._physical(line, cut)
        return self._take()

    def advance(self, kind: str, n: int = 1) -> int:
        """Account ``n`` lines of ``kind`` (a ``counts`` key) that a caller
        parsed itself while ``quiet``; returns the new ``lines_seen``. For gc
        and SCHED lines the caller keeps ``last_gc_n`` / ``last_sched_ms``
        current and calls :meth:`start_segment` where one goes back."""
        self._seen += n
        self.counts[kind] += n
        self.lines += n
        return self._seen

    def start_segment(
        self, line_no: int, what: str, previous: int, current: int, source: str | None = None
    ) -> Segment:
        """A count (``what``: ``"gc"`` cycle or ``"sched"`` clock) went back
        at ``line_no``: a restart, or another process in the same log. The
        next segment starts, both clocks (of ``source``, when the line named
        one) are forgotten (one restart shows in both; the other must not
        count it again); returns its event."""
        self.segment += 1
        if source is None:
            self.last_gc_n = None
            self.last_sched_ms = None
        else:
            self.runs[source] = [None, None]
        reason = f"{'cycle' if what == 'gc' else 'SCHED ms'} went back from {previous} to {current}"
        if source is not None:
            reason += f" in {source}"
        return Segment(line_no=line_no, index=self.segment, reason=reason, previous=previous, current=current,
                       source=source)

    # -- lines ---------------------------------------------------------------

    def _take(self) -> list[Event]:
        out, self._out = self._out, []
        return out

    def _count(self, kind: str) -> None:
        self.counts[kind] += 1
        self.lines += 1

    def _physical(self, line: str, cut: int) -> None:
        """One physical line: take off any structural wrapper, then parse."""
        self._seen += 1
        line_no = self._seen
        u = unwrap(line) if line and (line[0] == "{" or line[0].isdigit()) else None
        if u is None and not self._wrapped:
            self._logical(line, LineMeta(line_no=line_no, raw=line, stream=self.stream), cut)
            return
        if u is None:
            u = Unwrapped(line)
        if u.partial:
            if not self._wrapped:
                self._wrapped_first = (line_no, line)
            self._wrapped.append(u.payload)
            self._count("continuation")
            return
        payload = u.payload
        meta_no, raw = line_no, line
        if self._wrapped:
            self._wrapped.append(payload)
            payload = "".join(self._wrapped)
            meta_no, raw = self._wrapped_first or (line_no, line)
            self._wrapped, self._wrapped_first = [], None
        meta = LineMeta(line_no=meta_no, raw=raw, wall_time=u.wall_time, stream=u.stream or self.stream)
        self._logical(payload, meta, cut)

    def _logical(self, payload: str, meta: LineMeta, cut: int) -> None:
        """One logical line, its wrapper (if any) removed."""
        if self._torn is not None and self._torn_step(payload, meta):
            return
        if self._crash:
            head = [text for text, _ in self._crash[: crash.PANIC_VALUE_MAX_LINES]]
            if crash.continues(payload, head):
                self._crash.append((payload, meta))
                self._count("crash")
                return
            self._end_crash()
        stripped = payload.strip()
        if stripped[:1] not in HEAD_CHARS:
            # No record starts this way (most program output): only a record
            # behind a prefix is possible.
            if self._sched is not None:
                self._end_sched()
            self._prefixed_or_output(payload, stripped, meta, cut)
            return
        m = STARTS.match(stripped)
        if m is not None:
            family = family_of(m)
            if self._sched is not None and family != schedtrace.DETAIL_FAMILY:
                self._end_sched()
            lead = payload[: len(payload) - len(payload.lstrip())]
            if lead and not meta.prefix:
                meta = replace(meta, prefix=lead)
            self._record(family, stripped, meta)
            return
        if self._sched is not None:
            self._end_sched()
        if crash.START.match(stripped):
            self._crash.append((payload, meta))
            self._count("crash")
            return
        if runtime_notes.START.match(stripped) and self._try(runtime_notes.FAMILY, stripped, meta):
            return
        if gctrace.TORN_HEAD.match(stripped):
            torn = TornRecord.start(stripped, meta, payload, strong=False)
            if torn is not None:
                self._end_torn()
                self._torn = torn
                return
        self._prefixed_or_output(payload, stripped, meta, cut)

    def _prefixed_or_output(self, payload: str, stripped: str, meta: LineMeta, cut: int) -> None:
        """A record behind a prefix (or an interleaved write), else output."""
        hold = may_hold_record(stripped)
        m = STARTS.search(stripped) if hold else None
        if m is not None:
            prefix = stripped[: m.start()]
            wall, source = analyse(prefix)
            self._record(family_of(m), stripped[m.start() :], _behind(meta, prefix, wall, source))
            return
        if hold and self._prefixed_note(stripped, meta):
            return
        self._out.append(Output(meta=meta, text=payload, cut_bytes=cut))
        self._count("output")

    def _prefixed_note(self, stripped: str, meta: LineMeta) -> bool:
        """A Go 1.25+ ``scan:`` or ``checkfinalizers:`` line behind a pod's
        or a timestamp's prefix (stern, kubectl --prefix, compose). Their
        words are common in output, so only a prefix that names a source or
        a time makes them records here; anywhere else they stay output."""
        m = runtime_notes.START.search(stripped)
        if m is None or m.start() == 0:
            return False
        prefix = stripped[: m.start()]
        wall, source = analyse(prefix)
        if wall is None and source is None:
            return False
        return self._try(runtime_notes.FAMILY, stripped[m.start() :], _behind(meta, prefix, wall, source))

    def _record(self, family: str, record: str, meta: LineMeta) -> None:
        """A line that starts like a record of ``family``."""
        if family == "gc_forced":
            self._out.append(GCForced(meta=meta))
            self._count("gc_forced")
            return
        if self._try(family, record, meta):
            return
        inner = STARTS.search(record, 1)
        if inner is not None:
            # A crash or a missing newline glued two records: keep the later
            # one, with the earlier text as its prefix so nothing is lost.
            head = record[: inner.start()]
            self._record(family_of(inner), record[inner.start() :], replace(meta, prefix=meta.prefix + head))
            return
        if family == gctrace.FAMILY:
            # Maybe the program's writes tore this record: wait for its pieces.
            torn = TornRecord.start(record, meta, record, strong=True)
            if torn is not None:
                self._end_torn()
                self._torn = torn
                return
        self._out.append(Malformed(meta=meta, family=family, reason="unknown shape"))
        self._count("malformed")

    def _try(self, family: str, record: str, meta: LineMeta) -> bool:
        """Try ``family``'s shapes, most recently matched first."""
        shapes = self._tables[family]
        for i, shape in enumerate(shapes):
            m = shape.pattern.fullmatch(record)
            if m is None:
                continue
            if i:
                shapes.insert(0, shapes.pop(i))
            try:
                event = shape.build(m, meta)
            except (ValueError, OverflowError):
                continue
            self._emit(event)
            return True
        return False

    def _emit(self, event: object) -> None:
        if isinstance(event, GCCycle):
            source = event.meta.source
            if source is not None:
                self._run_clock(event.meta, 0, "gc", event.n)
            else:
                if self.last_gc_n is not None and event.n <= self.last_gc_n:
                    self._out.append(self.start_segment(event.meta.line_no, "gc", self.last_gc_n, event.n))
                self.last_gc_n = event.n
            self._out.append(event)
            self._count("gc")
        elif isinstance(event, SchedSnapshot):
            self._end_sched()
            if event.meta.source is not None:
                self._run_clock(event.meta, 1, "sched", event.t_ms)
            else:
                if self.last_sched_ms is not None and event.t_ms < self.last_sched_ms:
                    self._out.append(
                        self.start_segment(event.meta.line_no, "sched", self.last_sched_ms, event.t_ms)
                    )
                self.last_sched_ms = event.t_ms
            self._count("sched")
            if event.detail:
                self._sched, self._details = event, []
            else:
                self._out.append(event)
        elif isinstance(event, SchedDetail):
            if self._sched is not None:
                self._details.append(event)
            self._out.append(event)
            self._count("sched_detail")
        else:
            self._out.append(event)  # type: ignore[arg-type]
            self._count(event.kind)  # type: ignore[attr-defined]

    def _run_clock(self, meta: LineMeta, clock: int, what: str, value: int) -> None:
        """Run detection for a record of a named source: its own clocks
        (``clock`` 0: last gc number, 1: last SCHED ms); a gc number that
        does not rise, or a SCHED clock that goes back, starts a segment."""
        assert meta.source is not None
        clocks = self.runs.setdefault(meta.source, [None, None])
        last = clocks[clock]
        if last is not None and (value <= last if clock == 0 else value < last):
            self._out.append(self.start_segment(meta.line_no, what, last, value, meta.source))
            clocks = self.runs[meta.source]
        clocks[clock] = value


def _behind(meta: LineMeta, prefix: str, wall: float | None, source: str | None) -> LineMeta:
    """A record's place behind a log wrapper's or tailer's prefix: the prefix,
    the time it gives (else the line's own) and the source it names."""
    return replace(meta, prefix=prefix, wall_time=meta.wall_time if wall is None else wall,
                   source=source or meta.source)


def parse_bytes(data: bytes) -> tuple[list[Event], Parser]:
    """Parse a whole input at once; returns the events and the parser's counts."""
    parser = Parser()
    events = parser.feed(data)
    events += parser.close()
    return events, parser
