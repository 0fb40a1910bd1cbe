"""Rules about the scheduler and the process: goroutine leaks, run-queue
backlog, crashes.

Goroutine counts come from ``schedtrace=...,scheddetail=1`` snapshots (the
G lines, which also give each goroutine's wait reason) or, failing those,
from polled ``/debug/pprof/goroutine`` profiles. The run queues come from
any ``schedtrace`` line (in scheddetail mode the parser takes the per-P
queues from the P lines' ``runqsize``).
"""

from __future__ import annotations

import bisect
from dataclasses import replace

from parsers.events import Crash, SchedSnapshot
from tui.analysis.findings import Finding, Scope, rule
from tui.analysis.windows import MAX_FIT_POINTS, Worst, linear_fit, plural, up_share


def _reason_rise(first: SchedSnapshot, last: SchedSnapshot) -> tuple[str, int] | None:
    """The wait reason whose goroutine count rose the most between snapshots."""
    before = dict(first.g_by_wait_reason)
    rises = [(n - before.get(reason, 0), reason) for reason, n in last.g_by_wait_reason]
    if not rises:
        return None
    rise, reason = max(rises)
    return (reason, rise) if rise > 0 else None


@rule("goroutines-growing", "The goroutine count keeps growing")
def goroutines_growing(scope: Scope) -> Finding | None:
    th, sched = scope.th, scope.model.sched
    w = Worst()
    for rows in scope.sched_windows(th.goroutines_growing_window_s, MAX_FIT_POINTS, sample=True):
        snaps = [sched[i] for i in rows if not sched.is_row(i) and sched[i].goroutines is not None]
        if len(snaps) < th.goroutines_growing_min_snapshots:
            continue
        xs = [s.t_ms / 1000.0 for s in snaps]
        ys = [float(s.goroutines or 0) for s in snaps]
        if xs[-1] - xs[0] < th.goroutines_growing_min_s:
            continue
        if ys[-1] - ys[0] < th.goroutines_growing_min_rise:
            continue
        w.seen(rows, MAX_FIT_POINTS)
        slope, r2 = linear_fit(xs, ys)
        half = len(snaps) // 2
        ups = up_share(ys) * 100.0
        steady = r2 >= th.goroutines_growing_r2 or ups >= th.goroutines_growing_up_pct
        if slope > 0 and steady and linear_fit(xs[half:], ys[half:])[0] > 0:
            w.offer(slope, (slope, snaps, r2))
    if w.item is None:
        return None
    slope, snaps, r2 = w.item
    first, last = snaps[0], snaps[-1]
    grew = _reason_rise(first, last)
    t0, t1 = first.t_ms / 1000.0, last.t_ms / 1000.0
    culprit = ""
    advice_where = "where the most goroutines are blocked"
    if grew is not None:
        culprit = f"; most of the rise is goroutines waiting in \"{grew[0]}\" (+{grew[1]})"
        advice_where = f"where the \"{grew[0]}\" goroutines are blocked"
    return scope.finding(
        "goroutines-growing",
        "warning",
        f"The goroutine count rose from {first.goroutines} to {last.goroutines} in "
        f"{t1 - t0:.1f} s ({slope:.0f} per second, r² {r2:.2f}){culprit}"
        f"{w.note(scope.full, th.goroutines_growing_window_s)}.",
        "Goroutines that never finish are a leak (each holds its stack and whatever it "
        "references): take a goroutine profile (go tool pprof "
        f"http://HOST/debug/pprof/goroutine, or ?debug=1 for stacks), look at {advice_where}, "
        "and make sure every channel is closed or every wait has a context that cancels it.",
        value=slope,
        t0_s=t0,
        t1_s=t1,
    )


@rule("runqueue-backlog", "Runnable goroutines wait for a P")
def runqueue_backlog(scope: Scope) -> Finding | None:
    th, sched = scope.th, scope.model.sched
    if scope.full:
        rows = scope.sched_rows()
    else:
        rows = next(scope.sched_windows(th.window_s, 100_000), range(0))
    cols = sched.numbers()  # every snapshot's numbers, no events built
    idle, queue, procs_at = cols["idleprocs"], cols["queued"], cols["gomaxprocs"]
    best = range(0)  # the longest run of backlogged snapshots
    run_start = None
    for i in rows:
        queued = queue[i]
        if idle[i] == 0 and queued > 0 and queued >= th.runqueue_backlog_per_p * procs_at[i]:
            if run_start is None:
                run_start = i
            if i + 1 - run_start > len(best):
                best = range(run_start, i + 1)
        else:
            run_start = None
    if len(best) < th.runqueue_backlog_snapshots:
        return None
    counts = [queue[i] for i in best]
    procs = procs_at[best[-1]]
    t0, t1 = cols["t_ms"][best[0]] / 1000.0, cols["t_ms"][best[-1]] / 1000.0
    only_global = ""
    if sched[best[-1]].runq_per_p is None:
        only_global = " (global queue only: the per-P queues were not printed)"
    return scope.finding(
        "runqueue-backlog",
        "warning",
        f"Runnable goroutines queued with no idle P in {len(best)} scheduler snapshots in a "
        f"row ({t0:.1f}–{t1:.1f} s): up to {max(counts)} waiting for {procs} "
        f"P{'s' if procs != 1 else ''}, {sum(counts) / len(counts):.0f} on average{only_global}.",
        "The program wants more CPU than GOMAXPROCS gives it, so goroutines wait to run "
        "(latency): check GOMAXPROCS against the CPU quota (containers), find the hot code in "
        "a CPU profile (go tool pprof http://HOST/debug/pprof/profile), and bound the number "
        "of CPU-bound workers.",
        value=float(max(counts)),
        t0_s=t0,
        t1_s=t1,
    )


def _waiting(s: SchedSnapshot) -> bool:
    """The world is being stopped: a stop-the-world asked every P to stop
    (``gcwaiting``) and some have not yet (``stopwait``, Ps still running)."""
    return bool(s.gcwaiting) or bool(s.stopwait)


@rule("stw-stuck", "A stop-the-world never finishes")
def stw_stuck(scope: Scope) -> Finding | None:
    """Consecutive scheduler snapshots all caught a stop-the-world under way
    (scheddetail's ``gcwaiting``/``stopwait``) and no gc line finished in
    between. A normal stop lasts micro- to milliseconds, so even two
    snapshots in a row catching one is rare; several mean the program is
    frozen behind a goroutine that does not stop."""
    th, sched = scope.th, scope.model.sched
    rows = scope.sched_rows() if scope.full else next(scope.sched_windows(th.window_s, 100_000), range(0))
    gc_lines = scope.model.cycles.cols.line_no
    lo, hi = scope.rows.start, scope.rows.stop
    best: list[SchedSnapshot] = []
    run: list[SchedSnapshot] = []
    for i in rows:
        if sched.is_row(i):  # a plain summary line has no stop-the-world flags
            run = []
            continue
        s = sched[i]
        if not _waiting(s):
            run = []
            continue
        if run:  # a gc line between two snapshots: the stop finished
            at = bisect.bisect_right(gc_lines, run[-1].meta.line_no, lo, hi)
            if at < hi and gc_lines[at] < s.meta.line_no:
                run = []
        run.append(s)
        if len(run) > len(best):
            best = list(run)
    if len(best) < th.stw_stuck_snapshots:
        return None
    first, last = best[0], best[-1]
    t0, t1 = first.t_ms / 1000.0, last.t_ms / 1000.0
    ongoing = last is sched[rows[-1]] if len(rows) else False
    stopwait = max(s.stopwait or 0 for s in best)
    return scope.finding(
        "stw-stuck",
        "critical",
        f"{len(best)} scheduler snapshots in a row ({t0:.1f}–{t1:.1f} s) caught the runtime "
        f"stopping the world (gcwaiting=1, up to {plural(stopwait, 'P')} still running: stopwait) "
        f"and no GC cycle finished in between{': it was still stuck at the end' if ongoing else ''}. "
        "Every goroutine but the ones that will not stop is frozen.",
        "A stop-the-world waits for every running goroutine to reach a safe point: look for a "
        "tight loop without function calls (preempted asynchronously since Go 1.14, unless "
        "GODEBUG=asyncpreemptoff=1 or the loop runs in cgo/assembly), and take a goroutine dump "
        "(SIGQUIT, or GOTRACEBACK=all) to see which goroutine is running.",
        value=t1 - t0,
        t0_s=t0,
        t1_s=t1,
    )


_CRASH_ADVICE = {
    "panic": "Read the first goroutine in the dump: its stack ends at the panicking line. "
    "Fix the cause, or recover() at a goroutine's top level if the work can be dropped.",
    "fatal": "A fatal error cannot be recovered: \"all goroutines are asleep\" is a "
    "deadlock (look at what each goroutine waits for), \"out of memory\" means the heap "
    "outgrew the machine, \"concurrent map writes\" needs a mutex or sync.Map.",
    "signal": "The process died on a signal: a SIGSEGV in cgo or unsafe code, or a SIGQUIT / "
    "SIGABRT someone sent (GOTRACEBACK=all shows every goroutine).",
}


def crash_segment(scope: Scope, crash: Crash) -> int:
    """The segment (run) a crash belongs to, by its line number."""
    segments = scope.model.segments
    at = bisect.bisect_right([s.line_no for s in segments], crash.meta.line_no)
    return segments[max(0, at - 1)].index


@rule("crash", "The program crashed")
def crash(scope: Scope) -> Finding | None:
    model = scope.model
    if not model.crashes:
        return None
    if scope.full:
        mine = [c for c in model.crashes if crash_segment(scope, c) == scope.segment]
        if not mine:
            return None
        first, segment = mine[0], scope.segment
    else:  # live: the newest crash, whatever run it ended
        mine = [model.crashes[-1]]
        first, segment = mine[0], crash_segment(scope, mine[0])
    dump = f" ({plural(first.goroutines, 'goroutine')} in the dump)" if first.goroutines else ""
    more = f", and {len(mine) - 1} more crash block(s) after it" if len(mine) > 1 else ""
    who = "The program" if segment == model.segment else f"An earlier run (segment {segment})"
    found = scope.finding(
        "crash",
        "critical",
        f"{who} crashed at line {first.first_line or first.meta.line_no}: "
        f"{first.headline}{dump}{more}.",
        _CRASH_ADVICE.get(
            first.reason, "Read the dump: the first goroutine shown is usually the one that failed."
        ),
    )
    return replace(found, segment=segment)
