"""Before and after: two reports side by side, as one shows an optimisation.

:func:`compare` takes two summaries from :func:`tui.analysis.report.summarize` (so
it can also compare saved ``gctui report --json`` files) and lines up the
numbers engineers quote after a GC tuning change: STW pause p99, the
median GC interval, cycles per minute, GC CPU, the peak live heap and the
heap goal, each with its absolute and relative change and whether that
change is better or worse. Findings are matched by id: resolved, new and
remaining. :func:`render_compare` lays it out as plain text.
"""

from __future__ import annotations

from typing import Any

# (key, label, unit, path into the summary, scale, direction): "lower" or
# "higher" is better, None when neither is (a lower heap goal saves memory
# but costs more cycles; which matters is the reader's call).
METRICS: tuple[tuple[str, str, str, tuple[str, ...], float, str | None], ...] = (
    ("stw_p99_ms", "STW pause p99", "ms", ("pause_ms", "p99"), 1.0, "lower"),
    ("stw_max_ms", "STW pause max", "ms", ("pause_ms", "max"), 1.0, "lower"),
    # In ms: cycles a few ms apart are what a GC storm looks like.
    ("interval_p50_ms", "GC interval p50", "ms", ("interval_s", "p50"), 1000.0, "higher"),
    ("cycles_per_min", "GC cycles", "per min", ("cycles_per_min",), 1.0, "lower"),
    ("gc_cpu_pct", "GC CPU", "%", ("gc_cpu_pct", "overall"), 1.0, "lower"),
    ("heap_live_max_mb", "Peak live heap", "MB", ("heap_live_mb", "max"), 1.0, "lower"),
    ("heap_peak_mb", "Peak heap at end of mark", "MB", ("heap_peak_mb",), 1.0, "lower"),
    ("heap_goal_max_mb", "Heap goal, max", "MB", ("heap_goal_mb", "max"), 1.0, None),
)
# Changes smaller than this (percent) are noise between two runs.
SAME_WITHIN_PCT = 1.0


def compare(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The metric-by-metric comparison of two summaries, JSON-ready."""
    metrics = []
    for key, label, unit, path, scale, direction in METRICS:
        a, b = _get(before, path, scale), _get(after, path, scale)
        change = None if a is None or b is None else round(b - a, 6)
        change_pct = None
        if change is not None:
            change_pct = 0.0 if change == 0 else (round(change / a * 100.0, 2) if a else None)
        metrics.append(
            {
                "key": key,
                "label": label,
                "unit": unit,
                "before": a,
                "after": b,
                "change": change,
                "change_pct": change_pct,
                "better": direction,
                "verdict": _verdict(change, change_pct, direction),
            }
        )
    ids_before = _finding_ids(before)
    ids_after = _finding_ids(after)
    return {
        "before": _side(before),
        "after": _side(after),
        "metrics": metrics,
        "findings": {
            "resolved": [i for i in ids_before if i not in ids_after],
            "new": [i for i in ids_after if i not in ids_before],
            "remaining": [i for i in ids_after if i in ids_before],
        },
    }


def _get(summary: dict[str, Any], path: tuple[str, ...], scale: float) -> float | None:
    """The number at ``path`` (times ``scale``), or None when absent."""
    value: Any = summary
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    return value if scale == 1.0 else round(value * scale, 6)


def _verdict(change: float | None, change_pct: float | None, direction: str | None) -> str | None:
    """``better``, ``worse`` or ``same``; None when unknown or neither is better."""
    if change is None:
        return None
    if change == 0 or (change_pct is not None and abs(change_pct) < SAME_WITHIN_PCT):
        return "same"
    if direction is None:
        return None
    return "better" if (change < 0) == (direction == "lower") else "worse"


def _side(summary: dict[str, Any]) -> dict[str, Any]:
    cycles = summary.get("cycles") or {}
    return {
        "source": summary.get("source"),
        "cycles": cycles.get("count"),
        "trace_found": summary.get("trace_found"),
    }


def _finding_ids(summary: dict[str, Any]) -> list[str]:
    """Finding ids in report order, each once."""
    seen: dict[str, None] = {}
    for f in summary.get("findings") or ():
        seen.setdefault(str(f.get("id")), None)
    return list(seen)


# -- text -------------------------------------------------------------------


def render_compare(result: dict[str, Any]) -> str:
    """The comparison as an aligned plain-text table."""
    out = ["gctui compare"]
    for side in ("before", "after"):
        info = result[side]
        what = f"{info['cycles']} GC cycles" if info["cycles"] else "no GC cycles"
        if info.get("trace_found") is False:
            what = "no Go runtime trace found in this input"
        out.append(f"  {side:<7} {info['source'] or '-'} ({what})")
    out.append("")
    header = f"{'metric':<30} {'before':>10} {'after':>10} {'change':>10} {'relative':>9}"
    out.append(header)
    out.append("-" * len(header))
    for m in result["metrics"]:
        label = f"{m['label']} ({m['unit']})"
        change = "-" if m["change"] is None else ("+" if m["change"] > 0 else "") + _num(m["change"])
        pct = m["change_pct"]
        rel = "-" if pct is None else f"{pct:+.1f}%"
        out.append(
            f"{label:<30} {_num(m['before']):>10} {_num(m['after']):>10} {change:>10} {rel:>9}"
            + (f"  {m['verdict']}" if m["verdict"] else "")
        )
    f = result["findings"]
    out.append("")
    for name in ("resolved", "new", "remaining"):
        out.append(f"{'Findings ' + name:<20} {', '.join(f[name]) or 'none'}")
    return "\n".join(out) + "\n"


def _num(value: float | None) -> str:
    """Four significant digits; thousands without an exponent."""
    if value is None:
        return "-"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"
