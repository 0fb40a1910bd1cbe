"""The selected cycle in words: every field of its gctrace line, explained.

The cycle detail panel and the help screen share these sentences, so a
field is explained the same way everywhere. Units are as the runtime prints
them: times in ms, memory in MB (MiB, truncated).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from parsers.events import GCCycle
from tui.model.cycles import CycleStore


@dataclass(frozen=True, slots=True)
class DetailRow:
    """One line of the detail: a label, its value, and what it means."""

    label: str
    value: str
    explanation: str
    section: str = "line"  # "line": printed by the runtime; "derived": computed by gctui


# (attribute, label, unit, explanation): in the order the runtime prints them.
FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("n", "gc", "", "cycle number, counted from program start"),
    ("t_s", "@", "s", "when the cycle started, seconds since program start"),
    ("cpu_pct", "GC CPU so far", "%", "share of all CPU spent in GC since program start (cumulative)"),
    ("stw_total_ms", "whole GC", "ms", "Go 1.4 and older stop the world for the whole collection"),
    ("stw_sweep_term_ms", "sweep termination", "ms", "stop-the-world pause that ends sweeping and starts marking"),
    ("scan_ms", "scan", "ms", "Go 1.5: concurrent root scan"),
    ("install_wb_ms", "install WB", "ms", "Go 1.5: turning on the write barrier"),
    ("mark_ms", "concurrent mark", "ms", "marking, running alongside your goroutines (not a pause)"),
    ("stw_mark_term_ms", "mark termination", "ms", "stop-the-world pause that finishes marking"),
    ("sweep_term_cpu_ms", "sweep term CPU", "ms", "CPU time of the sweep termination pause"),
    ("mark_assist_cpu_ms", "assist CPU", "ms",
     "CPU your goroutines spent helping mark because they allocated fast (it slows them down)"),
    ("mark_bg_cpu_ms", "background CPU", "ms", "CPU of the dedicated and fractional mark workers (about 25% of Ps)"),
    ("mark_idle_cpu_ms", "idle CPU", "ms", "CPU of mark workers on otherwise idle Ps (costs nothing you would use)"),
    ("mark_term_cpu_ms", "mark term CPU", "ms", "CPU time of the mark termination pause"),
    ("heap_start_mb", "heap at start", "MB", "heap in use when the cycle started"),
    ("heap_end_mb", "heap at end", "MB", "heap in use when marking ended (allocation continues during mark)"),
    ("heap_live_mb", "live heap", "MB", "heap marked reachable: what survives this cycle"),
    ("heap_goal_mb", "heap goal", "MB", "heap size at which the pacer planned to finish this cycle (GOGC, GOMEMLIMIT)"),
    ("stacks_mb", "stacks", "MB", "goroutine stacks scanned (Go 1.18+ counts them into the goal)"),
    ("globals_mb", "globals", "MB", "global variables scanned (Go 1.18+ counts them into the goal)"),
    ("procs", "P", "", "processors (GOMAXPROCS) in use"),
)

EXPLAINED = {attr: text for attr, _, _, text in FIELDS}
DERIVED_TEXT = {
    "stw": "total stop-the-world pause: sweep termination + mark termination",
    "interval": "time since the previous cycle started (this run only)",
    "alloc rate": "heap allocated between the previous cycle's end and this one's start, per second",
    "GC CPU": "this cycle's GC CPU (idle workers left out) over the CPU offered since the previous"
              " cycle ended; not shown under 10 ms, too short for the 1 ms clock (the chart's"
              " column gives the share of a stretch of cycles)",
    "assist share": "share of mark CPU done by your goroutines as assists",
    "overshoot": "heap at end of mark above the goal (negative: under it)",
    "effective GOGC": "the GOGC the goal implies; far below your GOGC means a memory limit"
                      " (or a GOGC set in code) set it",
}


def _fmt(value: object, unit: str) -> str:
    if isinstance(value, float):
        text = f"{value:.3f}".rstrip("0").rstrip(".") if abs(value) < 100 else f"{value:,.0f}"
    else:
        text = f"{value}"
    return f"{text} {unit}".rstrip()


def cycle_rows(cycle: GCCycle) -> list[DetailRow]:
    """The fields the runtime printed for this cycle, in its order."""
    rows: list[DetailRow] = []
    for attr, label, unit, text in FIELDS:
        value = getattr(cycle, attr)
        if value is None:
            continue
        rows.append(DetailRow(label, _fmt(value, unit), text))
    if cycle.forced:
        rows.append(DetailRow("(forced)", "yes", "started by runtime.GC() or debug.FreeOSMemory, not by the pacer"))
    if cycle.leak_check:
        rows.append(DetailRow("(leak check)", "yes", "Go 1.26+: this cycle also looked for leaked goroutines"))
    for name, value in cycle.extra:
        rows.append(DetailRow(name, value, "a field this gctui does not know (a newer Go?): shown as printed"))
    return rows


def derived_rows(store: CycleStore, i: int) -> list[DetailRow]:
    """The numbers the runtime does not print, computed by gctui."""
    cycle = store.cycle(i)
    rows: list[DetailRow] = []

    def add(label: str, value: float | None, fmt: str) -> None:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return
        rows.append(DetailRow(label, fmt.format(value), DERIVED_TEXT[label], "derived"))

    add("stw", cycle.stw_ms, "{:.3f} ms")
    add("interval", float(store.interval_s[i]) * 1000.0, "{:.1f} ms")
    add("alloc rate", float(store.alloc_rate_mb_s[i]), "{:.1f} MB/s")
    add("GC CPU", float(store.gc_cpu[i]) * 100.0, "{:.1f} %")
    if math.isnan(store.gc_cpu[i]) and not math.isnan(store.interval_s[i]):
        rows.append(DetailRow("GC CPU", "too short", DERIVED_TEXT["GC CPU"], "derived"))
    add("assist share", float(store.assist_share[i]) * 100.0, "{:.0f} %")
    over = store.overshoot_mb(i)
    add("overshoot", None if over is None else float(over), "{:+.0f} MB")
    add("effective GOGC", store.effective_gogc(i), "{:.0f}")
    return rows


def reconstruct_line(cycle: GCCycle) -> str:
    """The gctrace line as the runtime would print it, for cycles whose raw
    text was not kept (a file read in bulk): every number is the parsed one."""
    if cycle.era == "go1.4":
        return (f"gc{cycle.n}({cycle.procs}): {_n(cycle.stw_total_ms)} ms ... "
                f"{_n(cycle.heap_start_mb)} -> {_n(cycle.heap_end_mb)} MB")
    clock = "+".join(_n(v) for v in (cycle.stw_sweep_term_ms, cycle.scan_ms, cycle.install_wb_ms,
                                     cycle.mark_ms, cycle.stw_mark_term_ms) if v is not None)
    cpu = (f"{_n(cycle.sweep_term_cpu_ms)}+{_n(cycle.mark_assist_cpu_ms)}/{_n(cycle.mark_bg_cpu_ms)}/"
           f"{_n(cycle.mark_idle_cpu_ms)}+{_n(cycle.mark_term_cpu_ms)}")
    leak = " (checking for goroutine leaks)" if cycle.leak_check else ""
    line = (f"gc {cycle.n} @{_n(cycle.t_s)}s {_n(cycle.cpu_pct)}%{leak}: {clock} ms clock, {cpu} ms cpu, "
            f"{_n(cycle.heap_start_mb)}->{_n(cycle.heap_end_mb)}->{_n(cycle.heap_live_mb)} MB, "
            f"{_n(cycle.heap_goal_mb)} MB goal, ")
    if cycle.stacks_mb is not None:
        line += f"{_n(cycle.stacks_mb)} MB stacks, {_n(cycle.globals_mb)} MB globals, "
    line += f"{_n(cycle.procs)} P"
    return line + (" (forced)" if cycle.forced else "")


def _n(value: float | int | None) -> str:
    if value is None:
        return "?"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") or "0"
    return str(value)
