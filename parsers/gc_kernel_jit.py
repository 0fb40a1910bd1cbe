"""The numba code of :mod:`parsers.gc_kernel`: imported only through it.

One pass over a chunk of whole lines: each line either matches the plain
gc-line grammar and has its numbers stored in the output columns (row
``g``, line index ``gc_line[g]``), or is left unmarked for the exact path.
See :mod:`parsers.gc_kernel` for the grammar and the conversion rules.
"""

from __future__ import annotations

from typing import Any, Callable

import numba
import numpy as np

MISSING_U32 = 0xFFFFFFFF
MISSING_U16 = 0xFFFF
MISSING_U8 = 0xFF
ERA_GO118 = 0 << 2  # ERAS.index("go1.18") << 2, as parsers.columns stores it
ERA_GO16 = 1 << 2
FORCED = 1
MAX_DEC_DIGITS = 15  # a mantissa below 10**15 < 2**53 is an exact double

# u32 rows, f32 rows: the order scan() fills them in.
U32 = ("n", "t_ms", "heap_start_mb", "heap_end_mb", "heap_live_mb", "heap_goal_mb", "stacks_mb", "globals_mb")
F32 = ("stw_sweep_term_ms", "mark_ms", "stw_mark_term_ms", "sweep_term_cpu_ms", "mark_assist_cpu_ms",
       "mark_bg_cpu_ms", "mark_idle_cpu_ms", "mark_term_cpu_ms", "stw_ms")

POW10 = np.array([10.0**k for k in range(MAX_DEC_DIGITS + 1)], dtype=np.float64)


def _lit(text: str) -> Any:
    return np.frombuffer(text.encode("ascii"), dtype=np.uint8).copy()


GC_ = _lit("gc ")
SP_AT = _lit(" @")
S_SP = _lit("s ")
PCT = _lit("%: ")
CLOCK = _lit(" ms clock, ")
CPU = _lit(" ms cpu, ")
ARROW = _lit("->")
MB_ = _lit(" MB, ")
GOAL = _lit(" MB goal, ")
STACKS = _lit(" MB stacks, ")
GLOBALS = _lit(" MB globals, ")
P_ = _lit(" P")
FORCED_ = _lit(" (forced)")

jit = numba.njit(cache=False, nogil=True)


@jit
def _lit_at(buf: Any, p: int, e: int, lit: Any) -> int:
    """Position after ``lit`` at ``p``, or -1."""
    n = lit.shape[0]
    if p < 0 or p + n > e:
        return -1
    for i in range(n):
        if buf[p + i] != lit[i]:
            return -1
    return p + n


@jit
def _uint(buf: Any, p: int, e: int, most: int) -> tuple[int, int]:
    """``\\d{1,most}`` at ``p`` not followed by a digit: (value, end) or (0, -1)."""
    if p < 0:
        return 0, -1
    v = 0
    q = p
    while q < e:
        c = buf[q]
        if c < 48 or c > 57:
            break
        v = v * 10 + (c - 48)
        q += 1
        if q - p > most:
            return 0, -1
    if q == p:
        return 0, -1
    return v, q


@jit
def _byte(buf: Any, p: int, e: int, c: int) -> int:
    if p < 0 or p >= e or buf[p] != c:
        return -1
    return p + 1


@jit
def _dec(buf: Any, p: int, e: int) -> tuple[float, int]:
    """``\\d+(\\.\\d+)?`` of at most 15 digits: (float() of it, end) or (0, -1)."""
    if p < 0:
        return 0.0, -1
    m = 0
    q = p
    while q < e and 48 <= buf[q] <= 57:
        m = m * 10 + (buf[q] - 48)
        q += 1
    whole = q - p
    if whole == 0 or whole > MAX_DEC_DIGITS:
        return 0.0, -1
    k = 0
    if q < e and buf[q] == 46:
        q += 1
        while q < e and 48 <= buf[q] <= 57 and whole + k <= MAX_DEC_DIGITS:
            m = m * 10 + (buf[q] - 48)
            q += 1
            k += 1
        if k == 0 or whole + k > MAX_DEC_DIGITS:
            return 0.0, -1
    return np.float64(m) / POW10[k], q


@jit
def _line(buf: Any, p: int, e: int, g: int, u32: Any, f32: Any, cpu: Any, procs: Any, flags: Any) -> bool:
    """Parse the line ``buf[p:e]`` into row ``g``; False if it is not a plain gc line."""
    p = _lit_at(buf, p, e, GC_)
    n, p = _uint(buf, p, e, 9)
    p = _lit_at(buf, p, e, SP_AT)
    sec, p = _uint(buf, p, e, 7)
    p = _byte(buf, p, e, 46)
    if p < 0 or p + 3 > e:
        return False
    frac = 0
    for i in range(3):
        c = buf[p + i]
        if c < 48 or c > 57:
            return False
        frac = frac * 10 + (c - 48)
    p = _lit_at(buf, p + 3, e, S_SP)
    pct, p = _uint(buf, p, e, 9)
    p = _lit_at(buf, p, e, PCT)
    d0, p = _dec(buf, p, e)
    p = _byte(buf, p, e, 43)  # +
    d1, p = _dec(buf, p, e)
    p = _byte(buf, p, e, 43)
    d2, p = _dec(buf, p, e)
    p = _lit_at(buf, p, e, CLOCK)
    d3, p = _dec(buf, p, e)
    p = _byte(buf, p, e, 43)
    d4, p = _dec(buf, p, e)
    p = _byte(buf, p, e, 47)  # /
    d5, p = _dec(buf, p, e)
    p = _byte(buf, p, e, 47)
    d6, p = _dec(buf, p, e)
    p = _byte(buf, p, e, 43)
    d7, p = _dec(buf, p, e)
    p = _lit_at(buf, p, e, CPU)
    h0, p = _uint(buf, p, e, 9)
    p = _lit_at(buf, p, e, ARROW)
    h1, p = _uint(buf, p, e, 9)
    p = _lit_at(buf, p, e, ARROW)
    h2, p = _uint(buf, p, e, 9)
    p = _lit_at(buf, p, e, MB_)
    goal, p = _uint(buf, p, e, 9)
    p = _lit_at(buf, p, e, GOAL)
    x, p = _uint(buf, p, e, 9)
    if p < 0:
        return False
    stacks = MISSING_U32
    globals_ = MISSING_U32
    era = ERA_GO16
    q = _lit_at(buf, p, e, STACKS)
    if q >= 0:
        stacks = x
        globals_, q = _uint(buf, q, e, 9)
        q = _lit_at(buf, q, e, GLOBALS)
        x, p = _uint(buf, q, e, 9)
        era = ERA_GO118
    p = _lit_at(buf, p, e, P_)
    if p < 0:
        return False
    forced = 0
    if p != e:
        p = _lit_at(buf, p, e, FORCED_)
        if p != e:
            return False
        forced = FORCED
    u32[0, g] = n
    t = np.rint((np.float64(sec * 1000 + frac) / 1000.0) * 1000.0)
    u32[1, g] = MISSING_U32 if t >= MISSING_U32 else np.uint32(t)
    u32[2, g] = h0
    u32[3, g] = h1
    u32[4, g] = h2
    u32[5, g] = goal
    u32[6, g] = stacks
    u32[7, g] = globals_
    f32[0, g] = np.float32(d0)
    f32[1, g] = np.float32(d1)
    f32[2, g] = np.float32(d2)
    f32[3, g] = np.float32(d3)
    f32[4, g] = np.float32(d4)
    f32[5, g] = np.float32(d5)
    f32[6, g] = np.float32(d6)
    f32[7, g] = np.float32(d7)
    # Summed from the stored float32 values in float64, as the columns do.
    f32[8, g] = np.float32(np.float64(f32[0, g]) + np.float64(f32[2, g]))
    cpu[g] = MISSING_U8 if pct >= MISSING_U8 else pct
    procs[g] = MISSING_U16 if x >= MISSING_U16 else x
    flags[g] = era | forced
    return True


def scan(buf: Any, start: int, gc_line: Any, u32: Any, f32: Any, cpu: Any, procs: Any, flags: Any) -> int:
    """Every whole line of ``buf[start:]`` (each ends in a newline); the
    plain gc lines' numbers go to rows 0.. of the outputs, their line index
    (0: the line at ``start``) to ``gc_line``. Returns how many."""
    end = buf.shape[0]
    p = start
    line = 0
    g = 0
    while p < end:
        e = p
        while e < end and buf[e] != 10:
            e += 1
        if e == end:
            break
        if e - p > 40 and buf[p] == 103 and _line(buf, p, e, g, u32, f32, cpu, procs, flags):
            gc_line[g] = line
            g += 1
        line += 1
        p = e + 1
    return g


def compiled(cache: bool) -> Callable[..., int]:
    """``scan`` compiled for one signature, GIL released while it runs."""
    t = numba.types
    sig = t.int64(t.Array(t.uint8, 1, "C", readonly=True), t.int64, t.int64[::1], t.uint32[:, ::1],
                  t.float32[:, ::1], t.uint8[::1], t.uint16[::1], t.uint8[::1])
    compiled_scan: Callable[..., int] = numba.njit(sig, nogil=True, cache=cache)(scan)
    return compiled_scan
