"""Findings: what the numbers mean, as sentences an engineer can act on.

A rule looks at one segment (one run of the program; statistics never mix
runs) and returns at most one :class:`Finding`: a severity, one sentence
with the numbers, and what to try next. Rules live in small modules
(``rules_gc``, ``rules_heap``, ``rules_sched``, ``rules_runtime``), one function per rule id,
registered in :data:`RULES` in a fixed order.

Two ways to evaluate. Live (``full=False``, what :class:`FindingsEngine`
does on every model change): only the current segment and only its newest
window, so a rule costs O(window), never O(all cycles), however long the
program has run. Report (``full=True``, the default of :func:`evaluate`):
every segment, each cut into back-to-back windows, and each rule reports
its worst window; this scans everything once.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Sequence

from parsers.columns import MISSING_U32
from tui.model import Model
from tui.analysis.thresholds import Thresholds
from tui.analysis.windows import report_windows, windows

SEVERITIES = ("info", "warning", "critical")
_RANK = {s: i for i, s in enumerate(SEVERITIES)}


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One diagnosis. ``first_cycle``/``last_cycle`` are cycle numbers (gc N),
    ``first_index``/``last_index`` indices in the cycle store, ``t0_s``/``t1_s``
    seconds since process start; all None when the finding is not about
    cycles. ``value`` is the headline number, in the unit the message uses."""

    id: str
    severity: str
    title: str
    message: str
    advice: str
    segment: int
    first_cycle: int | None = None
    last_cycle: int | None = None
    first_index: int | None = None
    last_index: int | None = None
    t0_s: float | None = None
    t1_s: float | None = None
    value: float | None = None
    # The pod of a multi-pod stream the finding is about (its own model's
    # indices do not address the whole stream's rows: they are left None).
    source: str | None = None


RuleFn = Callable[["Scope"], "Finding | None"]

# Every rule id, in the order rules run and are listed.
RULE_IDS: tuple[str, ...] = (
    "gc-frequent",
    "gc-cpu-high",
    "stw-long",
    "mark-assist-heavy",
    "heap-overshoot",
    "forced-gc",
    "live-heap-growing",
    "memory-limit-bound",
    "rss-heap-gap",
    "goroutines-growing",
    "runqueue-backlog",
    "stw-stuck",
    "finalizer-queue-growing",
    "gomaxprocs-changed",
    "crash",
)
# id -> (title, function), filled by the rule modules as they are imported.
RULES: dict[str, tuple[str, RuleFn]] = {}


def rule(rule_id: str, title: str) -> Callable[[RuleFn], RuleFn]:
    """Register a rule function under its id (the table ``RULES``)."""

    if rule_id not in RULE_IDS:
        raise ValueError(f"rule {rule_id!r} is not listed in RULE_IDS")

    def register(fn: RuleFn) -> RuleFn:
        RULES[rule_id] = (title, fn)
        return fn

    return register


@dataclass(frozen=True, slots=True)
class Scope:
    """What one rule evaluation sees: one segment, live or full report."""

    model: Model
    th: Thresholds
    segment: int
    full: bool
    rows: range  # the segment's cycles in the store
    # What several rules of this evaluation share (a report's windows, their
    # GC CPU sums): found by the first rule that needs it. Owned by the scope,
    # not the module, so two evaluations at once (the app's full scan beside
    # the live findings of each pod) neither share nor clear each other's.
    memo: dict[Any, Any] = field(default_factory=dict, compare=False)

    def windows(self, seconds: float, max_rows: int, sample: bool = False) -> Iterator[range]:
        """Windows of this segment's cycles by start time: live, only the
        newest; in a report, back to back over the segment (see
        :func:`tui.analysis.windows.windows` for ``max_rows`` and ``sample``)."""
        t = self.model.cycles.cols.t_ms
        if self.full and not sample:  # the same windows for several rules: found once
            yield from report_windows(self.memo, t, self.rows, seconds, max_rows)
            return
        yield from windows(t, self.rows, seconds, max_rows, sample, self.full)

    def recent_or_all(self) -> range:
        """Live: the newest window; full report: the whole segment."""
        if self.full:
            return self.rows
        return next(self.windows(self.th.window_s, self.th.window_cycles), range(0))

    def sched_rows(self) -> range:
        """Indices into ``model.sched`` of this segment's snapshots."""
        segs = self.model.sched_segment
        seg = self.segment
        return range(bisect.bisect_left(segs, seg), bisect.bisect_right(segs, seg))

    def sched_windows(self, seconds: float, max_rows: int, sample: bool = False) -> Iterator[range]:
        """Like :meth:`windows`, over scheduler snapshots (SCHED clock)."""
        t = self.model.sched.numbers()["t_ms"]
        yield from windows(t, self.sched_rows(), seconds, max_rows, sample, self.full)

    def t_s(self, i: int) -> float | None:
        """Start of cycle ``i``, seconds since process start."""
        t = self.model.cycles.cols.t_ms[i]
        return None if t == MISSING_U32 else t / 1000.0

    def finding(
        self,
        rule_id: str,
        severity: str,
        message: str,
        advice: str,
        rows: Sequence[int] | None = None,
        value: float | None = None,
        t0_s: float | None = None,
        t1_s: float | None = None,
    ) -> Finding:
        """Build a finding of this segment spanning cycles ``rows`` (if any)."""
        extra: dict[str, object] = {}
        if rows is not None and len(rows):
            n = self.model.cycles.cols.n
            a, b = rows[0], rows[-1]
            extra = dict(first_index=a, last_index=b, first_cycle=n[a], last_cycle=n[b])
            t0_s = self.t_s(a) if t0_s is None else t0_s
            t1_s = self.t_s(b) if t1_s is None else t1_s
        return Finding(
            id=rule_id,
            severity=severity,
            title=RULES[rule_id][0],
            message=message,
            advice=advice,
            segment=self.segment,
            t0_s=t0_s,
            t1_s=t1_s,
            value=value,
            **extra,  # type: ignore[arg-type]
        )


def cycles_text(scope: Scope, rows: Sequence[int]) -> str:
    """``gc 12–gc 80 (3.4 s)``: which cycles a window covers."""
    n = scope.model.cycles.cols.n
    a, b = rows[0], rows[-1]
    t0, t1 = scope.t_s(a), scope.t_s(b)
    span = f" ({t1 - t0:.1f} s)" if t0 is not None and t1 is not None else ""
    return f"gc {n[a]}–gc {n[b]}{span}"


# -- evaluation -----------------------------------------------------------------------


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Most severe first, then newest (later segment, later end) first."""

    def key(f: Finding) -> tuple[int, int, float, str]:
        t1 = math.inf if f.t1_s is None else f.t1_s
        return (-_RANK[f.severity], -f.segment, -t1, f.id)

    return sorted(findings, key=key)


def evaluate(
    model: Model,
    thresholds: Thresholds | None = None,
    *,
    full: bool = True,
    segment: int | None = None,
    rules: Sequence[str] | None = None,
    stop: Callable[[], bool] | None = None,
) -> list[Finding]:
    """Run every rule (or ``rules``) and return findings, worst and newest first.

    ``full=True`` (a report): every segment (or just ``segment``), whole.
    ``full=False`` (live): the current segment's newest window only.
    ``stop``: asked between rules; when it says yes the scan gives up and
    returns what it found so far (a full scan of a million cycles takes
    seconds, and a user who quits must not wait for it).
    """
    th = thresholds or Thresholds()
    if segment is not None:
        segments = [segment]
    elif full:
        segments = sorted({s.index for s in model.segments})
    else:
        segments = [model.segment]
    out: list[Finding] = []
    for seg in segments:
        scope = Scope(model, th, seg, full, range(*model.cycles.segment_range(seg)))
        for rule_id in rules or RULE_IDS:
            if stop is not None and stop():
                return sort_findings(out)
            found = RULES[rule_id][1](scope)
            if found is not None:
                out.append(found)
    return sort_findings(out)


class FindingsEngine:
    """Live findings that follow the model, recomputed only when it changed.

    ``update(model)`` is cheap to call on every batch: with the same model
    version it returns the previous list; otherwise it evaluates the newest
    window of the current segment (O(window) per rule). ``changed`` says
    whether the last update produced a different list, so the app redraws
    only then. ``report(model)`` is the full scan for a final report.
    """

    def __init__(self, thresholds: Thresholds | None = None) -> None:
        self._thresholds = thresholds or Thresholds()
        self._model: Model | None = None
        self._version = -1
        self.findings: list[Finding] = []
        self.changed = False

    @property
    def thresholds(self) -> Thresholds:
        return self._thresholds

    @thresholds.setter
    def thresholds(self, value: Thresholds) -> None:
        self._thresholds = value
        self._model = None  # re-evaluate on the next update

    def update(self, model: Model) -> list[Finding]:
        if model is self._model and model.version == self._version:
            self.changed = False
            return self.findings
        self._model, self._version = model, model.version
        found = evaluate(model, self._thresholds, full=False)
        self.changed = found != self.findings
        self.findings = found
        return found

    def report(self, model: Model) -> list[Finding]:
        """Every segment, whole: what a final report shows."""
        return evaluate(model, self._thresholds, full=True)


# The rule modules register themselves in RULES on import; imported last
# because they use Scope, Finding and rule() above. (Importing a rule module
# first also works: this line then completes the table before it registers.)
from tui.analysis import rules_gc, rules_heap, rules_runtime, rules_sched  # noqa: E402, F401
