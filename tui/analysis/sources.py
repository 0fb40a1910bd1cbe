"""One line per source: the pods of a multi-pod stream side by side.

A stern or ``kubectl logs --prefix`` stream interleaves several processes.
Their pooled numbers describe the deployment; each pod's own (from its own
model, :mod:`tui.ingest.by_source`) say which one is in trouble. This module
gives both front ends the same per-source facts: :func:`source_reports` the
full summary of each source for ``report --json``, :func:`row_from_summary`
the few numbers a one-line row shows (the text report), and
:func:`quick_rows` the same numbers without the findings scan (the TUI's
source picker).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from tui.analysis.findings import Finding
from tui.analysis.intervals import estimated_intervals
from tui.analysis.percentiles import Distribution
from tui.analysis.report import cpu_percent, cpu_total, runs_of, summarize
from tui.analysis.thresholds import Thresholds
from tui.model import Model
from tui.model.arrays import numpy
from tui.model.gccpu import EMPTY
from parsers.columns import MISSING_U32

SEVERITY_RANK = {"critical": 3, "error": 3, "warning": 2, "info": 1}
# A source row's worst_severity when its findings were not looked at.
UNSCANNED = "unscanned"
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


def pool(whole: dict[str, Any], sources: Mapping[str, Model], entries: list[dict[str, Any]],
         thresholds: Thresholds | None = None) -> dict[str, Any]:
    """The whole stream's summary when it interleaves several processes.

    Counts, pauses and heap ranges pool as they are, but a figure about one
    process's timeline does not: the whole stream's cycles alternate between
    pods, so its "intervals" jump back and forth in time, its GC CPU charges
    three pods' work to one pod's clock, and its findings (GC runs every
    2 ms) describe no process at all. Those keys are rebuilt here from the
    sources: GC CPU as all sources' GC CPU over all the CPU they were
    offered, intervals from each source's own, cycles per minute as the
    sum of the sources' rates, the worst source's MMU, and the sources'
    own findings, each naming its source. With one source or none the
    whole stream is that process and ``whole`` is returned as it is.
    """
    if len(entries) < 2:
        return whole
    out = dict(whole)
    th = thresholds if thresholds is not None else Thresholds()
    total = EMPTY
    parts = []
    for model in sources.values():
        runs = runs_of(model)
        total = total + cpu_total(model.cycles, runs)
        parts.append(estimated_intervals(model.cycles, runs, th.window_s)[0])
    # elapsed_ms summed over the sources; each source's runtime check is in its entry.
    out["gc_cpu_pct"] = {**cpu_percent(total), "runtime_check": None, "last_printed": None}
    np = numpy()
    intervals = np.sort(np.concatenate(parts)) if parts else np.zeros(0)
    out["interval_s"] = {"p50": _rank(intervals, 50), "p99": _rank(intervals, 99), "estimated": []}
    rates = [e["cycles_per_min"] for e in entries if e["cycles_per_min"] is not None]
    out["cycles_per_min"] = round(sum(rates), 2) if rates else None
    spans = [e["time_span_s"] for e in entries if e["time_span_s"] is not None]
    out["time_span_s"] = max(spans) if spans else None
    mmus = [e["mmu_10ms_pct"] for e in entries if e["mmu_10ms_pct"] is not None]
    out["mmu_10ms_pct"] = min(mmus) if mmus else None
    out["heap_goal_mb"] = {**whole["heap_goal_mb"], "next": None}
    findings = [{**f, "source": e["name"]} for e in entries for f in e["findings"]]
    out["findings"] = sorted(findings, key=lambda f: -SEVERITY_RANK.get(f["severity"], 0))
    out["pooled_from_sources"] = len(entries)
    return out


def _rank(values: Any, q: float) -> float | None:
    """Nearest-rank percentile of sorted seconds, as the report rounds them."""
    if not len(values):
        return None
    rank = max(1, -(-len(values) * q // 100))
    return round(float(values[int(min(rank, len(values))) - 1]), 6)


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


def quick_rows(sources: Mapping[str, Model], worst: Mapping[str, tuple[str, str]]) -> list[SourceRow]:
    """One row per source from its columns alone, for a picker that opens at
    once: the counts, p99 pause, GC CPU and live heap the report gives
    (the same numbers as the report's, vectorised, a few ms per million
    cycles), without the report's full findings scan of every pod, which
    takes most of a second per 100,000 cycles. ``worst``: each source's most
    severe finding as ``(severity, title)`` from findings already made (the
    screen's scan), ``("", "")`` for none; a source missing from it has not
    been scanned (:data:`UNSCANNED`)."""
    out = []
    for name, model in sources.items():
        store = model.cycles
        total = cpu_total(store, runs_of(model))
        first, last = first_live_mb(model), _last_live_mb(model)
        severity, title = worst.get(name, (UNSCANNED, ""))
        out.append(SourceRow(
            name=name,
            cycles=len(store),
            runs=len(model.segments),
            p99_stw_ms=Distribution(store.cols.stw_ms).percentile(99),
            gc_cpu_pct=None if total.share is None else round(total.share * 100.0, 2),
            heap_first_mb=first,
            heap_last_mb=last,
            heap_trend=_trend(first, last),
            worst=title,
            worst_severity=severity,
        ))
    return out


def worst_by_source(findings: Iterable[Finding], chosen: str | None) -> dict[str, tuple[str, str]]:
    """The most severe finding of each source, as ``(severity, title)``,
    from a findings list in the panel's order (most severe first). The
    whole stream's list names each finding's source
    (:func:`tui.analysis.live_findings.of_source`); a chosen source's list
    is that source's alone."""
    out: dict[str, tuple[str, str]] = {}
    for f in findings:
        name = f.source if f.source is not None else chosen
        if name is None or name in out:
            continue
        prefix = f"{name}: "
        out[name] = (f.severity, f.title[len(prefix):] if f.title.startswith(prefix) else f.title)
    return out


def _last_live_mb(model: Model) -> int | None:
    col = model.cycles.cols.heap_live_mb
    return next((col[i] for i in range(len(col) - 1, -1, -1) if col[i] != MISSING_U32), None)


def render_row(row: SourceRow) -> str:
    """A source's row as plain text (the text report, the picker)."""
    p99 = "-" if row.p99_stw_ms is None else f"{row.p99_stw_ms:g} ms"
    cpu = "-" if row.gc_cpu_pct is None else f"{row.gc_cpu_pct:g}%"
    heap = "-" if row.heap_last_mb is None else f"{row.heap_first_mb}→{row.heap_last_mb} MB {row.heap_trend}".rstrip()
    runs = f" in {row.runs} runs" if row.runs > 1 else ""
    worst = f"   {row.worst_severity}: {row.worst}" if row.worst else "   no findings"
    if row.worst_severity == UNSCANNED:
        worst = "   findings not scanned yet"
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
