"""The what-if as people read it: a JSON-ready summary, a text table, a sentence.

:mod:`tui.analysis.whatif` does the modelling; this module picks the
settings worth showing (the one asked for, then the sensitivity table over
GOGC = 50, 100, 200, 400 and GOGC=off with a limit), lays them out next to
what was observed, and gives the findings one sentence to quote
(:func:`advice_quote`).
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from tui.analysis.whatif import (
    ASSUMPTIONS,
    DEFAULT_OVERHEAD_MB,
    Calibration,
    Outcome,
    Refusal,
    Setting,
    calibrate,
    predict,
)
from tui.model import Model

SENSITIVITY_GOGC = (50.0, 100.0, 200.0, 400.0)


def nonheap_source(cal: Calibration, given: bool) -> str:
    """Where the non-heap memory figure came from, in words for the assumptions line."""
    if given:
        return "given with --nonheap"
    if cal.nonheap_measured:
        return "measured from the cycles the limit bound"
    return f"assumed: stacks + {DEFAULT_OVERHEAD_MB:g} MB of GC metadata and runtime structures"


def sensitivity_settings(cal: Calibration, memlimit_mb: float | None) -> list[Setting]:
    """GOGC = 50..400 (with the limit asked for, if any), then GOGC=off under
    a limit: the one asked for, the program's own, or else the observed peak
    total memory (what the process needed anyway)."""
    limit = memlimit_mb
    if limit is None and cal.setting is not None:
        limit = cal.setting.memlimit_mb
    settings = [Setting(g, memlimit_mb) for g in SENSITIVITY_GOGC]
    settings.append(Setting(None, limit if limit is not None else math.ceil(cal.observed.peak_total_mb)))
    return settings


def _row(cal: Calibration, setting: Setting) -> dict[str, Any]:
    try:
        outcome = predict(cal, setting)
    except Refusal as r:
        return {"setting": setting.label(), "refused": str(r)}
    return _outcome(outcome)


def _outcome(o: Outcome) -> dict[str, Any]:
    d = asdict(o)
    d["setting"] = d.pop("label")
    for key, value in d.items():
        if isinstance(value, float):
            d[key] = round(value, 2) if math.isfinite(value) else None
    return d


def assumptions(cal: Calibration, given: bool) -> str:
    """The one line of what the prediction takes for granted, with the
    non-heap memory it used and where that figure came from."""
    return f"{ASSUMPTIONS} Non-heap memory: {cal.nonheap_mb:.1f} MB ({nonheap_source(cal, given)})."


def summarize(
    model: Model, setting: Setting, rows: range | None = None, nonheap_mb: float | None = None
) -> dict[str, Any]:
    """The what-if for ``setting`` over ``rows`` (default the last run), as a
    JSON-ready dict; ``nonheap_mb`` is the user's figure for non-heap memory.
    Raises :class:`Refusal` when the log cannot support it."""
    cal = calibrate(model, rows, nonheap_mb)
    source = nonheap_source(cal, nonheap_mb is not None)
    return {
        "assumptions": assumptions(cal, nonheap_mb is not None),
        "calibration": {
            "cycles": len(cal.intervals) + 1,
            "span_s": round(cal.span_s, 3),
            "procs": cal.procs,
            "live_heap_mb": [cal.live_min_mb, cal.live_max_mb],
            "gc_cpu_ms_per_live_mb": round(cal.cpu_ms_per_mb, 4),
            "gc_fixed_ms_per_live_mb": round(cal.fixed_ms_per_mb, 4),
            "assist_scale": round(cal.assist_scale, 3),
            "mark_speed_procs": round(cal.mark_speed, 2),
            "runway_used": round(cal.runway_used, 3),
            "nonheap_mb": round(cal.nonheap_mb, 1),
            "nonheap_measured": cal.nonheap_measured,
            "nonheap_source": source,
            "setting": cal.setting.label() if cal.setting else None,
        },
        "observed": _outcome(cal.observed),
        "predicted": _row(cal, setting),
        "sensitivity": [_row(cal, s) for s in sensitivity_settings(cal, setting.memlimit_mb)],
    }


_COLUMNS = (
    ("setting", "{}", 34),
    ("cycles_per_min", "{:.0f}", 11),
    ("gc_cpu_pct", "{:.1f} %", 10),
    ("peak_heap_mb", "{:.0f} MB", 11),
    ("peak_total_mb", "{:.0f} MB", 11),
    ("limit_cycles", "{:.0f}", 13),
)


def render_text(summary: dict[str, Any]) -> str:
    """The summary as a table for a terminal."""
    head = ("setting", "cycles/min", "GC CPU", "peak heap", "peak total", "limit-driven")
    lines = ["  ".join(h.rjust(w) if i else h.ljust(w) for i, (h, (_, _, w)) in enumerate(zip(head, _COLUMNS)))]
    rows = [summary["observed"], summary["predicted"], {"setting": ""}, *summary["sensitivity"]]
    for row in rows:
        if row.get("refused"):
            lines.append(f"{row['setting']:<34}  refused: {row['refused']}")
            continue
        cells = []
        for key, fmt, width in _COLUMNS:
            value = row.get(key)
            text = "" if value is None else fmt.format(value)
            cells.append(text.ljust(width) if key == "setting" else text.rjust(width))
        lines.append("  ".join(cells).rstrip())
    cal = summary["calibration"]
    nonheap = cal["nonheap_source"].split(":")[0]
    lines.append("")
    lines.append(
        f"Calibrated on {cal['cycles']} cycles over {cal['span_s']:.1f} s, {cal['procs']} P, live heap "
        f"{cal['live_heap_mb'][0]:.0f}-{cal['live_heap_mb'][1]:.0f} MB: "
        f"{cal['gc_fixed_ms_per_live_mb']:.3f} ms of STW and background GC CPU per MB of live heap + roots, assists "
        f"{cal['assist_scale']:.2f} x the mark CPU x the share of the runway allocated during the mark, "
        f"{cal['nonheap_mb']:.0f} MB non-heap memory ({nonheap})."
    )
    lines.append(summary["assumptions"])
    return "\n".join(lines) + "\n"


def _calibration(model: Model, rows: range | None, memo: dict[Any, Any] | None) -> Calibration:
    """``calibrate(model, rows)``, kept in ``memo`` (a findings evaluation's
    Scope.memo) with its refusal: live, every rule judges the same newest
    window, and four findings quoting the what-if calibrated it four times
    under the model's lock."""
    if memo is None:
        return calibrate(model, rows)
    key = ("calibration", rows)
    if key not in memo:
        try:
            memo[key] = calibrate(model, rows)
        except Refusal as r:
            memo[key] = r
    found = memo[key]
    if isinstance(found, Refusal):
        raise found
    return found


def advice_quote(model: Model, rows: range | None = None, gogc: float | None = None,
                 memo: dict[Any, Any] | None = None) -> str:
    """One sentence (with a leading space) for a finding's advice: what a higher
    GOGC would do here, from the what-if. Empty when the log cannot support a prediction (the
    advice then stands without numbers). ``memo``: see :func:`_calibration`."""
    try:
        cal = _calibration(model, rows, memo)
        if gogc is None and cal.setting is not None and cal.setting.gogc is None and cal.setting.memlimit_mb is not None:
            return ""  # GOGC=off: the limit alone paces it, no higher GOGC to suggest
        current = cal.setting.gogc if cal.setting and cal.setting.gogc else 100.0
        target = gogc if gogc is not None else current * 2
        limit = cal.setting.memlimit_mb if cal.setting else None
        o, p = cal.observed, predict(cal, Setting(target, limit))
    except Refusal:
        return ""
    return (
        f" By gctui's what-if model, GOGC={target:g} would cut GC CPU from {o.gc_cpu_pct:.0f}% to about "
        f"{p.gc_cpu_pct:.0f}% and raise the peak heap from {o.peak_heap_mb:.0f} to {p.peak_heap_mb:.0f} MB "
        f"(gctui whatif LOG --gogc {target:g})."
    )


def limit_quote(model: Model, rows: range | None = None, factor: float = 1.5,
                memo: dict[Any, Any] | None = None) -> str:
    """One sentence (with a leading space) for the memory-limit finding: what a
    limit ``factor`` times the program's own would do, from the what-if.

    A saved log does not say the limit, but a limit-bound runtime holds the
    goal at about the limit minus its non-heap memory, so the limit is
    estimated as the typical goal plus that (and GOGC, when unknown, as the
    finding assumes it: 100); the sentence then says it is an estimate.
    Empty when the log cannot support a prediction. ``memo``: see :func:`_calibration`."""
    try:
        cal = _calibration(model, rows, memo)
        o = cal.observed
        setting = cal.setting
        known = setting is not None and setting.memlimit_mb is not None
        if setting is not None and setting.memlimit_mb is not None:
            limit, gogc = setting.memlimit_mb, setting.gogc
        else:
            if not o.goal_mb or not math.isfinite(o.goal_mb):
                return ""
            limit = o.goal_mb + cal.nonheap_mb
            gogc = setting.gogc if setting is not None and setting.gogc is not None else 100.0
        target = math.ceil(limit * factor)
        p = predict(cal, Setting(gogc, target))
    except Refusal:
        return ""
    gogc_text = "off" if gogc is None else f"{gogc:g}"
    guess = "" if known else (
        f"if the limit is about {limit:.0f} MiB (the typical goal plus {cal.nonheap_mb:.0f} MB of non-heap"
        f" memory) and GOGC={gogc_text}, ")
    # With the limit unknown no observed cycle counts as limit-driven: no "from 0".
    driven = (f" and the limit-driven cycles from {o.limit_cycles:.0f} to about {p.limit_cycles:.0f}"
              if known else "")
    return (
        f" By gctui's what-if model, {guess}GOMEMLIMIT={target}MiB would cut GC CPU from {o.gc_cpu_pct:.0f}% to "
        f"about {p.gc_cpu_pct:.0f}%{driven}, for a peak heap of about {p.peak_heap_mb:.0f} MB instead of "
        f"{o.peak_heap_mb:.0f} (gctui whatif LOG --gogc {gogc_text} --memlimit {target}MiB)."
    )
