"""The ``gctrace=1`` line in every Go era, as a table of shapes.

Newest first. Each row is a full-line pattern over the payload (the line with
any log prefix removed) and a builder that turns the groups into a
:class:`GCCycle`. The last modern row is deliberately loose: a newer runtime
that appends or inserts fields still yields a cycle, with what it added kept
in ``extra``, instead of the line being lost the way gcvis lost every line
after Go 1.18.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from parsers.events import GCCycle, LineMeta
from parsers.shapes import Shape

FAMILY = "gc"
# "gc 12 @" (Go 1.5+) or "gc12(4):" (Go <= 1.4, the C runtime).
START = re.compile(r"gc \d+ @|gc\d+\(\d+\): ")

_D = r"(\d+(?:\.\d+)?)"  # fmtNSAsMS: 0, 0.005, 0.10, 1.4, 13
# Go 1.26 inserts " (checking for goroutine leaks)" between "N%" and ":";
# any other parenthesised marker there is kept rather than rejected.
_HEAD = r"gc (\d+) @(\d+\.\d+)s (\d+)%((?: \([^)]*\))*): "
_CLOCK3 = rf"{_D}\+{_D}\+{_D} ms clock, "
_CPU5 = rf"{_D}\+{_D}/{_D}/{_D}\+{_D} ms cpu, "
_HEAP = r"(\d+)->(\d+)->(\d+) MB, (\d+) MB goal, "
_FORCED = r"( \(forced\))?"

GO118 = re.compile(
    _HEAD + _CLOCK3 + _CPU5 + _HEAP + r"(\d+) MB stacks, (\d+) MB globals, (\d+) P" + _FORCED
)
GO16 = re.compile(_HEAD + _CLOCK3 + _CPU5 + _HEAP + r"(\d+) P" + _FORCED)
# Go 1.5: five clock phases (sweep term, scan, install write barrier, mark,
# mark term) and seven CPU values (the same, with mark split three ways).
GO15 = re.compile(
    _HEAD
    + rf"{_D}\+{_D}\+{_D}\+{_D}\+{_D} ms clock, "
    + rf"{_D}\+{_D}\+{_D}\+{_D}/{_D}/{_D}\+{_D} ms cpu, "
    + _HEAP
    + r"(\d+) P"
    + _FORCED
)
# Anything after the goal that is not the known tail: new "N unit" fields
# before "P P", and markers or fields after it.
FUTURE = re.compile(
    _HEAD + _CLOCK3 + _CPU5 + _HEAP + r"((?:[^,]+, )*?)(\d+) P((?: \([^)]*\)|,? [^,(]+)*)"
)
# Go 1.0-1.4: "gc14(4): 3+1+4821+2 us, 38 -> 76 MB, ..." (1.3/1.4, us) and
# "gc3(1): 0+0+0 ms, 0 -> 0 MB 864 -> 492 (865-373) objects, ..." (1.2, ms).
# The whole collection stopped the world, so the phase sum is the pause.
OLD = re.compile(r"gc(\d+)\((\d+)\): ((?:\d+\+)*\d+) (us|ms), (\d+) -> (\d+) MB,? ?(.*)")


def _markers(text: str) -> tuple[bool, tuple[tuple[str, str], ...]]:
    """Split the head's parenthesised markers into the leak flag and extras."""
    if not text:
        return False, ()
    leak = False
    extra: list[tuple[str, str]] = []
    for marker in re.findall(r"\(([^)]*)\)", text):
        if marker == "checking for goroutine leaks":
            leak = True
        else:
            extra.append(("marker", marker))
    return leak, tuple(extra)


def _modern(g: Sequence[str | Any], meta: LineMeta, era: str) -> GCCycle:
    """Build from groups laid out as _HEAD + _CLOCK3 + _CPU5 + _HEAP + tail."""
    leak, extra = _markers(g[3] or "")
    if era == "go1.18":
        stacks, globals_, procs, forced = int(g[16]), int(g[17]), g[18], g[19]
    else:
        stacks, globals_, procs, forced = None, None, g[16], g[17]
    return GCCycle(
        meta=meta,
        era=era,
        n=int(g[0]),
        t_s=float(g[1]),
        cpu_pct=int(g[2]),
        stw_sweep_term_ms=float(g[4]),
        mark_ms=float(g[5]),
        stw_mark_term_ms=float(g[6]),
        sweep_term_cpu_ms=float(g[7]),
        mark_assist_cpu_ms=float(g[8]),
        mark_bg_cpu_ms=float(g[9]),
        mark_idle_cpu_ms=float(g[10]),
        mark_term_cpu_ms=float(g[11]),
        heap_start_mb=int(g[12]),
        heap_end_mb=int(g[13]),
        heap_live_mb=int(g[14]),
        heap_goal_mb=int(g[15]),
        stacks_mb=stacks,
        globals_mb=globals_,
        procs=int(procs),
        forced=bool(forced),
        leak_check=leak,
        extra=extra,
    )


def _build_go118(m: re.Match[str], meta: LineMeta) -> GCCycle:
    return _modern(m.groups(), meta, "go1.18")


def _build_go16(m: re.Match[str], meta: LineMeta) -> GCCycle:
    return _modern(m.groups(), meta, "go1.6")


def _build_go15(m: re.Match[str], meta: LineMeta) -> GCCycle:
    g = m.groups()
    leak, extra = _markers(g[3] or "")
    return GCCycle(
        meta=meta,
        era="go1.5",
        n=int(g[0]),
        t_s=float(g[1]),
        cpu_pct=int(g[2]),
        stw_sweep_term_ms=float(g[4]),
        scan_ms=float(g[5]),
        install_wb_ms=float(g[6]),
        mark_ms=float(g[7]),
        stw_mark_term_ms=float(g[8]),
        sweep_term_cpu_ms=float(g[9]),
        scan_cpu_ms=float(g[10]),
        install_wb_cpu_ms=float(g[11]),
        mark_assist_cpu_ms=float(g[12]),
        mark_bg_cpu_ms=float(g[13]),
        mark_idle_cpu_ms=float(g[14]),
        mark_term_cpu_ms=float(g[15]),
        heap_start_mb=int(g[16]),
        heap_end_mb=int(g[17]),
        heap_live_mb=int(g[18]),
        heap_goal_mb=int(g[19]),
        procs=int(g[20]),
        forced=bool(g[21]),
        leak_check=leak,
        extra=extra,
    )


_UNIT_FIELD = re.compile(r"(\d+) MB (\w+)")


def _build_future(m: re.Match[str], meta: LineMeta) -> GCCycle:
    """A modern line with fields this table does not know: keep them all."""
    g = m.groups()
    base = _modern(g[:16] + (g[17], None), meta, "go1.6")
    known: dict[str, int] = {}
    extra = list(base.extra)
    for field in filter(None, (g[16] or "").split(", ")):
        unit = _UNIT_FIELD.fullmatch(field.strip())
        if unit and unit.group(2) in ("stacks", "globals") and unit.group(2) not in known:
            known[unit.group(2)] = int(unit.group(1))
        else:
            extra.append(("field", field.strip()))
    tail = g[18] or ""
    forced = " (forced)" in tail
    tail = tail.replace(" (forced)", "").strip(" ,")
    if tail:
        extra.append(("tail", tail))
    return GCCycle(
        **{
            **{f: getattr(base, f) for f in _FIELDS},
            "era": "go1.18" if "stacks" in known else "go1.6",
            "stacks_mb": known.get("stacks"),
            "globals_mb": known.get("globals"),
            "forced": forced,
            "extra": tuple(extra),
        }
    )


def _build_old(m: re.Match[str], meta: LineMeta) -> GCCycle:
    n, procs, phases, unit, heap0, heap1, rest = m.groups()
    total = sum(int(p) for p in phases.split("+"))
    extra: list[tuple[str, str]] = [("phases", f"{phases} {unit}")]
    for field in filter(None, (f.strip() for f in rest.split(","))):
        value, _, name = field.rpartition(" ")
        extra.append((name, value) if value else ("field", field))
    return GCCycle(
        meta=meta,
        era="go1.4",
        n=int(n),
        procs=int(procs),
        stw_total_ms=total / 1000.0 if unit == "us" else float(total),
        heap_start_mb=int(heap0),
        heap_live_mb=int(heap1),
        extra=tuple(extra),
    )


_FIELDS = tuple(f for f in GCCycle.__dataclass_fields__ if f != "kind")

SHAPES: tuple[Shape, ...] = (
    Shape("go1.18", GO118, _build_go118),
    Shape("go1.6", GO16, _build_go16),
    Shape("go1.5", GO15, _build_go15),
    Shape("go1.4", OLD, _build_old),
    Shape("future", FUTURE, _build_future),
)


# -- prefixes of a gc line, for rejoining a line other writes tore apart --------
#
# The runtime prints a gc line in dozens of small write() calls (one per field
# and separator), while a program's Println is one write; under load, program
# lines land *inside* gc lines, sometimes several times. Each torn piece is a
# prefix-continuation of the record followed by a whole program line. To tell
# the two apart we need "the longest prefix of this text that can still grow
# into a gc line", which these patterns give.

_NUM = (r"\d+", r"\d+")
_DEC = (r"\d+(?:\.\d+)?", r"\d+(?:\.\d*)?")


def _lit(text: str) -> tuple[str, str]:
    partial = ""
    for ch in reversed(text):
        partial = re.escape(ch) + (f"(?:{partial})?" if partial else "")
    return re.escape(text), partial


def _prefix_pattern(seq: list[tuple[str, str]]) -> str:
    """Regex for any prefix of the sequence, longest first."""
    if not seq:
        return ""
    complete, partial = seq[0]
    rest = _prefix_pattern(seq[1:])
    return f"(?:{complete}{rest}|{partial})" if rest else f"(?:{complete}|{partial})"


def _modern_seq(stacks: bool) -> list[tuple[str, str]]:
    seq = [_lit("gc "), _NUM, _lit(" @"), _DEC, _lit("s "), _NUM, _lit("%: ")]
    seq += [_DEC, _lit("+"), _DEC, _lit("+"), _DEC, _lit(" ms clock, ")]
    seq += [_DEC, _lit("+"), _DEC, _lit("/"), _DEC, _lit("/"), _DEC, _lit("+"), _DEC]
    seq += [_lit(" ms cpu, "), _NUM, _lit("->"), _NUM, _lit("->"), _NUM, _lit(" MB, ")]
    seq += [_NUM, _lit(" MB goal, ")]
    if stacks:
        seq += [_NUM, _lit(" MB stacks, "), _NUM, _lit(" MB globals, ")]
    return seq + [_NUM, _lit(" P"), _lit(" (forced)")]


PREFIXES = tuple(re.compile(_prefix_pattern(_modern_seq(s))) for s in (True, False))
# A torn head can be as short as "gc ", which the runtime writes in one go.
TORN_HEAD = re.compile(r"gc ")


def prefix_length(text: str) -> int:
    """Length of the longest start of ``text`` that can still grow into a gc line."""
    best = 0
    for pattern in PREFIXES:
        m = pattern.match(text)
        if m is not None and m.end() > best:
            best = m.end()
    return best

