"""Program output and SCHED lines kept as compact rows, made into events on demand.

A 1 GB log holds over half a million lines of program output and as many
``SCHED`` lines. As frozen events they cost 2-5 us each to build and as much
again to pickle across a process boundary, and hundreds of bytes each to
keep. The bulk path stores the plain ones (see :mod:`parsers.bulk`) as rows
instead: a line number and the line's bytes in one shared buffer. Reading a
row builds exactly the event the ordinary :class:`~parsers.stream.Parser`
builds for that line, so a reader cannot tell the difference:
:class:`OutputLines` is a sequence of :class:`~parsers.events.Output`,
:class:`SchedLines` one of :class:`~parsers.events.SchedSnapshot`.

Both also take whole events (``append``, ``insert``): what the live path
adds after a bulk load, or a line the bulk path had to leave to the parser.
"""

from __future__ import annotations

import re
from array import array
from itertools import accumulate
from typing import Generic, Iterable, Iterator, TypeVar, overload

from parsers import schedtrace
from parsers.events import LineMeta, Output, SchedSnapshot

E = TypeVar("E")


class _Rows(Generic[E]):
    """Rows of (line number, line bytes), or whole events where a row will
    not do; ``stream`` is the one every row's line came from."""

    def __init__(self, stream: str | None = None) -> None:
        self.stream = stream
        self.line_no = array("Q")
        self.ends = array("Q")  # row i's bytes: blob[ends[i - 1]:ends[i]]
        self.blob = bytearray()
        self.objects: dict[int, E] = {}  # row index -> the event itself

    # -- building ----------------------------------------------------------------

    def add_line(self, line_no: int, line: bytes) -> None:
        """A row for the plain line ``line`` (bytes, no line ending)."""
        self.blob += line
        self.line_no.append(line_no)
        self.ends.append(len(self.blob))

    def add_lines(self, line_nos: Iterable[int], lines: list[bytes]) -> None:
        """Rows for many plain lines at once."""
        self.line_no.extend(array("Q", line_nos))
        self.ends.extend(array("Q", accumulate(map(len, lines), initial=len(self.blob)))[1:])
        self.blob += b"".join(lines)

    def append(self, event: E) -> None:
        """Add a whole event at the end."""
        self.objects[len(self.line_no)] = event
        self.line_no.append(_line_of(event))
        self.ends.append(len(self.blob))

    def insert(self, i: int, event: E) -> None:
        """Insert a whole event before row ``i`` (as ``list.insert``)."""
        n = len(self.line_no)
        i = max(0, min(n, i + n if i < 0 else i))
        if i == n:
            self.append(event)
            return
        self.objects = {(k + 1 if k >= i else k): v for k, v in self.objects.items()}
        self.objects[i] = event
        self.line_no.insert(i, _line_of(event))
        self.ends.insert(i, self.ends[i - 1] if i else 0)

    def extend(self, other: Iterable[E]) -> None:
        """Add every row of ``other`` (rows of the same kind stay rows)."""
        if isinstance(other, type(self)) and other.stream == self.stream:
            base, shift = len(self.line_no), len(self.blob)
            self.blob += other.blob
            self.line_no.extend(other.line_no)
            self.ends.extend(array("Q", [e + shift for e in other.ends]) if shift else other.ends)
            for k, v in other.objects.items():
                self.objects[base + k] = v
            return
        for event in other:
            self.append(event)

    # -- reading -------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.line_no)

    @overload
    def __getitem__(self, i: int) -> E: ...
    @overload
    def __getitem__(self, i: slice) -> list[E]: ...
    def __getitem__(self, i: int | slice) -> E | list[E]:
        if isinstance(i, slice):
            return [self._row(k) for k in range(*i.indices(len(self.line_no)))]
        n = len(self.line_no)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("row index out of range")
        return self._row(i)

    def __iter__(self) -> Iterator[E]:
        return map(self._row, range(len(self.line_no)))

    def __reversed__(self) -> Iterator[E]:
        return map(self._row, range(len(self.line_no) - 1, -1, -1))

    def __bool__(self) -> bool:
        return bool(self.line_no)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (_Rows, list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self)} rows, {len(self.objects)} whole events)"

    def line_bytes(self, i: int) -> bytes:
        """Row ``i``'s line as read (empty for a whole event)."""
        return bytes(self.blob[self.ends[i - 1] if i else 0 : self.ends[i]])

    def _row(self, i: int) -> E:
        event = self.objects.get(i)
        if event is not None:
            return event
        return self._build(i)

    def _build(self, i: int) -> E:
        raise NotImplementedError


class OutputLines(_Rows[Output]):
    """Program output: a sequence of :class:`Output` events."""

    def _build(self, i: int) -> Output:
        text = self.blob[self.ends[i - 1] if i else 0 : self.ends[i]].decode("utf-8", "replace")
        return Output(meta=LineMeta(line_no=self.line_no[i], raw=text, stream=self.stream), text=text)


# The SCHED shapes the bulk path keeps as rows: the summary line with its
# per-P run queues of Go 1.2-1.19 (schedtrace.GO14), 1.20-1.24 (GO120, with
# needspinning=) and 1.25+ (GO125, padded list and schedticks=), every number
# in its plain form (no leading zero, so the text is exactly what the numbers
# print back as). One group: the clock, in ms.
_N = rb"(?:0|[1-9]\d{0,17})"
_LIST = rb" \[" + _N + rb"(?: " + _N + rb")*\]"
_LIST125 = rb" \[ (?:" + _N + rb" )*\] schedticks=\[ (?:" + _N + rb" )*\]"
_MID = rb" idlethreads=" + _N + rb" runqueue=" + _N
PLAIN_SCHED = re.compile(
    rb"SCHED (" + _N + rb")ms: gomaxprocs=" + _N + rb" idleprocs=" + _N + rb" threads=" + _N
    + rb" spinningthreads=" + _N
    + rb"(?:" + _MID + _LIST + rb"| needspinning=" + _N + _MID + rb"(?:" + _LIST + rb"|" + _LIST125 + rb"))"
)  # fmt: skip
# The exact rows of the SCHED table a PLAIN_SCHED line is one of; a row is
# built by the same Shape the parser would use, so it is the same event.
_PLAIN_SHAPES = tuple(
    shape for shape in schedtrace.SHAPES if shape.pattern in (schedtrace.GO14, schedtrace.GO120, schedtrace.GO125)
)


# The numbers of a PLAIN_SCHED row that a report and the findings read, with
# the per-P run queues as one list (Go 1.25 pads it with spaces).
_NUMBERS = re.compile(
    rb"SCHED (\d+)ms: gomaxprocs=(\d+) idleprocs=(\d+) threads=(\d+) [^\[]*? runqueue=(\d+) \[ ?((?:\d+ ?)*)\]"
)
NUMBER_FIELDS = ("t_ms", "gomaxprocs", "idleprocs", "threads", "runqueue", "queued")


class SchedLines(_Rows[SchedSnapshot]):
    """Scheduler snapshots: a sequence of :class:`SchedSnapshot` events.

    Rows are lines that match :data:`PLAIN_SCHED`; a row read once is kept,
    since the UI reads the same snapshots again and again. A report reads
    every snapshot's numbers through :meth:`numbers` instead: a 1 GB log
    holds 600,000 SCHED lines, and as kept events they cost seconds to build
    and hundreds of MB to keep.
    """

    def __init__(self, stream: str | None = None) -> None:
        super().__init__(stream)
        self._cache: dict[int, SchedSnapshot] = {}
        self._numbers: dict[str, array] = {}  # type: ignore[type-arg]

    def insert(self, i: int, event: SchedSnapshot) -> None:
        self._cache.clear()
        self._numbers = {}
        super().insert(i, event)

    def numbers(self) -> dict[str, array]:  # type: ignore[type-arg]
        """Every snapshot's :data:`NUMBER_FIELDS` as columns (``queued`` is
        the global run queue plus every P's), without building events. Kept
        and extended as snapshots are appended."""
        cols = self._numbers
        if not cols:
            cols = self._numbers = {name: array("q") for name in NUMBER_FIELDS}
        done, n = len(cols["t_ms"]), len(self.line_no)
        values: list[tuple[int, ...]] = []
        for i in range(done, n):
            event = self.objects.get(i)
            if event is not None:
                queued = event.runqueue + sum(event.runq_per_p or ())
                values.append((event.t_ms, event.gomaxprocs, event.idleprocs, event.threads, event.runqueue, queued))
                continue
            m = _NUMBERS.match(self.blob, self.ends[i - 1] if i else 0, self.ends[i])
            assert m is not None  # a row is a PLAIN_SCHED line
            t, procs, idle, threads, runq, per_p = m.groups()
            queued = int(runq) + sum(map(int, per_p.split()))
            values.append((int(t), int(procs), int(idle), int(threads), int(runq), queued))
        for name, column in zip(NUMBER_FIELDS, zip(*values)):
            cols[name].extend(column)
        return cols

    def is_row(self, i: int) -> bool:
        """Whether snapshot ``i`` is a plain row: a summary line alone, no
        scheddetail block (so no goroutine counts nor stop-the-world flags)."""
        return i not in self.objects

    def _build(self, i: int) -> SchedSnapshot:
        snap = self._cache.get(i)
        if snap is None:
            raw = self.blob[self.ends[i - 1] if i else 0 : self.ends[i]].decode("ascii")
            meta = LineMeta(line_no=self.line_no[i], raw=raw, stream=self.stream)
            # PLAIN_SCHED accepts only these shapes' lines: one matches.
            shape, m = next((s, m) for s in _PLAIN_SHAPES if (m := s.pattern.fullmatch(raw)) is not None)
            built = shape.build(m, meta)
            assert isinstance(built, SchedSnapshot)
            snap = self._cache[i] = built
        return snap

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_cache"] = {}
        state["_numbers"] = {}
        return state


def _line_of(event: object) -> int:
    meta = getattr(event, "meta", None)
    return meta.line_no if meta is not None else 0
