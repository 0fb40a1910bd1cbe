"""The Go 1.18+ pacer's rules the what-if replays: the heap goal, its limits,
and the constants they take from the runtime (Go 1.19, runtime/mgcpacer.go).

Kept apart from tui.analysis.whatif (the calibration and the replay) so both
stay small; whatif re-exports what its callers use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tui.model import Model

HEAP_MINIMUM_MB = 4.0  # runtime: defaultHeapMinimum, for GOGC=100
LIMIT_HEADROOM_MB = 1.0  # runtime: memoryLimitHeapGoalHeadroom (Go 1.19)
# runtime (Go 1.18+): the trigger is never below 45/64 (about 0.7) of the way
# from the marked heap to the goal, so a mark has at most the last 30 %.
MARK_RUNWAY_SHARE = 1.0 - 45.0 / 64.0
BACKGROUND_UTILIZATION = 0.25  # runtime: gcBackgroundUtilization


@dataclass(frozen=True, slots=True)
class Setting:
    """A GC configuration: ``gogc`` None is GOGC=off; ``memlimit_mb`` None is no limit."""

    gogc: float | None
    memlimit_mb: float | None = None

    def label(self) -> str:
        gogc = "GOGC=off" if self.gogc is None else f"GOGC={self.gogc:g}"
        if self.memlimit_mb is None:
            return gogc
        return f"{gogc} GOMEMLIMIT={self.memlimit_mb:.0f}MiB"


def goal_mb(live: float, roots: float, setting: Setting, nonheap_mb: float) -> tuple[float, bool]:
    """The heap goal for a live heap and roots, and whether the limit set it."""
    goal = gogc_goal(live, roots, setting.gogc)
    if setting.memlimit_mb is not None:
        capped = setting.memlimit_mb - nonheap_mb - LIMIT_HEADROOM_MB
        if capped < goal:
            return capped, True
    return goal, False


def gogc_goal(live: float, roots: float, gogc: float | None) -> float:
    """GOGC's goal alone: ``live + (live + roots) * GOGC/100``, at least the scaled heap minimum."""
    if gogc is None:
        return math.inf
    return max(live + (live + roots) * gogc / 100.0, HEAP_MINIMUM_MB * gogc / 100.0)


def env_gogc(model: Model) -> float | None:
    """GOGC as the log's environment gives it (100 when unknown; None is off)."""
    text = (model.env.gogc or "100").strip().lower()
    if text == "off":
        return None
    try:
        return float(text)
    except ValueError:
        return 100.0


def env_setting(model: Model) -> Setting | None:
    """The setting the program was started with, when the log says."""
    env = model.env
    if env.gogc is None and env.gomemlimit_b is None:
        return None
    limit = env.gomemlimit_b / (1 << 20) if env.gomemlimit_b else None
    return Setting(env_gogc(model), limit)


def nan0(value: float) -> float:
    return 0.0 if value != value else value
