"""What-if: the observed workload replayed under another GOGC or memory limit.

The model is the Go 1.18+ pacer as the GC guide (go.dev/doc/gc-guide)
describes it, fed with what gctrace already holds, cycle by cycle:

* the heap goal is ``live + (live + stacks + globals) * GOGC/100`` (at
  least the 4 MB heap minimum, scaled by GOGC), and with a memory limit at
  most ``limit - non-heap memory - 1 MB``: Go 1.19's ``memoryLimitHeapGoal``
  (runtime/mgcpacer.go) keeps 1 MB of headroom;
* the allocation is the observed one: between two observed mark ends the
  program allocated ``heap_end - previous heap_live`` MB, whatever the
  setting, so a setting that gives each cycle more runway spreads the same
  bytes over fewer cycles;
* the heap a cycle marks (gctrace's "live") is the reachable heap plus
  what the program allocated, black, during the mark, and the next goal
  grows with it. With a long runway the mark runs unhurried (background
  and idle workers) and a whole mark's allocation is marked; with a short
  one the trigger sits at its lower bound, 70 % of the runway (Go 1.19's
  ``minTriggerRatioNum``), and assists finish in the last 30 %: the model
  takes the smaller of the two;
* a cycle's GC CPU (idle-time marking left out, as the runtime and gctui's
  own GC CPU do) is what Go 1.19's pacer spends beyond idle Ps: the STW
  phases and the background workers' share (2 Ps: no dedicated worker, 25 %
  of each P fractional; mgcpacer.go's startCycle), per MB marked as observed;
  plus assists, charged per byte allocated during the mark at the scan work
  over the heap distance left (revise's assistWorkPerByte): the mark CPU
  (idle included) times the share of the runway allocated black, times one
  factor calibrated on the log. In 126 runs of tests/go/pacer assists were
  30-33 % of the mark CPU at GOGC=50 and under the limits, 14 % at 100,
  4-5 % at 200 and 400, as that share went 0.29, 0.19, 0.10, 0.05; one cost
  per cycle (the model before) put GOGC=50/200/400 at 0.79x/1.6x/1.4x of
  what they measured (medians of 441 cross-predictions), this at
  0.96x/1.25x/0.93x (tests/bench/WHATIF.md, which also shows that repeated
  runs of one setting differ by 2-6x: the noise, not the model, dominates).

Calibration also measures how much of the runway the observed cycles used
(idle workers can finish a mark before the goal), kept but for hurried marks,
which end at the goal. Predictions never leave the live heaps the log
shows: a limit too small for them is refused, not extrapolated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from parsers.columns import ERAS, FORCED, MISSING_U16, MISSING_U32
from tui.analysis.whatif_pacer import (
    BACKGROUND_UTILIZATION,
    HEAP_MINIMUM_MB,
    LIMIT_HEADROOM_MB,
    MARK_RUNWAY_SHARE,
    Setting as Setting,
    env_gogc,
    env_setting,
    goal_mb as goal_mb,
    gogc_goal,
    nan0,
)
from tui.analysis.windows import median
from tui.model import Model

# Runtime memory besides heap objects and stacks, when no limit-bound cycle
# lets it be measured: mostly GC metadata (MemStats.GCSys: a 64 MB heap
# arena's bitmap and span tables, 8.2 MiB in tests/go/pacer), span
# structures and buffers. Go 1.19 amd64 logs put it at 8 to 16 MB
# (the GOMEMLIMIT samples and the pacer runs, tests/bench/WHATIF.md).
DEFAULT_OVERHEAD_MB = 9.0
MIN_CYCLES = 4
ASSUMPTIONS = (
    "Assumes the observed allocation, live heap, stacks and globals stay as they were, "
    "the Go 1.18+ pacer (goal = live + (live+stacks+globals)*GOGC/100, capped at the "
    "limit minus non-heap memory), STW and background GC CPU per cycle as observed, and "
    "assists growing with the share of the runway allocated during the mark."
)


class Refusal(Exception):
    """The log (or the setting asked for) is outside what the model can say: one line why."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """Cycles per minute, GC CPU (% of the CPU offered, idle marking left out),
    the peak heap (MB at end of mark; observed: its 99th percentile), peak
    total memory (heap plus non-heap runtime memory, what a memory limit
    counts) and the typical heap goal (median; inf for GOGC=off without a
    limit), over the observed span."""

    label: str
    cycles: float
    cycles_per_min: float
    gc_cpu_pct: float
    peak_heap_mb: float
    peak_total_mb: float
    limit_cycles: float = 0.0
    goal_mb: float = 0.0


@dataclass(frozen=True, slots=True)
class Interval:
    """One observed inter-cycle interval: what any setting would have faced."""

    dt_s: float
    live_mb: float  # heap the previous cycle marked, as gctrace prints it
    roots_mb: float  # stacks + globals
    alloc_mb: float  # allocated from the previous mark end to this one
    forced: bool  # runtime.GC() and friends: happens whatever the setting
    reachable_mb: float = 0.0  # live_mb less what the previous mark allocated black
    black_mb: float = 0.0  # what the previous mark allocated black (its end less its start)
    goal_mb: float = 0.0  # this cycle's goal, as printed


@dataclass(frozen=True, slots=True)
class Calibration:
    """What the observed cycles say about the workload and the runtime."""

    rows: range
    intervals: tuple[Interval, ...]
    procs: int
    span_s: float
    cpu_ms_per_mb: float  # GC CPU per cycle per MB of reachable heap + roots
    fixed_ms_per_mb: float  # STW + background worker CPU per paced cycle per MB of reachable heap + roots
    assist_scale: float  # assist CPU over mark CPU x the share of the runway allocated black
    mark_speed: float  # Ps' worth of unhurried marking: background + idle CPU per mark wall ms
    black_scale: float  # observed black allocation of unhurried marks over the model's
    mark_ms_per_mb: float  # mark CPU per cycle, idle workers included, per MB of reachable heap + roots
    runway_used: float  # allocation per cycle over (goal - live)
    nonheap_mb: float  # runtime memory besides heap objects (stacks included)
    nonheap_measured: bool  # from limit-bound cycles, not the default
    live_min_mb: float
    live_max_mb: float
    observed: Outcome
    setting: Setting | None  # as the program was started, when known


def calibrate(model: Model, rows: range | None = None, nonheap_mb: float | None = None) -> Calibration:
    """Read the workload off ``rows`` (default: the last segment's cycles).

    ``nonheap_mb`` is the runtime's memory besides heap objects as the user
    knows it (MemStats.Sys - HeapInuse, say): gctrace does not print it, so
    it wins over both the measurement at the limit and the default.
    Raises :class:`Refusal` when the log cannot support a prediction.
    """
    store = model.cycles
    c = store.cols
    if not len(c):
        raise Refusal("no gc lines in this log: nothing to replay")
    if rows is None:
        rows = range(*store.segment_range(c.segment[-1]))
    era = ERAS[(c.flags[rows[0]] >> 2) & 3] if len(rows) else "go1.18"
    if era != "go1.18":
        raise Refusal(
            f"these gc lines are in the {era} format (before Go 1.18: no stacks and globals): "
            "the what-if model is the Go 1.18+ pacer"
        )
    intervals: list[Interval] = []
    used: list[float] = []  # allocation per cycle over the runway, per cycle
    nonheap: list[float] = []  # non-heap MB, from cycles whose goal the limit set
    speed: list[float] = []  # background + idle marking CPU per mark wall ms, per cycle
    cpu_ms = scanned_mb = offered_ms = mark_ms = fixed_ms = assist_ms = 0.0
    paced_mb = 0.0  # reachable heap + roots over the cycles the pacer started
    limit_mb = model.env.gomemlimit_b / (1 << 20) if model.env.gomemlimit_b else None
    for i in rows[1:]:
        if c.segment[i] != c.segment[i - 1]:
            continue
        dt = store.interval_s[i]
        live, end, goal = c.heap_live_mb[i - 1], c.heap_end_mb[i], c.heap_goal_mb[i]
        stacks, globals_, procs = c.stacks_mb[i], c.globals_mb[i], c.procs[i]
        if MISSING_U32 in (live, end, goal, stacks, globals_) or procs in (0, MISSING_U16) or not dt >= 0:
            continue
        roots = float(stacks + globals_)
        # gctrace truncates MB: the middle of the printed MB is the best guess.
        live_f, end_f, goal_f = live + 0.5, end + 0.5, goal + 0.5
        forced = bool(c.flags[i] & FORCED)
        gc = c.sweep_term_cpu_ms[i] + c.mark_assist_cpu_ms[i] + c.mark_bg_cpu_ms[i] + c.mark_term_cpu_ms[i]
        if math.isnan(gc):
            continue
        # What the previous mark allocated black (its start to its end) was
        # counted live without being reachable: the mark cost follows the rest.
        start_prev, end_prev = c.heap_start_mb[i - 1], c.heap_end_mb[i - 1]
        black = float(end_prev - start_prev) if MISSING_U32 not in (start_prev, end_prev) and end_prev > start_prev else 0.0
        reachable = max(live_f - black, 0.25 * live_f)
        idle = nan0(c.mark_idle_cpu_ms[i])
        if c.mark_ms[i] > 0:
            speed.append((c.mark_bg_cpu_ms[i] + idle) / c.mark_ms[i])
        intervals.append(Interval(dt, live_f, roots, max(end_f - live_f, 0.0), forced, reachable, black, goal_f))
        cpu_ms += gc
        if not forced:  # a forced cycle costs cpu_ms_per_mb in the replay
            paced_mb += reachable + roots
            fixed_ms += gc - c.mark_assist_cpu_ms[i]
            assist_ms += c.mark_assist_cpu_ms[i]
        mark_ms += c.mark_assist_cpu_ms[i] + c.mark_bg_cpu_ms[i] + idle
        scanned_mb += reachable + roots
        offered_ms += dt * 1000.0 * procs
        # Only runways well above the MB truncation say how much of one is used.
        if not forced and goal - live >= max(2.0, 0.1 * live):
            used.append((end_f - live_f) / (goal_f - live_f))
        # A goal the limit set says what else the runtime holds; one floored
        # at the live heap (the limit already exceeded) says nothing.
        if limit_mb is not None and live + 1 < goal < gogc_goal(live, roots, env_gogc(model)) - 1:
            nonheap.append(limit_mb - LIMIT_HEADROOM_MB - goal_f)
    if len(intervals) < MIN_CYCLES - 1 or offered_ms <= 0:
        raise Refusal(
            f"only {len(intervals) + 1} cycles with a live heap, goal, stacks and CPU times: "
            f"the what-if needs at least {MIN_CYCLES}"
        )
    if scanned_mb <= 0:
        raise Refusal("no live heap in these cycles: nothing to calibrate the mark cost on")
    span = sum(iv.dt_s for iv in intervals)
    procs = c.procs[rows[-1]]
    roots_max = max(iv.roots_mb for iv in intervals)
    measured = bool(nonheap) and nonheap_mb is None
    if nonheap_mb is None:
        nonheap_mb = median(nonheap) if nonheap else roots_max + DEFAULT_OVERHEAD_MB
    # The 99th percentile, not the maximum: one cycle a loaded machine
    # descheduled mid-mark should not set the peak every setting is judged by.
    ends = sorted(c.heap_end_mb[i] for i in rows if c.heap_end_mb[i] != MISSING_U32)
    peak_heap = ends[min(len(ends) - 1, math.ceil(0.99 * len(ends)) - 1)] + 0.5
    goals = [c.heap_goal_mb[i] + 0.5 for i in rows if c.heap_goal_mb[i] != MISSING_U32]
    observed = Outcome(
        label="observed",
        cycles=float(len(intervals)),
        cycles_per_min=len(intervals) / span * 60.0 if span > 0 else math.inf,
        gc_cpu_pct=cpu_ms / offered_ms * 100.0,
        peak_heap_mb=peak_heap,
        peak_total_mb=peak_heap + nonheap_mb,
        limit_cycles=float(len(nonheap)),
        goal_mb=median(goals) if goals else math.nan,
    )
    cal = Calibration(
        rows=rows,
        intervals=tuple(intervals),
        procs=procs,
        span_s=span,
        cpu_ms_per_mb=cpu_ms / scanned_mb,
        fixed_ms_per_mb=fixed_ms / max(paced_mb, 1e-9),
        assist_scale=assist_ms,  # the total, until _assist_scale
        # Never below the 25 % the pacer budgets: a short runway has assists
        # do the work and the background workers barely start.
        mark_speed=max(median(speed) if speed else 0.0, BACKGROUND_UTILIZATION * procs),
        mark_ms_per_mb=mark_ms / scanned_mb,
        black_scale=1.0,
        runway_used=median(used) if used else 1.0,
        nonheap_mb=nonheap_mb,
        nonheap_measured=measured,
        live_min_mb=min(iv.reachable_mb for iv in intervals),
        live_max_mb=max(iv.reachable_mb for iv in intervals),
        observed=observed,
        setting=env_setting(model),
    )
    return _assist_scale(replace(cal, black_scale=_black_scale(cal)), paced_mb)


def _assist_scale(cal: Calibration, paced_mb: float) -> Calibration:
    """The observed assist CPU over what _replay would sum for the observed
    cycles (mark CPU x the share of the runway the model has them allocate
    black, at their own goals), so a log's own setting replays at the assists
    it measured. None to charge them to: they join the STW + background part."""
    pressure = 0.0
    for iv in (iv for iv in cal.intervals if not iv.forced and iv.alloc_mb > 0):
        black = min(_unhurried_black(cal, iv) * cal.black_scale, MARK_RUNWAY_SHARE * max(iv.goal_mb - iv.live_mb, 0.0))
        pressure += cal.mark_ms_per_mb * (iv.reachable_mb + iv.roots_mb) * min(black / max(iv.alloc_mb, 0.05), 1.0)
    if pressure <= 0:
        return replace(cal, fixed_ms_per_mb=cal.fixed_ms_per_mb + cal.assist_scale / max(paced_mb, 1e-9), assist_scale=0.0)
    return replace(cal, assist_scale=cal.assist_scale / pressure)


def _black_scale(cal: Calibration) -> float:
    """How the black allocation the log shows compares with the model's
    unhurried one (allocation rate x mark CPU / marking speed), over the marks
    that were unhurried: well under the 30 % of their runway the trigger
    bound allows. A program that allocates in bursts allocates less during a
    mark than its average rate says; this is where the log tells."""
    ratios = []
    for prev, iv in zip(cal.intervals, cal.intervals[1:]):
        cap = MARK_RUNWAY_SHARE * (prev.goal_mb - prev.live_mb)
        model = _unhurried_black(cal, iv)
        if model > 0 and 1.0 <= iv.black_mb < 0.9 * cap:
            ratios.append(iv.black_mb / model)
    return median(ratios) if len(ratios) >= MIN_CYCLES else 1.0


def _unhurried_black(cal: Calibration, iv: Interval) -> float:
    work = cal.mark_ms_per_mb * (iv.reachable_mb + iv.roots_mb)
    if iv.dt_s <= 0 or work <= 0 or iv.alloc_mb <= 0:
        return 0.0
    return iv.alloc_mb / iv.dt_s * work / cal.mark_speed / 1000.0


def predict(cal: Calibration, setting: Setting) -> Outcome:
    """The observed workload replayed under ``setting``.

    Each observed interval's allocation is cut into cycles of the runway the
    new goal leaves (fractions of a cycle carry over, as the runtime's heap
    would); each predicted cycle costs the calibrated STW and background CPU,
    and assists for the share of its runway its mark allocates. Raises
    :class:`Refusal` for a limit the observed live heap does not fit in.
    """
    limit_goal_floor = cal.live_max_mb + HEAP_MINIMUM_MB * 0.25
    if setting.memlimit_mb is not None:
        room = setting.memlimit_mb - cal.nonheap_mb - LIMIT_HEADROOM_MB
        if room < limit_goal_floor:
            raise Refusal(
                f"GOMEMLIMIT={setting.memlimit_mb:.0f}MiB leaves about {room:.0f} MB for the heap, "
                f"not above the {cal.live_max_mb:.0f} MB live heap this log shows: the runtime "
                "would collect back to back, a regime the log never saw"
            )
    r = _replay(cal, setting)
    cpu_ms = r.forced_cpu_ms + r.paced_mb * cal.fixed_ms_per_mb + r.pressure * cal.assist_scale
    offered_ms = cal.span_s * 1000.0 * cal.procs
    return Outcome(
        label=setting.label(),
        cycles=r.cycles,
        cycles_per_min=r.cycles / cal.span_s * 60.0 if cal.span_s > 0 else math.inf,
        gc_cpu_pct=cpu_ms / offered_ms * 100.0 if offered_ms > 0 else 0.0,
        peak_heap_mb=r.peak_heap_mb,
        peak_total_mb=r.peak_heap_mb + cal.nonheap_mb,
        limit_cycles=r.limit_cycles,
        goal_mb=median(r.goals) if r.goals else math.nan,
    )


@dataclass(frozen=True, slots=True)
class _Replay:  # what the replay under a setting adds up to
    cycles: float
    paced_mb: float  # sum over paced (not forced) cycles of reachable heap + roots
    pressure: float  # sum over paced cycles of mark CPU x black MB / runway MB
    forced_cpu_ms: float
    limit_cycles: float
    peak_heap_mb: float
    goals: list[float]


def _replay(cal: Calibration, setting: Setting) -> _Replay:
    cycles = paced_mb = pressure = forced_ms = limit_cycles = peak_heap = 0.0
    goals: list[float] = []
    carried = 0.0  # MB allocated toward the next cycle
    for iv in cal.intervals:
        if iv.forced:  # a forced cycle collects whatever was allocated so far
            peak_heap = max(peak_heap, iv.live_mb + carried + iv.alloc_mb)
            cycles += 1
            forced_ms += cal.cpu_ms_per_mb * (iv.reachable_mb + iv.roots_mb)
            carried = 0.0
            continue
        marked, hurried = marked_mb(cal, iv, setting)
        goal, by_limit = goal_mb(marked, iv.roots_mb, setting, cal.nonheap_mb)
        goals.append(goal)
        # A hurried mark ends at the goal (assists pace it there); an unhurried
        # one ends where the observed cycles did, idle workers finishing early.
        runway = (goal - marked) * (1.0 if hurried else cal.runway_used)
        if math.isinf(runway):
            carried += iv.alloc_mb
            peak_heap = max(peak_heap, marked + carried)
            continue
        runway = max(runway, 0.05)  # a runway of zero is refused above; this guards rounding
        n = (carried + iv.alloc_mb) / runway
        whole = math.floor(n)
        carried = (n - whole) * runway
        paced = iv.alloc_mb / runway  # the carried part was counted where it was allocated
        cycles += paced
        paced_mb += paced * (iv.reachable_mb + iv.roots_mb)
        mark_cpu = cal.mark_ms_per_mb * (iv.reachable_mb + iv.roots_mb)
        pressure += paced * mark_cpu * min((marked - iv.reachable_mb) / runway, 1.0)
        limit_cycles += paced if by_limit else 0.0
        # The heap reaches the end of mark of a full runway, or only what this
        # interval allocated when it did not finish one.
        peak_heap = max(peak_heap, marked + (runway if whole else carried))
    return _Replay(cycles, paced_mb, pressure, forced_ms, limit_cycles, peak_heap, goals)


def marked_mb(cal: Calibration, iv: Interval, setting: Setting) -> tuple[float, bool]:
    """The heap a mark under ``setting`` would find live (the reachable heap plus
    what the program allocates, black, while the mark runs), and whether the
    mark is hurried: the trigger's lower bound, not the workers, ends it.

    Unhurried, a mark takes its CPU over the calibrated marking speed, and
    the program allocates at its observed rate meanwhile; the trigger's lower
    bound leaves it at most 30 % of the runway, which the marked heap itself
    sets: a few rounds of the fixed point settle it.
    """
    unhurried = _unhurried_black(cal, iv) * cal.black_scale
    if unhurried <= 0:
        return iv.live_mb, False
    black = unhurried
    for _ in range(8):
        marked = iv.reachable_mb + black
        goal, _ = goal_mb(marked, iv.roots_mb, setting, cal.nonheap_mb)
        black = min(unhurried, MARK_RUNWAY_SHARE * max(goal - marked, 0.0))
    return iv.reachable_mb + black, black < unhurried * 0.999
