"""Many gc lines to columns at once: the bulk path's one converter.

The event path reads a gc line into a :class:`~parsers.events.GCCycle` with
``int()`` and ``float()`` (:mod:`parsers.gctrace`) and stores it with
:meth:`GCColumns.append <parsers.columns.GCColumns.append>`. The bulk path
meets the same lines by the million and cannot afford an event each: it
finds their numbers as text, a field at a time, and :func:`convert` turns
them into columns with the same conversions and the same storage rules
(sentinels past a column's range, ``t_ms`` rounded from seconds, the era in
``flags``), whether the numbers came from splitting whole chunks
(:func:`stride_fields`) or from a pattern's groups (:func:`row_fields`).
"""

from __future__ import annotations

import operator
import pickle
import re
from array import array
from itertools import repeat
from typing import Iterable, Sequence

from parsers.columns import ERAS, FORCED, MISSING_U8, MISSING_U16, MISSING_U32, GCColumns, clamp

# The fields of a Go 1.6+ gc line, in the order gctrace.GO118 captures them
# (marker group aside), and each one's column; stacks and globals are absent
# before Go 1.18. "t_s" is the "@S.FFFs" stamp, stored as t_ms.
FIELDS = (
    "n", "t_s", "cpu_pct",
    "stw_sweep_term_ms", "mark_ms", "stw_mark_term_ms",
    "sweep_term_cpu_ms", "mark_assist_cpu_ms", "mark_bg_cpu_ms", "mark_idle_cpu_ms", "mark_term_cpu_ms",
    "heap_start_mb", "heap_end_mb", "heap_live_mb", "heap_goal_mb",
    "stacks_mb", "globals_mb", "procs",
)  # fmt: skip
_ERA_GO118 = ERAS.index("go1.18") << 2
_ERA_GO16 = ERAS.index("go1.6") << 2

Tokens = Sequence[bytes]


def convert(fields: Sequence[Tokens | None], forced: Iterable[object] | None = None) -> GCColumns:
    """Columns of gc lines from their numbers as text, one sequence per
    entry of :data:`FIELDS` (a line's ``stacks_mb``/``globals_mb`` token is
    empty, or the whole sequence None, for a Go 1.6-1.17 line); ``forced``
    holds a truthy value per forced cycle. Line numbers and segments are the
    caller's. Raises ValueError where ``int()`` or ``float()`` would (a
    number past int()'s digit limit, a duration like ``1.2.3``)."""
    n, t_s, cpu_pct, *durations, heap0, heap1, heap2, goal, stacks, globals_, procs = fields
    assert n is not None and t_s is not None and cpu_pct is not None and procs is not None
    count = len(n)
    c = GCColumns()
    c.n = _unsigned("I", _numbers("q", n), MISSING_U32)
    # "@S.FFFs" in ms as GCColumns.append rounds it (the sentinel past 49 days).
    c.t_ms = _unsigned("I", list(map(round, map(operator.mul, _numbers("d", t_s), repeat(1000.0)))), MISSING_U32)
    c.cpu_pct = _unsigned("B", _numbers("q", cpu_pct), MISSING_U8)
    (
        c.stw_sweep_term_ms,
        c.mark_ms,
        c.stw_mark_term_ms,
        c.sweep_term_cpu_ms,
        c.mark_assist_cpu_ms,
        c.mark_bg_cpu_ms,
        c.mark_idle_cpu_ms,
        c.mark_term_cpu_ms,
    ) = [array("f", _numbers("f", tokens or ())) for tokens in durations]
    # Summed from the stored float32 values, as GCColumns.append does.
    c.stw_ms = array("f", map(operator.add, c.stw_sweep_term_ms, c.stw_mark_term_ms))
    c.heap_start_mb, c.heap_end_mb, c.heap_live_mb, c.heap_goal_mb = [
        _unsigned("I", _numbers("q", tokens or ()), MISSING_U32) for tokens in (heap0, heap1, heap2, goal)
    ]
    if stacks is None or globals_ is None:
        c.stacks_mb = array("I", [MISSING_U32]) * count
        c.globals_mb = array("I", [MISSING_U32]) * count
        c.flags = array("B", [_ERA_GO16]) * count
    elif all(stacks):
        c.stacks_mb = _unsigned("I", _numbers("q", stacks), MISSING_U32)
        c.globals_mb = _unsigned("I", _numbers("q", globals_), MISSING_U32)
        c.flags = array("B", [_ERA_GO118]) * count
    else:  # Go 1.6 and 1.18 lines mixed
        c.stacks_mb = array("I", [clamp(int(v), MISSING_U32) if v else MISSING_U32 for v in stacks])
        c.globals_mb = array("I", [clamp(int(v), MISSING_U32) if v else MISSING_U32 for v in globals_])
        c.flags = array("B", [_ERA_GO118 if v else _ERA_GO16 for v in stacks])
    c.procs = _unsigned("H", _numbers("q", procs), MISSING_U16)
    if forced is not None:
        flags = c.flags
        for i, f in enumerate(forced):
            if f:
                flags[i] |= FORCED
    return c


def _numbers(code: str, tokens: Tokens) -> list:  # type: ignore[type-arg]
    """``tokens`` (runs of digits and dots) as numbers: floats for ``code``
    ``f``/``d``, else ints, exactly as ``float()`` and ``int()`` read them.

    float() and int() through map() cost 60-80 ns a number; the unpickler
    reads a protocol 0 program of FLOAT ("F1.25\\n") or LONG ("L125\\n")
    opcodes in C at half that, with the same conversions (float()'s
    correctly rounded one; int() of base 0). Where the two differ (a leading
    zero, which base 0 refuses; a float past a double's range, which float()
    makes inf) the builtins convert the tokens instead.
    """
    floats = code in "fd"
    program = (b"(F" + b"\nF".join(tokens) if floats else b"(L" + b"\nL".join(tokens)) + b"\nl."
    try:
        values: list = pickle.loads(program)  # type: ignore[type-arg]
    except (pickle.UnpicklingError, ValueError, OverflowError):
        values = list(map(float, tokens)) if floats else list(map(int, tokens))
    return values


def _unsigned(code: str, values: list[int], missing: int) -> array:  # type: ignore[type-arg]
    """``values`` in an array of ``code``; one at or past ``missing`` (the
    column's sentinel) is stored as the sentinel, as GCColumns.append does."""
    try:
        return array(code, values)
    except OverflowError:
        return array(code, [clamp(v, missing) for v in values])


# -- where the text comes from -------------------------------------------------

# Everything but digits and the decimal point becomes a space, so a gc line
# splits into its 16 (Go 1.6-1.17) or 18 (Go 1.18+) numbers, in order.
_NUMERIC = bytes(c if chr(c) in "0123456789." else 32 for c in range(256))


def stride_fields(gc_lines: list[bytes]) -> tuple[list[Tokens | None], Iterable[object] | None] | None:
    """The fields of gc lines of one shape (all Go 1.6 or all Go 1.18, as
    :data:`VALID` matched them), split in one go (translate, split) and
    dealt a field at a time by stride, and which were forced (None: none).
    None when the lines do not split evenly (mixed shapes) or a duration
    has a dot at either end, which ``VALID``'s loose ``[\\d.]+`` lets
    through and the gc shapes do not."""
    count = len(gc_lines)
    joined = b" ".join(gc_lines)
    numeric = joined.translate(_NUMERIC)
    tokens = numeric.split()
    width = len(tokens) // count if count else 0
    if width * count != len(tokens) or width not in (16, 18) or b" ." in numeric or b". " in numeric:
        return None
    fields: list[Tokens | None] = [tokens[k::width] for k in range(width - 1)]
    if width == 16:
        fields += [None, None]
    fields.append(tokens[width - 1 :: width])
    forced = map(bytes.endswith, gc_lines, repeat(b" (forced)")) if b"(forced)" in joined else None
    return fields, forced


def row_fields(rows: list[tuple[bytes, ...]]) -> tuple[list[Tokens | None], Iterable[object]]:
    """The fields of gc lines matched by :data:`FAST`, and their forced groups."""
    cols = list(zip(*rows))
    t_s = list(map(b".".join, zip(cols[1], cols[2])))
    return [cols[0], t_s, *cols[3:19]], cols[19]


_D = rb"(\d+(?:\.\d+)?)"
# Exactly the lines gctrace.GO118 / GO16 accept with no marker and no prefix,
# or any other line (last group), so that every line yields one row.
FAST = re.compile(
    rb"^(?:gc (\d+) @(\d+)\.(\d{3})s (\d+)%: "
    + _D + rb"\+" + _D + rb"\+" + _D + rb" ms clock, "
    + _D + rb"\+" + _D + rb"/" + _D + rb"/" + _D + rb"\+" + _D + rb" ms cpu, "
    + rb"(\d+)->(\d+)->(\d+) MB, (\d+) MB goal, (?:(\d+) MB stacks, (\d+) MB globals, )?"
    + rb"(\d+) P( \(forced\))?|(.*))$",
    re.M,
)  # fmt: skip
FAST_OTHER = 20  # the group of a line that is not a plain gc line

# A plain Go 1.6+ gc line (no prefix, no marker, no CR), after a newline:
# FAST's gc line, checked as fast as the regex engine allows (no groups,
# single-character repeats). A duration is looser here ("[\d.]+", twice as
# fast as "\d+(?:\.\d+)?"); stride_fields refuses what FAST would not take.
# Whole numbers have at most 9 digits, so that every column holds them; a
# line with longer ones goes through the parser, whose rules clamp them.
VALID = re.compile(
    rb"\ngc \d{1,9} @\d{1,7}\.\d{3}s \d{1,9}%: [\d.]+\+[\d.]+\+[\d.]+ ms clock, "
    rb"[\d.]+\+[\d.]+/[\d.]+/[\d.]+\+[\d.]+ ms cpu, \d{1,9}->\d{1,9}->\d{1,9} MB, \d{1,9} MB goal, "
    rb"(?:\d{1,9} MB stacks, \d{1,9} MB globals, )?\d{1,9} P(?: \(forced\))?(?=\n)"
)


def gc_text(row: tuple[bytes, ...]) -> bytes:
    """Rebuild the gc line a :data:`FAST` row matched, exactly as the
    runtime printed it, for a row the parser must read after all."""
    (n, s, f, pct, c1, c2, c3, p1, p2, p3, p4, p5, h0, h1, h2, goal, st, gl, procs, forced, _) = row
    tail = b"%s MB stacks, %s MB globals, " % (st, gl) if st else b""
    return (
        b"gc %s @%s.%ss %s%%: %s+%s+%s ms clock, %s+%s/%s/%s+%s ms cpu, %s->%s->%s MB, %s MB goal, %s%s P%s"
        % (n, s, f, pct, c1, c2, c3, p1, p2, p3, p4, p5, h0, h1, h2, goal, tail, procs, forced)
    )
