"""What the newest runtimes print beside a cycle, kept beside its row.

Go 1.25+ can follow each gc line with ``gctrace=2`` scan statistics (one
``scan: total`` line, then one line per size class) and, under
``checkfinalizers=1``, the finalizer and cleanup queue lengths. The runtime
prints both in ``gcMarkTermination`` right after the cycle's gc line, so
each belongs to the cycle that came before it in the same process.

They live here, in side tables keyed by the cycle's index in the store,
rather than as more columns: most logs never hold them, and a column costs
every cycle of every log (the store stays under 100 bytes a cycle). A
changed GOMAXPROCS needs no table at all: the gc lines' ``N P`` column and
the SCHED lines' ``gomaxprocs=`` already hold it, so it is read from them.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Sequence

from parsers.columns import ERAS, MISSING_U16
from parsers.events import RuntimeNote
from tui.model.arrays import numpy, view

if TYPE_CHECKING:
    from parsers.rows import SchedLines
    from tui.model.cycles import CycleStore


@dataclass(frozen=True, slots=True)
class ScanCounts:
    """Objects (and, under Green Tea, spans) the mark phase scanned.

    Classic mark prints only ``objs``. Green Tea splits objects into those
    scanned one by one (``sparse_objs``), those scanned span by span in
    sparse spans and in dense spans, and spans into sparse and dense; the
    runtime prints the sums too, kept as printed.
    """

    objs: int
    sparse_objs: int | None = None
    sparse_span_objs: int | None = None
    dense_span_objs: int | None = None
    sparse_spans: int | None = None
    dense_spans: int | None = None
    spans: int | None = None

    @property
    def dense_span_share(self) -> float | None:
        """Share of scanned spans that were dense (Green Tea's fast path)."""
        if self.spans is None or self.dense_spans is None or self.spans == 0:
            return None
        return self.dense_spans / self.spans

    @property
    def dense_obj_share(self) -> float | None:
        """Share of scanned objects that were scanned in dense spans."""
        if self.dense_span_objs is None or self.objs == 0:
            return None
        return self.dense_span_objs / self.objs


@dataclass(frozen=True, slots=True)
class ScanStats:
    """One cycle's ``gctrace=2`` lines: the total and each size class
    (``L`` for large objects, else the object size such as ``32B``)."""

    total: ScanCounts | None = None
    classes: tuple[tuple[str, ScanCounts], ...] = ()

    @property
    def greentea(self) -> bool:
        return self.total is not None and self.total.spans is not None


@dataclass(frozen=True, slots=True)
class FinalizerQueues:
    """``checkfinalizers: queue: F finalizers + C cleanups`` after a cycle."""

    finalizers: int
    cleanups: int


@dataclass(frozen=True, slots=True)
class ProcsChange:
    """GOMAXPROCS seen to change: at cycle row ``index`` (gc lines) or at
    SCHED snapshot ``index`` (``t_ms`` on the SCHED clock)."""

    index: int
    before: int
    after: int
    t_ms: float | None = None


_COUNT_FIELDS = ("sparse_objs", "sparse_span_objs", "dense_span_objs", "sparse_spans", "dense_spans", "spans")


def scan_counts(fields: dict[str, str]) -> ScanCounts:
    """The numbers of one ``scan:`` note (its ``fields`` as a dict)."""
    extra = {name: int(fields[name]) for name in _COUNT_FIELDS if name in fields}
    return ScanCounts(objs=int(fields["objs"]), **extra)


class CycleExtras:
    """Scan statistics and finalizer queues by cycle index (side tables)."""

    def __init__(self) -> None:
        self.scan: dict[int, ScanStats] = {}
        self.finalizers: dict[int, FinalizerQueues] = {}
        self._sched_done = 0
        self._sched_last: int | None = None
        self._sched_changes: list[ProcsChange] = []
        # The live findings, a /metrics scrape and the report may ask from
        # different threads; the incremental scan must not run twice at once.
        self._sched_lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.scan) + len(self.finalizers)

    def attach(self, note: RuntimeNote, index: int) -> bool:
        """Keep ``note`` with cycle row ``index``; False for a topic that
        belongs to no cycle (inittrace)."""
        fields = dict(note.fields)
        if note.topic == "gc_scan":
            stats = self.scan.get(index, ScanStats())
            counts = scan_counts(fields)
            if fields.get("scope") == "total":
                stats = replace(stats, total=counts)
            else:
                stats = replace(stats, classes=(*stats.classes, (fields.get("size_class", "?"), counts)))
            self.scan[index] = stats
            return True
        if note.topic == "checkfinalizers":
            self.finalizers[index] = FinalizerQueues(int(fields["finalizers"]), int(fields["cleanups"]))
            return True
        return False

    def sched_changes(self, sched: SchedLines) -> list[ProcsChange]:
        """Every ``gomaxprocs=`` change over all SCHED snapshots, found
        incrementally: each call reads only the snapshots added since the
        last (the live findings ask on every batch)."""
        with self._sched_lock:
            return list(self._sched_scan(sched))

    def _sched_scan(self, sched: SchedLines) -> list[ProcsChange]:
        done = self._sched_done
        if len(sched) < done:  # a new model's rows: start over
            self._sched_changes, self._sched_last, done = [], None, 0
        for change in sched_procs_changes(sched, range(done, len(sched)), self._sched_last):
            self._sched_changes.append(change)
        if len(sched) > done:
            self._sched_last = _gomaxprocs_of(sched, len(sched) - 1)
        self._sched_done = len(sched)
        return self._sched_changes


def cycle_before(store: CycleStore, line_no: int) -> int | None:
    """Row of the newest cycle printed before line ``line_no``: the cycle a
    note printed after its gc line belongs to. Line numbers rise through
    the store (one input), so the usual case, the newest row, costs O(1)."""
    lines = store.cols.line_no
    if not len(lines):
        return None
    if lines[-1] < line_no:
        return len(lines) - 1
    i = bisect_left(lines, line_no) - 1
    return i if i >= 0 else None


def gomaxprocs_at(store: CycleStore, i: int) -> int | None:
    """The GOMAXPROCS row ``i``'s gc line gives: its ``N P``; None where it
    is missing, or where Go <= 1.4's ``gcN(P)`` counts helpers instead (the
    rule :func:`procs_changes` applies to every row at once)."""
    c = store.cols
    p = c.procs[i]
    if p in (0, MISSING_U16) or (c.flags[i] >> 2) & 3 == ERAS.index("go1.4"):
        return None
    return int(p)


def procs_changes(store: CycleStore, rows: range) -> list[ProcsChange]:
    """Where the gc lines' ``N P`` changes within ``rows`` (one run): each
    change at the first cycle with the new count. Vectorised: the live
    findings ask on every batch, and a run may hold millions of cycles."""
    np = numpy()
    if len(rows) < 2:
        return []
    procs = view(store.cols.procs, rows.start, rows.stop)
    # Go <= 1.4's ``gcN(P)`` counts the procs that helped this collection,
    # which varies cycle to cycle with GOMAXPROCS unchanged: not a setting.
    era = (view(store.cols.flags, rows.start, rows.stop) >> 2) & 3
    known = np.flatnonzero((procs != 0) & (procs != MISSING_U16) & (era != ERAS.index("go1.4")))
    values = procs[known]
    at = np.flatnonzero(values[1:] != values[:-1]) + 1
    t = store.cols.t_ms
    return [ProcsChange(rows.start + int(known[k]), int(values[k - 1]), int(values[k]),
                        float(t[rows.start + int(known[k])])) for k in at]


_GOMAXPROCS = re.compile(rb"gomaxprocs=(\d+)")


def sched_procs_changes(sched: SchedLines, rows: Sequence[int] | range,
                        last: int | None = None) -> list[ProcsChange]:
    """Where SCHED lines' ``gomaxprocs=`` changes within snapshot ``rows``.

    A stored row is read from its bytes, not built into an event: a long
    log holds hundreds of thousands of SCHED lines and only this one number
    of each is wanted here."""
    out: list[ProcsChange] = []
    for i in rows:
        p = _gomaxprocs_of(sched, i)
        if p is None:
            continue
        if last is not None and p != last:
            out.append(ProcsChange(i, last, p, float(sched[i].t_ms)))
        last = p
    return out


def sched_changes_between(sched: SchedLines, first_line: int, last_line: int) -> list[ProcsChange]:
    """GOMAXPROCS changes of the SCHED lines printed between two lines
    (a cycle's and the one before it): the snapshot before them counts as
    the starting value, so a change printed there is found."""
    lines = sched.line_no
    lo, hi = bisect_right(lines, first_line), bisect_left(lines, last_line)
    if lo >= hi:
        return []
    return sched_procs_changes(sched, range(lo, hi), _gomaxprocs_of(sched, lo - 1) if lo else None)


def _gomaxprocs_of(sched: SchedLines, i: int) -> int | None:
    obj = sched.objects.get(i)
    if obj is not None:
        return obj.gomaxprocs
    start = sched.ends[i - 1] if i else 0
    m = _GOMAXPROCS.search(sched.blob, start, sched.ends[i])
    return int(m.group(1)) if m else sched[i].gomaxprocs
