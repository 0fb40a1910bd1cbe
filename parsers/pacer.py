"""``GODEBUG=gcpacertrace=1`` lines: what the GC pacer planned and got.

The pacer decides when a cycle starts and how much marking the mutator must
help with. It prints one line when a cycle starts (``assist``), one when mark
ends (``end_old`` for the 2015 controller of Go 1.5-1.17, ``end`` for the
Go 1.18+ pacer) and, in some versions, one when sweeping finished
(``sweep``). Each :class:`~parsers.shapes.Shape` row is one of these shapes,
newest Go era first; builders return :class:`~parsers.events.Pacer`.

Floats come in the runtime's two styles (``+1.610639e+000`` before Go 1.26,
shortest form like ``1.610639`` after) and go through
:func:`parsers.numbers.go_float`. Sizes keep the printed unit: ``_mb`` MiB,
``_b`` bytes.
"""

from __future__ import annotations

import re

from parsers.events import LineMeta, Pacer
from parsers.numbers import FLOAT_RE, go_float
from parsers.shapes import Shape, pairs

FAMILY = "pacer"

START = re.compile(r"pacer: ")

_F = FLOAT_RE


# --- Go 1.18+: end of mark under the new pacer --------------------------------
# Quirks: the delta sign is U+2206 INCREMENT (the old line uses U+0394 GREEK
# CAPITAL DELTA); we accept either, because the two glyphs look alike and a
# re-typed or hand-edited log may carry the other one.
# ``[controller reset]`` (1.18-1.19) is glued to the closing parenthesis.
# ``∆goal`` is live heap minus goal and may be negative; the CPU figures are
# Go ``int()`` conversions, which a NaN utilisation can make negative.
_END = re.compile(
    r"pacer: (?P<cpu>-?\d+)% CPU \((?P<goal>-?\d+) exp\.\) for "
    r"(?P<heap>\d+)\+(?P<stack>\d+)\+(?P<globals>\d+) B work "
    r"\((?P<expected>\d+) B exp\.\) in (?P<trigger>\d+) B -> (?P<live>\d+) B "
    r"\([\u2206\u0394]goal (?P<delta>-?\d+), cons/mark (?P<consmark>" + _F + r")\)"
    r"(?P<reset>\[controller reset\])?"
)


def _build_end(match: re.Match[str], meta: LineMeta) -> Pacer:
    """Go 1.18+ end-of-mark line: utilisation, scan work, trigger vs live."""
    return Pacer(
        meta=meta,
        form="end",
        cpu_pct=int(match.group("cpu")),
        cpu_goal_pct=int(match.group("goal")),
        heap_scan_b=int(match.group("heap")),
        stack_scan_b=int(match.group("stack")),
        globals_scan_b=int(match.group("globals")),
        expected_b=int(match.group("expected")),
        trigger_b=int(match.group("trigger")),
        live_b=int(match.group("live")),
        delta_goal_b=int(match.group("delta")),
        cons_mark=go_float(match.group("consmark")),
        controller_reset=match.group("reset") is not None,
    )


# --- Go 1.5+: start of cycle ---------------------------------------------------
# ``workers=D+F``: D dedicated workers, then F. Go 1.5-1.9 print F as an
# integer count of fractional workers (``workers=2+0``); Go 1.10-1.25 print the
# fractional utilisation goal as a runtime float, which carries its own sign,
# hence the doubled plus in ``workers=0++2.500000e-001``; Go 1.26 prints
# ``workers=0+0.25``. FLOAT_RE's optional sign absorbs the second ``+``.
_ASSIST = re.compile(
    r"pacer: assist ratio=(?P<ratio>" + _F + r") \(scan (?P<scan>\d+) MB in "
    r"(?P<live>\d+)->(?P<goal>\d+) MB\) workers=(?P<dedicated>\d+)\+(?P<frac>" + _F + r")"
)


def _build_assist(match: re.Match[str], meta: LineMeta) -> Pacer:
    """Start-of-cycle line: assist ratio, scannable heap, live -> goal (MiB)."""
    return Pacer(
        meta=meta,
        form="assist",
        assist_ratio=go_float(match.group("ratio")),
        scan_mb=int(match.group("scan")),
        heap_live_mb=int(match.group("live")),
        heap_goal_mb=int(match.group("goal")),
        workers_dedicated=int(match.group("dedicated")),
        workers_fractional=go_float(match.group("frac")),
    )


# --- Sweep done: Go 1.6-1.17, and again 1.25+ ----------------------------------
# Three spellings: 1.6 ``allocated AMB of spans; swept P pages`` (no rate);
# 1.7-1.8 the same plus `` at R pages/byte``; 1.9+ ``allocated AMB during
# sweep`` with the rate. No space between the number and ``MB``. Go 1.18-1.24
# kept the print but a wrong condition meant it never fired.
_SWEEP = re.compile(
    r"pacer: sweep done at heap size (?P<heap>\d+)MB; allocated (?P<alloc>\d+)MB "
    r"(?:of spans|during sweep); swept (?P<pages>\d+) pages"
    r"(?: at (?P<rate>" + _F + r") pages/byte)?"
)


def _build_sweep(match: re.Match[str], meta: LineMeta) -> Pacer:
    """Sweep-completion line; the pages/byte rate is None in Go 1.6."""
    rate = match.group("rate")
    return Pacer(
        meta=meta,
        form="sweep",
        sweep_heap_mb=int(match.group("heap")),
        sweep_allocated_mb=int(match.group("alloc")),
        sweep_pages=int(match.group("pages")),
        sweep_pages_per_byte=None if rate is None else go_float(rate),
    )


# --- Go 1.5-1.17: end of mark in the 2015 design document's notation ----------
# ``H_m_prev=… h_t=… H_T=… h_a=… H_a=… h_g=… H_g=… u_a=… u_g=… W_a=… goalΔ=…
# actualΔ=… u_a/u_g=…`` (Δ is U+0394). Names are kept as printed rather than
# mapped onto the 1.18+ fields: H_T is the trigger *threshold*, not the heap
# size the cycle actually started at, so pretending they are the same would
# mislead a plot that spans both eras. Any name=value list starting with
# H_m_prev is accepted, in case a version added or dropped a term.
_END_OLD = re.compile(
    r"pacer: (?P<values>H_m_prev=" + _F + r"(?: [\w/]+=" + _F + r")*)"
)


def _build_end_old(match: re.Match[str], meta: LineMeta) -> Pacer:
    """Old controller state: every ``name=value`` as a float, in print order."""
    values = tuple((name, go_float(text)) for name, text in pairs(match.group("values")))
    return Pacer(meta=meta, form="end_old", values=values)


SHAPES: tuple[Shape, ...] = (
    Shape("end", _END, _build_end),  # go1.18+
    Shape("assist", _ASSIST, _build_assist),  # go1.5+
    Shape("sweep", _SWEEP, _build_sweep),  # go1.6-1.17, go1.25+
    Shape("end_old", _END_OLD, _build_end_old),  # go1.5-1.17
)
