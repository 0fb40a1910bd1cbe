"""Every number the findings engine compares against, in one frozen place.

A finding is only as good as its threshold, and the right threshold depends
on the program: a batch job can live with 30 % GC CPU, a latency-sensitive
server cannot live with a 5 ms pause. So none of them is buried in a rule:
each is a field of :class:`Thresholds` with a default, a unit and a sentence
of help, and a user can move any of them from the command line with
``--threshold NAME=VALUE`` (``stw-long.ms=5``). Names are ``rule.key``; the
key ends in its unit (``_ms``, ``_s``, ``_pct``, ``_mb``) where it has one.

Windows: rules about rates and shares (GC frequency, GC CPU, assists,
overshoot) look at a sliding window of recent cycles (``window.*``), never
at the whole run, so that a storm an hour ago does not keep a warning up and
a storm now is not diluted by an hour of calm. Trend rules (a growing live
heap, growing goroutine counts) need a longer view and have their own.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, fields, replace
from typing import Any, Iterable


def _t(default: float | int, help: str) -> Any:
    """A threshold field: its default and one sentence of help (with unit)."""
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True, slots=True, kw_only=True)
class Thresholds:
    """Every threshold, with defaults; ``name()`` of a field is its CLI name."""

    # The sliding window of recent cycles that rate and share rules use.
    window_s: float = _t(
        10.0, "length of the sliding window of recent cycles (or snapshots), seconds"
    )
    window_cycles: int = _t(1000, "at most this many newest cycles in a window")
    window_min_cycles: int = _t(10, "a window with fewer cycles is no evidence either way")

    gc_frequent_interval_ms: float = _t(
        100.0, "warn when the median time between cycles is below this, ms"
    )
    gc_frequent_min_cycles: int = _t(20, "...over at least this many intervals")

    gc_cpu_high_warning_pct: float = _t(10.0, "GC CPU share of the window for a warning, %")
    gc_cpu_high_critical_pct: float = _t(25.0, "GC CPU share of the window that is critical, %")
    gc_cpu_high_min_s: float = _t(0.5, "the window must cover at least this much time, seconds")

    stw_long_ms: float = _t(10.0, "a stop-the-world pause longer than this is a warning, ms")
    stw_long_critical_ms: float = _t(100.0, "a pause longer than this is critical, ms")

    mark_assist_heavy_pct: float = _t(
        25.0, "warn when mutator assists do more than this share of mark CPU, %"
    )
    mark_assist_heavy_min_gc_cpu_pct: float = _t(
        2.0, "...but only while GC CPU in the window is at least this, %"
    )

    heap_overshoot_pct: float = _t(
        20.0, "warn when more than this share of cycles end mark above the goal, %"
    )
    heap_overshoot_min_mb: int = _t(1, "overshoot up to this much is MiB truncation, MB")

    live_heap_growing_mb_per_min: float = _t(
        1.0, "warn when the live heap grows faster than this, MB per minute"
    )
    live_heap_growing_r2: float = _t(0.8, "...and a straight line fits it at least this well (r²)")
    live_heap_growing_up_pct: float = _t(
        75.0, "...or at least this share of its changes were rises, %"
    )
    live_heap_growing_min_cycles: int = _t(10, "the fit needs at least this many cycles")
    live_heap_growing_min_s: float = _t(3.0, "...spanning at least this long, seconds")
    live_heap_growing_window_s: float = _t(600.0, "how far back the fit looks, seconds")
    live_heap_growing_parts: int = _t(
        4, "the fit's window is cut into this many stretches; all but one must rise"
    )
    live_heap_growing_min_rise_mb: float = _t(
        2.0, "...by more than this in all, MB (a 1 MB rise can be MiB truncation)"
    )
    live_heap_growing_warmup_s: float = _t(
        30.0, "a rise from process start that ends within this is warm-up, left out, seconds"
    )

    memory_limit_bound_gogc_ratio: float = _t(
        0.8,
        "with a known limit: effective GOGC below this fraction of GOGC means the limit "
        "set the goal",
    )
    memory_limit_bound_share_pct: float = _t(
        50.0, "...in at least this share of the window's cycles, %"
    )
    memory_limit_bound_infer_ratio: float = _t(
        0.6,
        "with no known limit: median effective GOGC below this fraction of GOGC "
        "(100 if unknown)",
    )
    memory_limit_bound_flat_pct: float = _t(
        5.0, "...while the goal holds: in 9 of 10 cycles it moves less than this share of itself (or 1 MB), %"
    )
    memory_limit_bound_min_goal_mb: int = _t(
        8, "either way, cycles with a smaller goal are left out (MiB truncation), MB"
    )

    forced_gc_warning_per_min: float = _t(
        6.0, "forced cycles (runtime.GC) more often than this are a warning, per minute"
    )

    goroutines_growing_min_rise: int = _t(
        100, "warn when the goroutine count rose by at least this"
    )
    goroutines_growing_r2: float = _t(0.8, "...along a line that fits at least this well (r²)")
    goroutines_growing_up_pct: float = _t(
        75.0, "...or with at least this share of changes rises, %"
    )
    goroutines_growing_min_snapshots: int = _t(5, "the fit needs at least this many snapshots")
    goroutines_growing_min_s: float = _t(1.0, "...spanning at least this long, seconds")
    goroutines_growing_window_s: float = _t(600.0, "how far back the fit looks, seconds")

    runqueue_backlog_per_p: float = _t(
        1.0, "runnable goroutines waiting per P (global + local queues) that make a backlog"
    )
    runqueue_backlog_snapshots: int = _t(
        5, "...with no idle P, in at least this many consecutive snapshots"
    )

    stw_stuck_snapshots: int = _t(
        3, "a stop-the-world seen in this many snapshots in a row, no gc line between, is stuck"
    )

    finalizer_queue_growing_min_rise: int = _t(
        10, "warn when the finalizer (or cleanup) queue grew by at least this many entries"
    )
    finalizer_queue_growing_r2: float = _t(0.8, "...along a line that fits at least this well (r²)")
    finalizer_queue_growing_up_pct: float = _t(
        75.0, "...or with at least this share of changes rises, %"
    )
    finalizer_queue_growing_min_cycles: int = _t(8, "the fit needs at least this many cycles' queue lengths")
    finalizer_queue_growing_window_s: float = _t(600.0, "how far back the fit looks, seconds")

    gomaxprocs_changed_min_changes: int = _t(
        1, "report when GOMAXPROCS changed at least this many times within one run"
    )

    rss_heap_gap_ratio: float = _t(2.0, "warn when RSS is more than this many times the heap goal")
    rss_heap_gap_min_mb: float = _t(64.0, "...and more than this above it, MB")
    rss_heap_gap_samples: int = _t(3, "...in at least this many consecutive process samples")

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if value < 0:
                raise ValueError(f"threshold {name_of(f.name)} must not be negative, got {value}")
        for key in ("live_heap_growing_r2", "goroutines_growing_r2", "finalizer_queue_growing_r2"):
            if getattr(self, key) > 1:
                raise ValueError(f"threshold {name_of(key)} is an r² and must be at most 1")

    @classmethod
    def from_overrides(cls, items: Iterable[str]) -> Thresholds:
        """Defaults with ``NAME=VALUE`` overrides applied (``--threshold``).

        Raises ``ValueError`` with a message fit for the user for an unknown
        name (with the nearest known one), a missing ``=`` or a bad number.
        """
        return cls().with_overrides(items)

    def with_overrides(self, items: Iterable[str]) -> Thresholds:
        """A copy with ``NAME=VALUE`` overrides applied (see ``from_overrides``)."""
        changes: dict[str, Any] = {}
        for item in items:
            attr, value = parse_override(item)
            changes[attr] = value
        return replace(self, **changes)

    def changed(self) -> dict[str, float | int]:
        """CLI name -> value of every threshold that differs from its default."""
        default = Thresholds()
        return {
            name_of(f.name): getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) != getattr(default, f.name)
        }


# CLI name prefixes: "window" and the rule ids. A field is named prefix (with
# "_" for "-"), "_", key; its CLI name is "prefix.key".
_PREFIXES = (
    "window",
    "gc-frequent",
    "gc-cpu-high",
    "stw-long",
    "mark-assist-heavy",
    "heap-overshoot",
    "live-heap-growing",
    "memory-limit-bound",
    "forced-gc",
    "goroutines-growing",
    "runqueue-backlog",
    "stw-stuck",
    "rss-heap-gap",
    "finalizer-queue-growing",
    "gomaxprocs-changed",
)


def name_of(attr: str) -> str:
    """CLI name of a field: ``stw_long_critical_ms`` -> ``stw-long.critical_ms``."""
    for prefix in _PREFIXES:
        under = prefix.replace("-", "_")
        if attr == under:
            return prefix
        if attr.startswith(under + "_"):
            return f"{prefix}.{attr[len(under) + 1:]}"
    raise KeyError(attr)


def _attrs() -> dict[str, Any]:
    """CLI name -> dataclass field, in declaration order."""
    return {name_of(f.name): f for f in fields(Thresholds)}


def parse_override(item: str) -> tuple[str, float | int]:
    """``"stw-long.ms=5"`` -> ``("stw_long_ms", 5.0)``; ``ValueError`` if bad."""
    name, sep, text = item.partition("=")
    name, text = name.strip(), text.strip()
    known = _attrs()
    if not sep or not name:
        raise ValueError(f"--threshold wants NAME=VALUE (e.g. stw-long.ms=5), got {item!r}")
    f = known.get(name)
    if f is None:
        near = difflib.get_close_matches(name, list(known), n=1)
        hint = f"; did you mean {near[0]}?" if near else ""
        raise ValueError(
            f"unknown threshold {name!r}{hint} (--help lists them all)"
        )
    kind = int if f.type in ("int", int) else float
    try:
        value: float | int = kind(text)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise ValueError(
            f"threshold {name} wants {what} ({f.metadata['help'].lstrip('.')}), got {text!r}"
        ) from None
    if value != value or value in (float("inf"), float("-inf")) or value < 0:
        raise ValueError(f"threshold {name} wants a finite number ≥ 0, got {text!r}")
    return f.name, value


def describe(thresholds: Thresholds | None = None) -> list[tuple[str, float | int, str]]:
    """``(name, value, help)`` for every threshold, for ``--help`` and reports."""
    th = thresholds or Thresholds()
    return [(name, getattr(th, f.name), f.metadata["help"]) for name, f in _attrs().items()]


def help_text(width: int = 34) -> str:
    """Every threshold and its default, one per line (an argparse epilog)."""
    lines = ["thresholds (--threshold NAME=VALUE):"]
    for name, value, text in describe():
        lines.append(f"  {f'{name}={value:g}':<{width}} {text}")
    return "\n".join(lines)
