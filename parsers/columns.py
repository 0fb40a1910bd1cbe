"""Per-cycle numbers in columns: what six million cycles can afford.

One object per cycle costs several hundred bytes; a row here costs 78. Every
column is an ``array`` of a fixed-size type, appended cycle by cycle (the
live path) or extended chunk by chunk (the bulk path). Missing values use
sentinels: NaN for floats, the type's maximum for integers (``MISSING_U32``,
``MISSING_U16``, ``MISSING_U8``); :meth:`GCColumns.cycle` turns a row back
into a :class:`GCCycle` with ``None`` where a sentinel stood.
"""

from __future__ import annotations

import math
from array import array
from typing import Iterable

from parsers.events import GCCycle, LineMeta

MISSING_U32 = 0xFFFFFFFF
MISSING_U16 = 0xFFFF
MISSING_U8 = 0xFF
NAN = math.nan

FORCED = 1
LEAK_CHECK = 2
ERAS = ("go1.18", "go1.6", "go1.5", "go1.4")  # era code = index, in flags >> 2

# name -> array typecode. ``t_ms`` is the "@T s" stamp in ms (printed with
# exactly three decimals, so exact); ``mark_ms`` is the concurrent wall time
# between the two stop-the-world phases (Go 1.5: scan + install WB + mark).
COLUMNS: dict[str, str] = {
    "n": "I",
    "t_ms": "I",
    "cpu_pct": "B",
    "stw_sweep_term_ms": "f",
    "mark_ms": "f",
    "stw_mark_term_ms": "f",
    "stw_ms": "f",
    "sweep_term_cpu_ms": "f",
    "mark_assist_cpu_ms": "f",
    "mark_bg_cpu_ms": "f",
    "mark_idle_cpu_ms": "f",
    "mark_term_cpu_ms": "f",
    "heap_start_mb": "I",
    "heap_end_mb": "I",
    "heap_live_mb": "I",
    "heap_goal_mb": "I",
    "stacks_mb": "I",
    "globals_mb": "I",
    "procs": "H",
    "flags": "B",
    "line_no": "I",
    "segment": "H",
}


def clamp(value: int | None, missing: int) -> int:
    """``value`` as a column stores it: the sentinel ``missing`` for None and
    for anything the column cannot hold (the event path and the bulk
    converter, :mod:`parsers.gc_columns`, both store numbers through this)."""
    return missing if value is None or value < 0 or value >= missing else value


def _f(value: float | None) -> float:
    return NAN if value is None else value


class GCColumns:
    """Columnar storage of GC cycles; attribute per column (see ``COLUMNS``)."""

    def __init__(self) -> None:
        for name, code in COLUMNS.items():
            setattr(self, name, array(code))

    n: array[int]
    t_ms: array[int]
    cpu_pct: array[int]
    stw_sweep_term_ms: array[float]
    mark_ms: array[float]
    stw_mark_term_ms: array[float]
    stw_ms: array[float]
    sweep_term_cpu_ms: array[float]
    mark_assist_cpu_ms: array[float]
    mark_bg_cpu_ms: array[float]
    mark_idle_cpu_ms: array[float]
    mark_term_cpu_ms: array[float]
    heap_start_mb: array[int]
    heap_end_mb: array[int]
    heap_live_mb: array[int]
    heap_goal_mb: array[int]
    stacks_mb: array[int]
    globals_mb: array[int]
    procs: array[int]
    flags: array[int]
    line_no: array[int]
    segment: array[int]

    def __len__(self) -> int:
        return len(self.n)

    def nbytes(self) -> int:
        """Bytes held by the column buffers (what a stored cycle costs)."""
        return sum(len(col) * col.itemsize for col in self.arrays())

    def arrays(self) -> Iterable[array]:  # type: ignore[type-arg]
        return (getattr(self, name) for name in COLUMNS)

    def append(self, c: GCCycle, segment: int) -> None:
        """Add one cycle from the event path (the bulk path converts many
        lines at once with :func:`parsers.gc_columns.convert`, by the same
        rules; tests/test_gc_columns.py holds the two to it)."""
        mark = c.mark_ms
        if c.era == "go1.5" and mark is not None:
            mark += (c.scan_ms or 0.0) + (c.install_wb_ms or 0.0)
        flags = (FORCED if c.forced else 0) | (LEAK_CHECK if c.leak_check else 0)
        flags |= ERAS.index(c.era) << 2 if c.era in ERAS else 0
        self.n.append(clamp(c.n, MISSING_U32))
        self.t_ms.append(MISSING_U32 if c.t_s is None else clamp(round(c.t_s * 1000), MISSING_U32))
        self.cpu_pct.append(clamp(c.cpu_pct, MISSING_U8))
        self.stw_sweep_term_ms.append(_f(c.stw_sweep_term_ms))
        self.mark_ms.append(_f(mark))
        self.stw_mark_term_ms.append(_f(c.stw_mark_term_ms))
        # Summed from the stored float32 values, as the bulk path does.
        if c.stw_total_ms is not None:
            self.stw_ms.append(c.stw_total_ms)
        else:
            self.stw_ms.append(self.stw_sweep_term_ms[-1] + self.stw_mark_term_ms[-1])
        self.sweep_term_cpu_ms.append(_f(c.sweep_term_cpu_ms))
        self.mark_assist_cpu_ms.append(_f(c.mark_assist_cpu_ms))
        self.mark_bg_cpu_ms.append(_f(c.mark_bg_cpu_ms))
        self.mark_idle_cpu_ms.append(_f(c.mark_idle_cpu_ms))
        self.mark_term_cpu_ms.append(_f(c.mark_term_cpu_ms))
        self.heap_start_mb.append(clamp(c.heap_start_mb, MISSING_U32))
        self.heap_end_mb.append(clamp(c.heap_end_mb, MISSING_U32))
        self.heap_live_mb.append(clamp(c.heap_live_mb, MISSING_U32))
        self.heap_goal_mb.append(clamp(c.heap_goal_mb, MISSING_U32))
        self.stacks_mb.append(clamp(c.stacks_mb, MISSING_U32))
        self.globals_mb.append(clamp(c.globals_mb, MISSING_U32))
        self.procs.append(clamp(c.procs, MISSING_U16))
        self.flags.append(flags)
        self.line_no.append(clamp(c.meta.line_no, MISSING_U32))
        self.segment.append(clamp(segment, MISSING_U16))

    def extend(self, other: GCColumns) -> None:
        """Append every row of ``other`` (a parsed chunk)."""
        for name in COLUMNS:
            getattr(self, name).extend(getattr(other, name))

    def cycle(self, i: int, raw: str = "") -> GCCycle:
        """Row ``i`` as an event (sentinels back to ``None``)."""

        def u32(name: str) -> int | None:
            v = getattr(self, name)[i]
            return None if v == MISSING_U32 else v

        def fl(name: str) -> float | None:
            v = getattr(self, name)[i]
            return None if math.isnan(v) else _round(v)

        flags = self.flags[i]
        t = self.t_ms[i]
        era = ERAS[(flags >> 2) & 3]
        return GCCycle(
            meta=LineMeta(line_no=self.line_no[i], raw=raw),
            era=era,
            n=self.n[i],
            t_s=None if t == MISSING_U32 else t / 1000.0,
            cpu_pct=None if self.cpu_pct[i] == MISSING_U8 else self.cpu_pct[i],
            stw_sweep_term_ms=fl("stw_sweep_term_ms"),
            mark_ms=fl("mark_ms"),
            stw_mark_term_ms=fl("stw_mark_term_ms"),
            sweep_term_cpu_ms=fl("sweep_term_cpu_ms"),
            mark_assist_cpu_ms=fl("mark_assist_cpu_ms"),
            mark_bg_cpu_ms=fl("mark_bg_cpu_ms"),
            mark_idle_cpu_ms=fl("mark_idle_cpu_ms"),
            mark_term_cpu_ms=fl("mark_term_cpu_ms"),
            heap_start_mb=u32("heap_start_mb"),
            heap_end_mb=u32("heap_end_mb"),
            heap_live_mb=u32("heap_live_mb"),
            heap_goal_mb=u32("heap_goal_mb"),
            stacks_mb=u32("stacks_mb"),
            globals_mb=u32("globals_mb"),
            procs=None if self.procs[i] == MISSING_U16 else self.procs[i],
            forced=bool(flags & FORCED),
            leak_check=bool(flags & LEAK_CHECK),
            stw_total_ms=fl("stw_ms") if era == "go1.4" else None,
        )


def _round(value: float) -> float:
    """Undo float32 storage noise: the runtime prints at most 3 decimals."""
    return round(value, 3) if abs(value) < 1e6 else value
