"""Runs (segments) as the user reads them: ``run 2 · gc 50``, a run's time
span, and what the jump prompt accepts (``50``, ``2/50``, ``@2m30s``).

A log that holds a restart numbers its cycles from 1 again, so a cycle
number alone names two cycles. Everything that names a cycle goes through
:func:`cycle_label`, which adds the run only when there is more than one, so
a single-run log reads as before. Plain Python: unit-tested without Textual.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.columns import MISSING_U32
from tui.model import Model


def run_prefix(model: Model, segment: int) -> str:
    """``run 2 · `` when the log has several runs, else nothing."""
    return f"run {segment + 1} · " if len(model.segments) > 1 else ""


def cycle_label(model: Model, index: int) -> str:
    """The cycle at store row ``index`` as ``gc 50`` or ``run 2 · gc 50``."""
    cols = model.cycles.cols
    return f"{run_prefix(model, cols.segment[index])}gc {cols.n[index]}"


def span_label(model: Model, segment: int | None, first: int | None, last: int | None) -> str:
    """A range of cycle numbers in one run: ``gc 3–9``, ``run 2 · gc 3–9``."""
    if first is None:
        return ""
    prefix = run_prefix(model, segment) if segment is not None else ""
    return f"{prefix}gc {first}" + (f"–{last}" if last not in (None, first) else "")


def hms(seconds: float) -> str:
    """``47.8s``, ``2m30s``, ``65h45m``: a time since program start a person reads at a glance."""
    if seconds != seconds:  # NaN
        return "-"
    if seconds < 60:
        return f"{seconds:.1f}s" if seconds < 10 else f"{seconds:.0f}s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h{minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d{hours:02d}h"


@dataclass(frozen=True, slots=True)
class RunSummary:
    """One run for the run picker: which rows, which cycles, when, and why it began."""

    segment: int
    first_index: int
    last_index: int
    first_n: int
    last_n: int
    start_s: float | None
    end_s: float | None
    reason: str

    @property
    def cycles(self) -> int:
        return self.last_index - self.first_index + 1

    def describe(self) -> str:
        when = (f"{hms(self.start_s)} – {hms(self.end_s)}" if self.start_s is not None and self.end_s is not None
                else "time unknown")
        return (f"run {self.segment + 1}   gc {self.first_n}–{self.last_n}   {self.cycles:,} cycles   "
                f"{when}   ({self.reason})")


def runs_of(model: Model, count: int) -> list[RunSummary]:
    """Every run with at least one committed cycle, oldest first."""
    store, out = model.cycles, []
    reasons = {info.index: info.reason for info in model.segments}
    if not count:
        return []
    for seg in range(store.cols.segment[count - 1] + 1):
        lo, hi = store.segment_range(seg)
        hi = min(hi, count)
        if lo >= hi:
            continue
        t0, t1 = store.cols.t_ms[lo], store.cols.t_ms[hi - 1]
        out.append(RunSummary(seg, lo, hi - 1, store.cols.n[lo], store.cols.n[hi - 1],
                              None if t0 == MISSING_U32 else t0 / 1000, None if t1 == MISSING_U32 else t1 / 1000,
                              reasons.get(seg, "restart")))
    return out


@dataclass(frozen=True, slots=True)
class JumpTarget:
    """What the jump prompt asked for: a cycle number or a time, maybe in a given run (1-based)."""

    run: int | None = None
    n: int | None = None
    at_s: float | None = None


_TIME = re.compile(r"^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s?)?$")


def parse_time(text: str) -> float | None:
    """``90``, ``90s``, ``2m30s``, ``1h2m``, ``1.5m`` as seconds (None if not a time)."""
    m = _TIME.match(text.strip())
    if not m or not any(m.groups()):
        return None
    h, mi, s = (float(g) if g else 0.0 for g in m.groups())
    return h * 3600 + mi * 60 + s


def parse_jump(text: str) -> JumpTarget | None:
    """``50`` (gc 50), ``2/50`` (run 2's gc 50), ``@2m30s`` (the cycle nearest
    that time), ``2/@90s``; None when the text is none of these."""
    text = text.strip().replace(" ", "")
    run: int | None = None
    if "/" in text:
        head, text = text.split("/", 1)
        if not head.isdigit() or int(head) < 1:
            return None
        run = int(head)
    if text.startswith("@"):
        at = parse_time(text[1:])
        return None if at is None else JumpTarget(run, at_s=at)
    if text.isdigit():
        return JumpTarget(run, n=int(text))
    return None
