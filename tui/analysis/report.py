"""A whole log in one summary: the numbers an engineer quotes, as JSON or text.

:func:`summarize` turns a loaded :class:`~tui.model.Model` into a plain dict
(what ``gctui report --json`` prints and ``gctui compare`` reads);
:func:`render_text` lays it out for a terminal. Every number is ``None``
when the log does not hold it (an empty file, a log with SCHED lines only),
never 0, so "zero" always means the runtime printed zero.

The sums run over the model's columns, not over per-cycle objects: a 1 GB
log holds six million cycles. Percentiles count distinct values instead of
sorting a six-million-item list (STW pauses repeat a lot at 3 decimals).
"""

from __future__ import annotations

import math
import textwrap
from array import array
from collections import Counter
from typing import Any, Iterable

from parsers.columns import ERAS, FORCED, MISSING_U8, MISSING_U16, MISSING_U32
from parsers.events import LINE_KINDS
from tui.analysis.findings import Finding, evaluate
from tui.analysis.intervals import Estimate, estimated_intervals
from tui.analysis.thresholds import Thresholds
from tui.model import Model
from tui.model.arrays import numpy, view
from tui.model.cycles import CycleStore
from tui.analysis.percentiles import Distribution, rounded as _round
from tui.analysis.runtime_report import runtime_summary
from tui.model.gccpu import EMPTY, MEASURABLE_MS, CPUSpan, printed_check, span

_FINDING_KEYS = ("id", "severity", "title", "message", "advice", "first_cycle", "last_cycle", "segment")
# What each gc line shape means in Go releases (the era names the shape).
ERA_NAMES = {
    "go1.18": "Go 1.18 or later (gc lines with stacks and globals)",
    "go1.6": "Go 1.6 to 1.17",
    "go1.5": "Go 1.5",
    "go1.4": "Go 1.4 or earlier (the C runtime's gcN(P) lines)",
}


def summarize(
    model: Model, thresholds: Thresholds | None = None, source: str | None = None, *, scan: bool = True
) -> dict[str, Any]:
    """The report of ``model`` as a JSON-ready dict (see the module docstring).

    ``scan=False`` leaves the findings out (an empty list): the whole of a
    stream of many pods takes its pods' findings instead
    (:func:`tui.analysis.sources.pool`), and a full scan of the interleaved
    cycles would be thrown away.

    ``source`` names the input in the report; by default the model's own
    ``env.description`` (set by :func:`tui.ingest.runner.load`).
    """
    store = model.cycles
    c = store.cols
    count = len(c)
    th = thresholds if thresholds is not None else Thresholds()
    runs = runs_of(model)
    estimated, estimates = estimated_intervals(store, runs, th.window_s)
    interval = Distribution(estimated, owned=True)
    spans = _fsum_present(store.interval_s)
    counted = interval.count
    lines = {kind: model.line_counts.get(kind, 0) for kind in LINE_KINDS}
    lines["total"] = model.lines
    pause = Distribution(c.stw_ms)
    flags = Counter(c.flags)
    last_printed = next((v for v in reversed(c.cpu_pct) if v != MISSING_U8), None)
    findings = evaluate(model, th) if scan else []
    return {
        "source": source if source is not None else (model.env.description or None),
        "trace_found": bool(lines["gc"] or lines["sched"]),
        # The gc line shapes seen, newest Go first.
        "go_format": [era for i, era in enumerate(ERAS) if any((f >> 2) & 3 == i for f in flags)],
        "lines": lines,
        "cycles": {
            "count": count,
            "first": c.n[0] if count else None,
            "last": c.n[-1] if count else None,
            "forced": sum(n for f, n in flags.items() if f & FORCED),
            "segments": len(model.segments),
        },
        "pause_ms": {"p50": pause.percentile(50), "p99": pause.percentile(99), "max": pause.max()},
        # Below the clock's 1 ms resolution, windows' intervals are their span
        # over their cycles (tui.analysis.intervals); "estimated" lists them.
        "interval_s": {"p50": _round_interval(interval.percentile(50, 6)),
                       "p99": _round_interval(interval.percentile(99, 6)),
                       "estimated": [{"cycles": e.cycles, "span_s": _round(e.span_s)} for e in estimates]},
        "cycles_per_min": _round(counted / spans * 60.0, 2) if counted and spans > 0 else None,
        "time_span_s": _round(spans, 3) if counted else None,
        "gc_cpu_pct": {**_gc_cpu(store, runs), "last_printed": last_printed},
        "heap_live_mb": _min_max_last(c.heap_live_mb),
        # "last" is the goal the last cycle was paced against; "next" the one
        # the runtime set for the cycle after it, when GOGC is known.
        "heap_goal_mb": {**_min_max_last(c.heap_goal_mb), "next": _next_goal(model)},
        "heap_peak_mb": _min_max_last(c.heap_end_mb)["max"],
        "mmu_10ms_pct": _mmu_10ms(store),
        "goroutines": _goroutines(model),
        "sched": _sched(model),
        "crashes": [
            {"reason": e.reason, "headline": e.headline, "line_no": e.meta.line_no,
             "goroutines": e.goroutines}
            for e in model.crashes
        ],
        "findings": [_finding(f) for f in findings],
        "runtime": runtime_summary(model),  # Go 1.25+ lines and GOMAXPROCS changes
    }


def _fsum_present(col: array) -> float:  # type: ignore[type-arg]
    """``math.fsum`` of a float column's non-NaN values (exact whatever the
    order, so read through numpy, not a Python loop over six million)."""
    np = numpy()
    values = view(col).astype(np.float64)
    return math.fsum(values[~np.isnan(values)])  # one number at a time, no list


def _round_interval(value: float | None) -> float | None:
    """Intervals read from the 1 ms clock are whole ms (3 decimals of a
    second, float32 noise aside); only estimates need more digits."""
    if value is None:
        return None
    ms = round(value, 3)
    return ms if abs(value - ms) < 5e-6 else value


def _gc_cpu(store: CycleStore, runs: list[range]) -> dict[str, Any]:
    """GC CPU of the whole log, in percent, as the runtime counts it.

    Each run's cycles' CPU over the CPU offered from process start (or, for
    a log that begins mid-run, from its first cycle's end) to the end of its
    last cycle (:mod:`tui.model.gccpu`, the function the findings and the
    chart use too). ``overall`` leaves idle mark workers out, as the
    runtime's own figure does; ``with_idle_mark`` counts them.
    ``runtime_check`` compares the last run with its last printed ``N%``.
    """
    check = printed_check(store, runs[-1].start, runs[-1].stop) if runs else None
    return {**cpu_percent(cpu_total(store, runs)), "runtime_check": check}


def runs_of(model: Model) -> list[range]:
    """Each run's (segment's) rows of the model's store, in order."""
    store = model.cycles
    return [range(*store.segment_range(seg)) for seg in sorted({s.index for s in model.segments})]


def cpu_total(store: CycleStore, runs: Iterable[range]) -> CPUSpan:
    """The GC CPU terms of every run, added (:mod:`tui.model.gccpu`)."""
    total = EMPTY
    for rows in runs:
        total = total + span(store, rows)
    return total


def cpu_percent(total: CPUSpan) -> dict[str, Any]:
    """A GC CPU total as the report gives it, in percent."""
    share, with_idle = total.share, total.share_with_idle
    return {
        "overall": None if share is None else round(share * 100.0, 2),
        "with_idle_mark": None if with_idle is None else round(with_idle * 100.0, 2),
        # The time the figure covers (process start, or first cycle, to last end).
        "elapsed_ms": round(total.elapsed_ms, 3) if total.cycles else None,
    }


def _min_max_last(col: array) -> dict[str, int | None]:  # type: ignore[type-arg]
    """``{min, max, last}`` of a MiB column (sentinels left out)."""
    if not len(col):
        return {"min": None, "max": None, "last": None}
    values: Any = col if MISSING_U32 not in col else [v for v in col if v != MISSING_U32]
    if not len(values):
        return {"min": None, "max": None, "last": None}
    return {"min": min(values), "max": max(values), "last": values[-1]}


def _goroutines(model: Model) -> dict[str, int] | None:
    """From scheddetail snapshots or pprof polls; None when nothing said."""
    series = model.goroutine_series()
    if not series:
        return None
    return {"max": max(n for _, n in series), "last": series[-1][1]}


def _sched(model: Model) -> dict[str, int] | None:
    """What the SCHED lines said about Ps, threads and the run queues."""
    if not model.sched:
        return None
    cols = model.sched.numbers()  # not events: a 1 GB log has 600,000
    return {
        "snapshots": len(model.sched),
        "gomaxprocs": cols["gomaxprocs"][-1],
        "threads_max": max(cols["threads"]),
        "runqueue_max": max(cols["runqueue"]),
        # Global plus per-P queues: goroutines ready to run but not running.
        "runnable_max": max(cols["queued"]),
    }


def _finding(f: Finding) -> dict[str, Any]:
    """A finding as JSON: what, how bad, where, and what to do about it."""
    obj: dict[str, Any] = {key: getattr(f, key) for key in _FINDING_KEYS}
    for key in ("t0_s", "t1_s", "value"):
        value = getattr(f, key)
        obj[key] = _round(value) if value is not None and math.isfinite(value) else None
    return obj


# -- text -------------------------------------------------------------------

_LABEL = 14
WIDTH = 100  # wrap findings here: readable in a wide terminal, and in a pager
TERMS = (
    "STW pause: time every goroutine was stopped (sweep termination plus mark termination).",
    "GC CPU: CPU the collector used (idle mark workers left out, as the runtime does) over all"
    " CPU the run offered (time since start x P), counted to the end of the last cycle: what"
    " the runtime's own N% and GCCPUFraction measure.",
    "Live heap: heap still reachable when marking ended; heap goal: the size at which the"
    " next cycle should finish (GOGC, GOMEMLIMIT). MB are MiB as the runtime prints them.",
)


def _mmu_10ms(store: Any) -> float | None:
    """Share of the CPU the program's goroutines got in the worst 10 ms window (tui.analysis.mmu)."""
    from tui.analysis.mmu import worst_window

    value = worst_window(store, 10.0)
    return None if value is None else round(value * 100.0, 1)


def render_text(summary: dict[str, Any]) -> str:
    """The summary as aligned plain text for a terminal (no colour codes)."""
    out = [f"gctui report: {summary.get('source') or 'input'}"]
    lines = summary["lines"]
    kinds = ", ".join(f"{k} {lines[k]:,}" for k in LINE_KINDS if lines.get(k))
    line_text = f"{lines['total']:,} total" + (f": {kinds}" if kinds else "")
    if not summary["trace_found"]:
        out.append("no Go runtime trace found in this input (no gctrace or schedtrace lines).")
        out += [_row("Lines", line_text), *_crashes(summary)]
        out.append("Run the program with GODEBUG=gctrace=1,schedtrace=1000 and save its stderr.")
        return "\n".join(out) + "\n"
    eras = "; ".join(ERA_NAMES.get(e, e) for e in summary["go_format"])
    out += [_row("Format", eras or "SCHED lines only"), "", _row("Lines", line_text)]
    out += _cycle_rows(summary)
    g, sched = summary["goroutines"], summary["sched"]
    out.append(_row("Goroutines", f"max {g['max']:,}   last {g['last']:,}   (the runtime's own"
                    " goroutines included: a few more than runtime.NumGoroutine())" if g
                    else "unknown (schedtrace with scheddetail=1 counts them)"))
    if sched:
        out.append(_row("Scheduler", f"{sched['snapshots']:,} snapshots, GOMAXPROCS {sched['gomaxprocs']}, "
                        f"up to {sched['threads_max']} threads, run queues up to {sched['runnable_max']:,}"))
    out += [*_crashes(summary), "", *_findings(summary["findings"]), "", "Terms"]
    for term in TERMS:
        out += textwrap.wrap(term, WIDTH, initial_indent="  ", subsequent_indent="    ")
    return "\n".join(out) + "\n"


def _cycle_rows(summary: dict[str, Any]) -> list[str]:
    cyc = summary["cycles"]
    if not cyc["count"]:
        return [_row("GC cycles", "none (run with GODEBUG=gctrace=1 to see them)")]
    runs = cyc["segments"]
    p, iv, rate = summary["pause_ms"], summary["interval_s"], summary["cycles_per_min"]
    cpu, printed, peak = summary["gc_cpu_pct"], summary["gc_cpu_pct"]["last_printed"], summary["heap_peak_mb"]
    out = [
        _row("GC cycles", f"{cyc['count']:,} (gc {cyc['first']} to gc {cyc['last']}"
             + (" in file order), " if runs > 1 else "), ")
             + f"{cyc['forced']:,} forced, "
             + (f"{runs} runs (restarts; the numbers cover all runs)" if runs > 1 else "1 run")),
        _row("STW pause", f"p50 {_ms(p['p50'])}   p99 {_ms(p['p99'])}   max {_ms(p['max'])}"),
        _row("GC interval", "unknown (these gc lines carry no timestamps)" if rate is None else
             f"p50 {_interval(iv['p50'], iv['estimated'])}   p99 {_interval(iv['p99'], iv['estimated'])}   "
             f"{rate:,.0f} cycles/min over {_s(summary['time_span_s'])}"),
        _row("GC CPU", "unknown (needs timestamps and CPU times)" if cpu["overall"] is None else
             f"{cpu['overall']:g}% of all CPU ({cpu['with_idle_mark']:g}% with idle mark workers)"
             + ("" if cpu.get("elapsed_ms") is None or cpu["elapsed_ms"] >= MEASURABLE_MS else
                f"; over only {cpu['elapsed_ms']:g} ms, which the 1 ms clock makes rough")),
    ]
    if summary.get("mmu_10ms_pct") is not None:
        out.append(_row("", f"worst 10 ms window: mutator got {summary['mmu_10ms_pct']:g}% "
                            "(minimum mutator utilisation, from the gc phases)"))
    if printed is not None:
        note = f"the runtime printed {printed}% (cumulative since start) at the last cycle"
        check = cpu.get("runtime_check")
        if check and not check["agrees"]:
            note += (f"; gctui's {check['computed_pct']:g}% for the same span lies outside "
                     f"[{check['printed_pct']}, {check['printed_pct'] + 1}) beyond the lines' rounding "
                     "(gc lines missing, or a GOMAXPROCS change?)")
        out.append(_row("", note))
    out += [
        _row("Live heap", _mml(summary["heap_live_mb"])),
        _row("Heap goal", _mml(summary["heap_goal_mb"], "last cycle's")
             + ("" if summary["heap_goal_mb"].get("next") is None
                else f"   next {summary['heap_goal_mb']['next']:,} MB")),
        _row("Peak heap", "unknown" if peak is None else f"{peak:,} MB at the end of mark"),
    ]
    return out


def _interval(value: float | None, estimated: list[dict[str, Any]]) -> str:
    """An interval percentile; one estimated as span ÷ cycles says so."""
    if value is None:
        return "-"
    for e in estimated:
        est = Estimate(e["cycles"], e["span_s"])
        if round(est.mean_ms / 1000.0, 6) == value:
            return est.text()
    return _s(value)


def _row(label: str, text: str) -> str:
    return f"{label:<{_LABEL}} {text}"


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g} ms" if value < 100 else f"{value:,.0f} ms"


def _s(value: float | None) -> str:
    """A duration in seconds the way a person reads it: 9 ms, 3.1 s, 12 min, 70 h."""
    if value is None:
        return "-"
    for limit, unit, scale in ((1, "ms", 1000), (120, "s", 1), (7200, "min", 1 / 60)):
        if value < limit:
            return f"{value * scale:.3g} {unit}"
    return f"{value / 3600:,.0f} h"


def _mml(d: dict[str, int | None], last: str = "last") -> str:
    if d["max"] is None or d["min"] is None or d["last"] is None:
        return "unknown"
    return f"min {d['min']:,} MB   max {d['max']:,} MB   {last} {d['last']:,} MB"


def _next_goal(model: Model) -> int | None:
    """The heap goal after the last cycle, MB, when the settings are known:
    Go 1.18+ sets it to live + (live + stacks + globals) x GOGC/100 (the
    gctrace ``MB goal`` is the goal the printed cycle ran against, not this).
    None with GOGC unknown or off, or a memory limit that may lower it."""
    env, c = model.env, model.cycles.cols
    if not len(c) or env.gogc is None or env.gomemlimit_b is not None:
        return None
    try:
        gogc = float(env.gogc)
    except ValueError:
        return None
    live = c.heap_live_mb[-1]
    if live == MISSING_U32:
        return None
    roots = 0 if c.stacks_mb[-1] == MISSING_U32 else c.stacks_mb[-1] + c.globals_mb[-1]
    return int(live + (live + roots) * gogc / 100.0)


def _crashes(summary: dict[str, Any]) -> list[str]:
    return [_row("Crash", f"{c['headline']} (line {c['line_no']})") for c in summary.get("crashes", [])]


def _findings(findings: list[dict[str, Any]]) -> list[str]:
    if not findings:
        return ["Findings       none: nothing in this log crossed a threshold."]
    out = [f"Findings ({len(findings)})"]
    indent = " " * 11
    for f in findings:
        first, last = f["first_cycle"], f["last_cycle"]
        span = "" if last in (None, first) else f" to gc {last}"
        where = "" if first is None else f"gc {first}{span}"
        where = "; ".join(w for w in (f.get("source"), where) if w)  # a pod's, in a stream of many
        where = f"  [{where}]" if where else ""
        out.append(f"  {str(f['severity']).upper():<8} {f['title'] or f['id']}{where}")
        for text in (f["message"], f"Advice: {f['advice']}" if f["advice"] else ""):
            # Commands and URLs in advice stay whole: no breaks on hyphens.
            out += textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent,
                                 break_long_words=False, break_on_hyphens=False)
    return out
