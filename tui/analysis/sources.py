"""One line per source: the pods of a multi-pod stream side by side.

A stern or ``kubectl logs --prefix`` stream interleaves several processes.
Their pooled numbers describe the deployment; each pod's own (from its own
model, :mod:`tui.ingest.by_source`) say which one is in trouble. This module
gives both front ends the same per-source facts: :func:`source_reports` the
full summary of each source for ``report --json``, :func:`overview` the few
numbers a one-line row shows (the text report and the TUI's source picker).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from tui.analysis.report import summarize
from tui.analysis.thresholds import Thresholds
from tui.model import Model
from parsers.columns import MISSING_U32

SEVERITY_RANK = {"critical": 3, "error": 3, "warning": 2, "info": 1}
# The live heap moved this much (share of its first value) to call it a trend.
TREND_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class SourceRow:
    """What one source's row shows. ``p99_stw_ms`` and ``gc_cpu_pct`` are
    None when the source's lines do not hold them; ``heap_trend`` is
    ``rising``, ``falling``, ``flat`` or ``""`` (too few cycles)."""

    name: str
    cycles: int
    runs: int
    p99_stw_ms: float | None
    gc_cpu_pct: float | None
    heap_first_mb: int | None
    heap_last_mb: int | None
    heap_trend: str
    worst: str  # the most severe finding's title, "" for none
    worst_severity: str


def source_reports(sources: Mapping[str, Model], thresholds: Thresholds | None = None) -> list[dict[str, Any]]:
    """The ``sources`` list of ``report --json``: each source's name and
    the same summary keys as the whole stream's."""
    return [_summary(name, model, thresholds) for name, model in sources.items()]


def _summary(name: str, model: Model, thresholds: Thresholds | None) -> dict[str, Any]:
    """A source's summary; its live heap also says where it started (the trend)."""
    summary = {"name": name, **summarize(model, thresholds, source=name)}
    summary["heap_live_mb"]["first"] = first_live_mb(model)
    return summary


def row_from_summary(name: str, summary: Mapping[str, Any]) -> SourceRow:
    """The row of a source from its summary (see :func:`source_reports`)."""
    live = summary["heap_live_mb"]
    first, last = _first_live(summary), live.get("last")
    worst = max(summary["findings"], key=lambda f: SEVERITY_RANK.get(f["severity"], 0), default=None)
    return SourceRow(
        name=name,
        cycles=summary["cycles"]["count"],
        runs=summary["cycles"]["segments"],
        p99_stw_ms=summary["pause_ms"]["p99"],
        gc_cpu_pct=summary["gc_cpu_pct"]["overall"],
        heap_first_mb=first,
        heap_last_mb=last,
        heap_trend=_trend(first, last),
        worst=worst["title"] if worst else "",
        worst_severity=worst["severity"] if worst else "",
    )


def overview(sources: Mapping[str, Model], thresholds: Thresholds | None = None) -> list[SourceRow]:
    """One row per source, in the order the sources first appeared."""
    return [row_from_summary(name, _summary(name, model, thresholds)) for name, model in sources.items()]


def render_row(row: SourceRow) -> str:
    """A source's row as plain text (the text report, the picker)."""
    p99 = "-" if row.p99_stw_ms is None else f"{row.p99_stw_ms:g} ms"
    cpu = "-" if row.gc_cpu_pct is None else f"{row.gc_cpu_pct:g}%"
    heap = "-" if row.heap_last_mb is None else f"{row.heap_first_mb}→{row.heap_last_mb} MB {row.heap_trend}".rstrip()
    runs = f" in {row.runs} runs" if row.runs > 1 else ""
    worst = f"   {row.worst_severity}: {row.worst}" if row.worst else "   no findings"
    return f"{row.name}: {row.cycles:,} cycles{runs}   p99 STW {p99}   GC CPU {cpu}   live heap {heap}{worst}"


def render_text(entries: list[dict[str, Any]]) -> str:
    """The text report's per-source part: a heading and one line per source."""
    if not entries:
        return ""
    out = ["", f"Sources ({len(entries)}: the pods or files of this input, each on its own)"]
    out += ["  " + render_row(row_from_summary(e["name"], e)) for e in entries]
    return "\n".join(out) + "\n"


def _first_live(summary: Mapping[str, Any]) -> int | None:
    first = summary["heap_live_mb"].get("first")
    return first if isinstance(first, int) else summary["heap_live_mb"].get("min")


def first_live_mb(model: Model) -> int | None:
    """The live heap of a source's first cycle that printed one."""
    return next((v for v in model.cycles.cols.heap_live_mb if v != MISSING_U32), None)


def _trend(first: int | None, last: int | None) -> str:
    if first is None or last is None:
        return ""
    if last > first * (1 + TREND_SHARE) and last - first >= 2:
        return "rising"
    if last < first * (1 - TREND_SHARE) and first - last >= 2:
        return "falling"
    return "flat"
