"""A ``GET /debug/vars`` body as an :class:`ExpvarSample`.

Polling ``/debug/vars`` is the one way to watch a live Go server's GC
without restarting it under ``GODEBUG``. The body is a JSON object with the
built-in ``cmdline`` and ``memstats`` (``runtime.MemStats``) and whatever the
program published itself; only ``memstats`` is required here.

MemStats keeps the last 256 cycles' stop-the-world pauses in two circular
buffers, ``PauseNs`` and ``PauseEnd``: cycle ``n`` (counting from 1, as
``NumGC`` does) sits at index ``(n + 255) % 256``. Between two polls the
cycles ``previous+1 .. NumGC`` completed; the ones still in the ring are
recovered as :class:`ExpvarPause` and any that were already overwritten are
counted in ``missed``, so a slow poller knows what it did not see.
"""

from __future__ import annotations

import json
from typing import Any

from parsers.events import ExpvarPause, ExpvarSample

RING = 256  # len(MemStats.PauseNs): fixed by the runtime since Go 1.0

class ExpvarError(ValueError):
    """The body is not a ``/debug/vars`` document; the text is one line."""


def _decode(body: bytes | str) -> dict[str, Any]:
    """The top-level JSON object, or an :class:`ExpvarError` saying why not."""
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ExpvarError(f"/debug/vars body is not UTF-8 ({exc.reason})") from None
    try:
        doc = json.loads(body)
    except json.JSONDecodeError as exc:
        start = " ".join(body.strip().split())[:40]
        hint = f" (it starts with {start!r})" if start else " (it is empty)"
        raise ExpvarError(f"/debug/vars body is not JSON: {exc.msg}{hint}") from None
    if not isinstance(doc, dict):
        raise ExpvarError("/debug/vars body is not a JSON object")
    return doc


def _int(memstats: dict[str, Any], name: str) -> int:
    """A MemStats counter every Go version has; absent means not MemStats."""
    value = memstats.get(name)
    # bool is an int subclass in Python, and never a MemStats counter.
    if not isinstance(value, int) or isinstance(value, bool):
        raise ExpvarError(f"memstats.{name} is missing or not an integer")
    return value


def _opt_int(memstats: dict[str, Any], name: str) -> int | None:
    value = memstats.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _opt_float(memstats: dict[str, Any], name: str) -> float | None:
    value = memstats.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def cycles_to_emit(num_gc: int, previous_num_gc: int | None) -> tuple[range, int]:
    """Which cycles to read from the ring, and how many were lost before them.

    With no previous poll, or when the counter went back (the process was
    restarted), every cycle still in the ring is new.
    """
    oldest_kept = max(1, num_gc - RING + 1)
    if previous_num_gc is None or previous_num_gc > num_gc:
        return range(oldest_kept, num_gc + 1), 0
    first = previous_num_gc + 1
    missed = max(0, oldest_kept - first)
    return range(max(first, oldest_kept), num_gc + 1), missed


def ring_pauses(memstats: dict[str, Any], cycles: range) -> tuple[ExpvarPause, ...]:
    """The pauses of ``cycles`` from ``PauseNs``/``PauseEnd``, oldest first.

    A body whose rings are not two lists of 256 integers yields no pauses
    rather than wrong ones.
    """
    pause_ns = memstats.get("PauseNs")
    pause_end = memstats.get("PauseEnd")
    if not (isinstance(pause_ns, list) and isinstance(pause_end, list)):
        return ()
    if len(pause_ns) != RING or len(pause_end) != RING:
        return ()
    out: list[ExpvarPause] = []
    for n in cycles:
        index = (n + RING - 1) % RING
        ns, end = pause_ns[index], pause_end[index]
        if not isinstance(ns, (int, float)) or not isinstance(end, (int, float)):
            return ()
        out.append(ExpvarPause(n=n, pause_ms=ns / 1e6, end_unix_s=end / 1e9))
    return tuple(out)


def parse_expvar(body: bytes | str, previous_num_gc: int | None = None) -> ExpvarSample:
    """One poll of ``/debug/vars``; ``previous_num_gc`` is the last poll's NumGC.

    Raises :class:`ExpvarError` (a ``ValueError``) when the body is not JSON
    or has no ``memstats`` object, e.g. a 404 page or a proxy's error text.
    """
    doc = _decode(body)
    memstats = doc.get("memstats")
    if not isinstance(memstats, dict):
        raise ExpvarError("/debug/vars has no memstats object (is expvar imported?)")
    num_gc = _int(memstats, "NumGC")
    cycles, missed = cycles_to_emit(num_gc, previous_num_gc)
    last_gc_ns = _opt_int(memstats, "LastGC")
    cmdline = doc.get("cmdline")
    return ExpvarSample(
        num_gc=num_gc,
        heap_alloc_b=_int(memstats, "HeapAlloc"),
        heap_sys_b=_int(memstats, "HeapSys"),
        heap_idle_b=_int(memstats, "HeapIdle"),
        heap_inuse_b=_int(memstats, "HeapInuse"),
        heap_released_b=_int(memstats, "HeapReleased"),
        heap_objects=_int(memstats, "HeapObjects"),
        next_gc_b=_int(memstats, "NextGC"),
        sys_b=_int(memstats, "Sys"),
        stack_inuse_b=_int(memstats, "StackInuse"),
        total_alloc_b=_int(memstats, "TotalAlloc"),
        mallocs=_int(memstats, "Mallocs"),
        frees=_int(memstats, "Frees"),
        pause_total_ns=_int(memstats, "PauseTotalNs"),
        # NumForcedGC appeared in Go 1.8, GCCPUFraction in Go 1.5.
        num_forced_gc=_opt_int(memstats, "NumForcedGC"),
        # LastGC is 0 until the first cycle ends.
        last_gc_unix_s=last_gc_ns / 1e9 if last_gc_ns else None,
        gc_cpu_fraction=_opt_float(memstats, "GCCPUFraction"),
        pauses=ring_pauses(memstats, cycles),
        missed=missed,
        cmdline=tuple(str(arg) for arg in cmdline) if isinstance(cmdline, list) else (),
    )
