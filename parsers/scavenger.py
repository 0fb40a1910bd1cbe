"""Scavenger lines: memory the runtime handed back to the operating system.

Two families of text share this module because they answer the same question
("how much heap did the runtime release, and how much is still retained?"):

* the old ``scvg…`` lines that ``gctrace=1`` printed up to Go 1.13 (run
  number, ``MB``/``KB released``, and an ``inuse/idle/sys/released/consumed``
  summary in MiB);
* the ``scav …`` line of ``GODEBUG=scavtrace=1`` (Go 1.14+), in KiB, whose
  shape changed three times.

Each :class:`~parsers.shapes.Shape` row below is one printed shape, newest Go
era first; the builder turns a match into a :class:`~parsers.events.Scavenge`.
Units are kept as printed (``_mb`` MiB, ``_kib`` KiB) except ``released_kib``,
which normalises the ``N MB released`` / ``N KB released`` line so the two
spellings can be summed.
"""

from __future__ import annotations

import re

from parsers.events import LineMeta, Scavenge
from parsers.shapes import Shape

FAMILY = "scavenger"

# "This payload begins a scavenger record." Deliberately narrower than the bare
# word: ``scav`` must be followed by a number (every scavtrace shape starts
# with one) so that program output such as "scav done" stays output.
START = re.compile(r"(?:scvg(?:-1|\d+)?:|forced scvg:|scav \d)")

# The suffix every scavtrace shape may carry: `` (forced)`` for
# debug.FreeOSMemory, `` [controller reset]`` (1.18+) when the scavenger's rate
# controller was reset since the previous line. The runtime prints at most one.
_SUFFIX = r"(?: (?P<forced>\(forced\))| (?P<reset>\[controller reset\]))?"

# Old scvg prefix: ``scvgN:`` (N = run number, -1 for FreeOSMemory), ``scvg:``
# (Go 1.13 dropped the number) or ``forced scvg:`` (Go 1.13 FreeOSMemory).
_SCVG = r"(?:(?P<forced_word>forced )scvg|scvg(?P<run>-1|\d+)?):"


def _flag(match: re.Match[str], group: str) -> bool:
    """True when an optional marker group took part in the match."""
    return match.group(group) is not None


def _run(match: re.Match[str]) -> int | None:
    """The old scavenger run number, None where the era printed none."""
    run = match.group("run")
    return None if run is None else int(run)


def _scvg_forced(match: re.Match[str]) -> bool:
    """FreeOSMemory runs print ``scvg-1:`` (<= 1.12) or ``forced scvg:`` (1.13)."""
    return _flag(match, "forced_word") or match.group("run") == "-1"


# --- Go 1.21+: work split into background and eager scavenging ----------------
# The third number is printed as ``KiB now`` although the documentation of
# these versions still calls it ``KiB total``; we follow the code.
_SCAV121 = re.compile(
    r"scav (?P<bg>\d+) KiB work \(bg\), (?P<eager>\d+) KiB work \(eager\), "
    r"(?P<now>\d+) KiB now, (?P<util>\d+)% util" + _SUFFIX
)


def _build_scav121(match: re.Match[str], meta: LineMeta) -> Scavenge:
    """Go 1.21+ line; ``total_kib`` holds the ``now`` figure (released so far)."""
    return Scavenge(
        meta=meta,
        form="scav121",
        forced=_flag(match, "forced"),
        work_kib=int(match.group("bg")),
        work_eager_kib=int(match.group("eager")),
        total_kib=int(match.group("now")),
        util_pct=int(match.group("util")),
        controller_reset=_flag(match, "reset"),
    )


# --- Go 1.14 and again 1.19-1.20: no generation number ------------------------
# The two eras print the same text (1.14 never prints the reset marker), so one
# row serves both; it is listed before the 1.15-1.18 row because it is newer.
_SCAV114 = re.compile(
    r"scav (?P<work>\d+) KiB work, (?P<total>\d+) KiB total, "
    r"(?P<util>\d+)% util" + _SUFFIX
)


def _build_scav114(match: re.Match[str], meta: LineMeta) -> Scavenge:
    """Go 1.14 / 1.19-1.20 line: work since the last line, total released."""
    return Scavenge(
        meta=meta,
        form="scav114",
        forced=_flag(match, "forced"),
        work_kib=int(match.group("work")),
        total_kib=int(match.group("total")),
        util_pct=int(match.group("util")),
        controller_reset=_flag(match, "reset"),
    )


# --- Go 1.15-1.18: scavenger generation number first --------------------------
# Told apart from the 1.14 shape only by the extra leading integer.
_SCAV115 = re.compile(
    r"scav (?P<gen>\d+) (?P<work>\d+) KiB work, (?P<total>\d+) KiB total, "
    r"(?P<util>\d+)% util" + _SUFFIX
)


def _build_scav115(match: re.Match[str], meta: LineMeta) -> Scavenge:
    """Go 1.15-1.18 line, with the scavenger generation counter in ``gen``."""
    return Scavenge(
        meta=meta,
        form="scav115",
        gen=int(match.group("gen")),
        forced=_flag(match, "forced"),
        work_kib=int(match.group("work")),
        total_kib=int(match.group("total")),
        util_pct=int(match.group("util")),
        controller_reset=_flag(match, "reset"),
    )


# --- Go <= 1.13 under gctrace: "N MB released" ---------------------------------
# Quirks: a real log of this era prints ``KB`` (public sample 057, labelled
# go1.14 by its author: ``scvg: 8 KB released``) although the format reference
# only names ``MB``, so both units are read. The early C runtime (Go 1.1-era
# mheap.c) printed the amount with ``%p``, i.e. in hex (``scvg0: 0xa MB
# released``).
_SCVG_RELEASED = re.compile(
    _SCVG + r" (?P<amount>\d+|0x[0-9a-f]+) (?P<unit>MB|KB) released"
)


def _build_scvg_released(match: re.Match[str], meta: LineMeta) -> Scavenge:
    """Old "released" line; the amount is normalised to KiB."""
    text = match.group("amount")
    amount = int(text, 16) if text.startswith("0x") else int(text)
    released_kib = amount * 1024 if match.group("unit") == "MB" else amount
    return Scavenge(
        meta=meta,
        form="scvg_released",
        run=_run(match),
        forced=_scvg_forced(match),
        released_kib=released_kib,
    )


# --- Go <= 1.13 under gctrace: heap summary in MiB ----------------------------
_SCVG_STATS = re.compile(
    _SCVG + r" inuse: (?P<inuse>\d+), idle: (?P<idle>\d+), sys: (?P<sys>\d+), "
    r"released: (?P<released>\d+), consumed: (?P<consumed>\d+) \(MB\)"
)


def _build_scvg_stats(match: re.Match[str], meta: LineMeta) -> Scavenge:
    """Old summary line: heap in use, idle, from the OS, returned, kept (MiB)."""
    return Scavenge(
        meta=meta,
        form="scvg_stats",
        run=_run(match),
        forced=_scvg_forced(match),
        inuse_mb=int(match.group("inuse")),
        idle_mb=int(match.group("idle")),
        sys_mb=int(match.group("sys")),
        released_mb=int(match.group("released")),
        consumed_mb=int(match.group("consumed")),
    )


# --- Go 1.1-1.4: the sysmon scavenger forced the periodic GC itself -----------
# This is the ancestor of the later standalone ``GC forced`` line: a periodic
# collection, not FreeOSMemory, so ``forced`` stays False.
_SCVG_GC_FORCED = re.compile(r"scvg(?P<run>\d+): GC forced")


def _build_scvg_gc_forced(match: re.Match[str], meta: LineMeta) -> Scavenge:
    """Old ``scvgN: GC forced``: the 2-minute periodic GC began."""
    return Scavenge(meta=meta, form="scvg_gc_forced", run=int(match.group("run")))


SHAPES: tuple[Shape, ...] = (
    Shape("scav121", _SCAV121, _build_scav121),  # go1.21+
    Shape("scav114", _SCAV114, _build_scav114),  # go1.19-1.20 (and go1.14)
    Shape("scav115", _SCAV115, _build_scav115),  # go1.15-1.18
    Shape("scvg_released", _SCVG_RELEASED, _build_scvg_released),  # <= go1.13
    Shape("scvg_stats", _SCVG_STATS, _build_scvg_stats),  # <= go1.13
    Shape("scvg_gc_forced", _SCVG_GC_FORCED, _build_scvg_gc_forced),  # <= go1.4
)
