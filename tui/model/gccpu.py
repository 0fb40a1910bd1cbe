"""GC CPU over any span of cycles, computed the way the runtime computes it.

What the runtime counts (Go 1.19 ``gcMarkTermination`` in mgc.go; the same
split survives in Go 1.20+ as ``work.cpuStats``, where
``gc_cpu_fraction = (GCTotalTime - GCIdleTime) / TotalTime``):

* per cycle, ``sweepTermCpu + markCpu + markTermCpu`` where the two
  stop-the-world terms are ``stwprocs x`` their wall time and ``markCpu`` is
  ``assistTime + dedicatedMarkTime + fractionalMarkTime``. Mutator assists
  are in; idle mark workers are printed (the third number after ``/``) but
  left out, "since it's free" (they only run on Ps with nothing to do).
  These are exactly the gctrace CPU terms ``a+b/c/d+e`` minus ``d``;
* ``totalCpu = sched.totaltime + (now - procresizetime) * gomaxprocs``:
  every P's wall time since the scheduler started (``procresize`` in
  ``schedinit``, just before ``runtimeInitTime``, the ``@T`` origin), up to
  ``now``, the end of mark termination of the cycle just finished;
* ``GCCPUFraction`` (``runtime.ReadMemStats``) is the running sum of the
  first over the second, updated only at the end of each cycle, and the
  gctrace ``N%`` is ``int(GCCPUFraction * 100)``: truncated, so the true
  figure lies in ``[N, N+1)``.

So over any span: GC CPU = sum of cycle CPU / sum of (elapsed x P), where
the time runs from the end of the cycle before the span (or from process
start, for a run whose first cycle is ``gc 1``) to the end of the span's
last cycle, its ``@T`` start plus its three clock phases. Each cycle is
charged to the interval that ends with it: its CPU all falls inside it.
Back-to-back spans add up to the whole. A log that starts mid-run has no
origin: its first cycle only anchors the clock and is not charged.

Resolution: ``@T`` is printed in whole milliseconds (truncated) and CPU
terms with two significant digits (truncated), so one cycle's own share is
only meaningful when its interval is long; spans of many cycles are exact
to a millisecond at each end. Nothing here is capped: a share above 100 %
is the clock's resolution showing, and the callers say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from tui.model.arrays import floats, numpy, view

if TYPE_CHECKING:
    from tui.model.cycles import CycleStore

# A cycle's own GC CPU is shown only when its interval is at least this long:
# the 1 ms clock then errs by at most 10 %.
MEASURABLE_MS = 10.0
CLOCK_RESOLUTION_MS = 1.0


@dataclass(frozen=True, slots=True)
class CPUSpan:
    """GC CPU charged to a span of cycles: ms of CPU and of wall time.

    ``gc_ms`` leaves idle mark workers out (the runtime's own figure),
    ``idle_ms`` is theirs; ``offered_ms`` is elapsed x P summed per cycle;
    ``cycles`` how many cycles were charged (the rest had no clock).
    """

    gc_ms: float
    idle_ms: float
    offered_ms: float
    elapsed_ms: float
    cycles: int

    @property
    def share(self) -> float | None:
        """GC CPU as a fraction of the CPU offered, or None with no time."""
        return self.gc_ms / self.offered_ms if self.offered_ms > 0 else None

    @property
    def share_with_idle(self) -> float | None:
        return (self.gc_ms + self.idle_ms) / self.offered_ms if self.offered_ms > 0 else None

    def __add__(self, other: CPUSpan) -> CPUSpan:
        return CPUSpan(self.gc_ms + other.gc_ms, self.idle_ms + other.idle_ms,
                       self.offered_ms + other.offered_ms, self.elapsed_ms + other.elapsed_ms,
                       self.cycles + other.cycles)


EMPTY = CPUSpan(0.0, 0.0, 0.0, 0.0, 0)


def _terms(store: CycleStore, lo: int, hi: int) -> dict[str, Any]:
    """Per-row float64 arrays for rows ``[lo, hi)`` before any window or
    masking: ``t``, ``end`` and ``start`` (ms), ``procs``, ``gc`` (NaN where
    a term is missing) and ``idle`` (NaN as 0). Row ``lo`` starts where the
    row before it ended, if that row is of the same run."""
    np = numpy()
    c = store.cols
    a = max(lo - 1, 0)
    t = floats(c.t_ms, a, hi)
    end = t + floats(c.stw_sweep_term_ms, a, hi) + floats(c.mark_ms, a, hi) + floats(c.stw_mark_term_ms, a, hi)
    seg = view(c.segment, a, hi)
    start = np.full(hi - a, np.nan)
    start[1:] = end[:-1]
    first = np.ones(hi - a, dtype=bool)
    first[1:] = seg[1:] != seg[:-1]
    if a == lo:  # row lo has no row before it in the store
        first[0] = True
    else:
        first[0] = False  # row a is only the predecessor; dropped below
    # The first cycle of a run is timed from process start only when it is gc 1.
    start[first] = np.where(view(c.n, a, hi)[first] == 1, 0.0, np.nan)
    gc = (floats(c.sweep_term_cpu_ms, a, hi) + floats(c.mark_assist_cpu_ms, a, hi)
          + floats(c.mark_bg_cpu_ms, a, hi) + floats(c.mark_term_cpu_ms, a, hi))
    idle = np.nan_to_num(floats(c.mark_idle_cpu_ms, a, hi))
    k = lo - a
    return {"t": t[k:], "end": end[k:], "start": start[k:], "procs": floats(c.procs, a, hi)[k:],
            "gc": gc[k:], "idle": idle[k:]}


def _windowed_start(t: Any, start: Any) -> Any:
    """Row 0's start for a window of rows with times ``t``: at most the
    window's mean interval before its first cycle (see :func:`span`)."""
    np = numpy()
    mean = (t[-1] - t[0]) / (len(t) - 1)
    return np.fmax(start[0], t[0] - mean)  # fmax: a NaN start takes the other


def _charge(terms: dict[str, Any]) -> dict[str, Any]:
    """:func:`charged`'s arrays from :func:`_terms` (modified in place)."""
    np = numpy()
    elapsed = terms["end"] - terms["start"]
    procs, gc = terms["procs"], terms["gc"]
    offered = elapsed * procs
    ok = np.isfinite(offered) & np.isfinite(gc) & (procs > 0)
    out = {"gc": gc, "idle": terms["idle"], "elapsed": elapsed, "offered": offered}
    for arr in out.values():
        arr[~ok] = 0.0
    out["ok"] = ok
    return out


def charged(store: CycleStore, lo: int, hi: int, window: bool = False) -> dict[str, Any]:
    """Per-row numpy arrays for rows ``[lo, hi)``: ``gc``, ``idle``,
    ``elapsed``, ``offered`` (ms), with ``ok`` marking rows that are charged
    (a known interval, P and CPU); other rows hold 0 in every array.

    Row ``lo``'s time runs from the end of the cycle before it; for a
    ``window`` it reaches back at most the window's mean interval (see
    :func:`span`)."""
    terms = _terms(store, lo, hi)
    if window and hi - lo > 1:
        terms["start"][0] = _windowed_start(terms["t"], terms["start"])
    return _charge(terms)


def per_cycle(store: CycleStore, lo: int, hi: int) -> Any:
    """Each row's own GC CPU share (a float64 array), NaN where its interval
    is shorter than :data:`MEASURABLE_MS` or unknown."""
    np = numpy()
    rows = charged(store, lo, hi)
    good = rows["ok"] & (rows["elapsed"] >= MEASURABLE_MS)
    out = np.full(hi - lo, np.nan)
    out[good] = rows["gc"][good] / rows["offered"][good]
    return out


def span(store: CycleStore, rows: range | Sequence[int], window: bool = False) -> CPUSpan:
    """GC CPU charged to cycles ``rows`` (contiguous: its first and last row
    bound it). The one function the report, the findings, the chart and the
    plain status line all use, so they agree on any span.

    The span's time ends with its last cycle. It starts where the cycle
    before it ended (or at process start, for a run's ``gc 1``): spans that
    tile a run add up to the run. A window of cycles chosen by their start
    times (the findings' windows) passes ``window``: its first cycle's
    interval reaches back before the window, maybe over an hour of calm, so
    it is taken as at most the window's mean interval (start to start), and
    the calm does not dilute a storm.
    """
    if not len(rows):
        return EMPTY
    lo, hi = rows[0], rows[-1] + 1
    if window or hi - lo <= SPAN_LEAF:
        return _sums(charged(store, lo, hi, window))
    return _pairwise(store, lo, hi - lo)


SPAN_LEAF = 1 << 18  # rows charged at once by a long span (a 1 GB log's whole run: 6 million)


def _pairwise(store: CycleStore, lo: int, n: int) -> CPUSpan:
    """:func:`span` of rows ``[lo, lo + n)`` a piece at a time, so a run of
    millions of cycles does not need a dozen float64 arrays of its length at
    once. numpy sums a long array pairwise, halving it (at a multiple of 8)
    until the pieces are short; splitting the rows at the same points and
    adding the pieces' sums the same way gives the very same numbers."""
    if n <= SPAN_LEAF:
        return _sums(charged(store, lo, lo + n))
    half = n // 2
    half -= half % 8
    return _pairwise(store, lo, half) + _pairwise(store, lo + half, n - half)


def _sums(r: dict[str, Any]) -> CPUSpan:
    return CPUSpan(float(r["gc"].sum()), float(r["idle"].sum()), float(r["offered"].sum()),
                   float(r["elapsed"].sum()), int(r["ok"].sum()))


WINDOW_CHUNK = 65_536  # rows whose terms are computed at once for window_spans


def window_spans(store: CycleStore, wins: Sequence[range]) -> Iterator[tuple[CPUSpan, float, float]]:
    """For each window of rows (rising, as a report's windows are):
    ``(span(store, rows, window=True), assist_ms, mark_ms)``, the sums of
    the mark assist CPU and of all mark CPU (assist + background + idle)
    over the window's cycles that print all three.

    A report asks this of every back-to-back window of every segment. The
    per-row terms do not depend on the window except for its first row's
    start, so they are computed once per chunk of rows and each window sums
    a slice, its first row recharged; the numbers are those of :func:`span`
    exactly (the same arrays, summed the same way).
    """
    np = numpy()
    c = store.cols
    clo = chi = 0
    terms: dict[str, Any] = {}
    last = max((r[-1] + 1 for r in wins if len(r)), default=0)  # no chunk reaches past it
    for rows in wins:
        if not len(rows):
            yield EMPTY, 0.0, 0.0
            continue
        lo, hi = rows[0], rows[-1] + 1
        if not (clo <= lo and hi <= chi):
            clo, chi = lo, max(hi, min(last, lo + WINDOW_CHUNK))
            terms = _terms(store, clo, chi)
            assist = floats(c.mark_assist_cpu_ms, clo, chi)
            terms["assist"] = assist
            terms["mark"] = assist + floats(c.mark_bg_cpu_ms, clo, chi) + floats(c.mark_idle_cpu_ms, clo, chi)
            terms["charged"] = _charge({k: terms[k].copy() for k in ("end", "start", "procs", "gc", "idle")})
        a, b = lo - clo, hi - clo
        full = terms["charged"]
        r = {k: full[k][a:b].copy() for k in ("gc", "idle", "elapsed", "offered", "ok")}
        first = {k: terms[k][a:a + 1].copy() for k in ("end", "start", "procs", "gc", "idle")}
        if hi - lo > 1:
            first["start"][0] = _windowed_start(terms["t"][a:b], first["start"])
        one = _charge(first)
        for k in r:
            r[k][0] = one[k][0]
        mark = terms["mark"][a:b]
        known = ~np.isnan(mark)
        yield _sums(r), float(terms["assist"][a:b][known].sum()), float(mark[known].sum())


def spans(store: CycleStore, edges: Sequence[int]) -> list[CPUSpan]:
    """:func:`span` of each ``[edges[k], edges[k+1])``, in one pass."""
    if len(edges) < 2 or edges[-1] <= edges[0]:
        return []
    np = numpy()
    lo, hi = edges[0], edges[-1]
    r = charged(store, lo, hi)
    at = np.asarray(edges[:-1], dtype=np.int64) - lo
    sums = {k: np.add.reduceat(r[k].astype(np.float64), at) for k in ("gc", "idle", "offered", "elapsed", "ok")}
    return [CPUSpan(float(sums["gc"][k]), float(sums["idle"][k]), float(sums["offered"][k]),
                    float(sums["elapsed"][k]), int(sums["ok"][k])) for k in range(len(at))]


def printed_check(store: CycleStore, lo: int, hi: int) -> dict[str, Any] | None:
    """The run's GC CPU from its start against the runtime's printed ``N%``
    on its last gc line (rows ``[lo, hi)``, one run).

    ``N`` is truncated, so the true figure lies in ``[N, N+1)``; gctui's sum
    reads CPU terms truncated to two digits (up to ~8 % low) and the last
    ``@T`` up to 1 ms early, so the check allows for both. None when the run
    does not start at gc 1 (no origin), prints no ``N%``, or is Go 1.5 or
    older.
    """
    c = store.cols
    if hi <= lo or c.n[lo] != 1 or c.cpu_pct[hi - 1] == 0xFF:
        return None
    if (c.flags[hi - 1] >> 2) & 3 > 1:
        # Go 1.5 and older: the scan and write-barrier CPU terms (1.5) are
        # not kept in the columns, so the sum is short of the runtime's.
        return None
    total = span(store, range(lo, hi))
    if total.share is None or total.cycles != hi - lo:
        return None
    pct = total.share * 100.0
    printed = c.cpu_pct[hi - 1]
    # Truncated CPU terms read low (up to ~8 %); a truncated last @T makes
    # the elapsed time up to 1 ms short, which reads high.
    low = printed * (1.0 - 0.08) - 0.05
    high = (printed + 1) * (1.0 + CLOCK_RESOLUTION_MS / max(total.elapsed_ms, 1e-3)) + 0.05
    return {"printed_pct": printed, "computed_pct": round(pct, 2), "cycle": c.n[hi - 1],
            "agrees": low <= pct < high}
