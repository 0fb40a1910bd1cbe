"""Rules about what Go 1.25+ runtimes print beside the gc line: the
finalizer queue (``checkfinalizers=1``) and a GOMAXPROCS that changes under
a running program (container-aware GOMAXPROCS).

The queue lengths and scan statistics are attached to their cycles by the
model (:mod:`tui.model.extras`); a GOMAXPROCS change is read from the gc
lines' ``N P`` and the SCHED lines' ``gomaxprocs=``.
"""

from __future__ import annotations

from tui.analysis.findings import Finding, Scope, cycles_text, rule
from tui.analysis.windows import MAX_FIT_POINTS, Worst, linear_fit, plural, up_share
from tui.model.extras import ProcsChange, procs_changes


def _growth(scope: Scope, xs: list[float], ys: list[float]) -> tuple[float, float] | None:
    """``(slope per second, r²)`` when ``ys`` keeps growing along ``xs``:
    a rise of at least the threshold that a line fits (or that is mostly
    rises), still rising in the second half and ending at its high. A queue
    that swings up and down, or one that grew once and drained, does not."""
    th = scope.th
    if len(ys) < th.finalizer_queue_growing_min_cycles or xs[-1] <= xs[0]:
        return None
    if ys[-1] - ys[0] < th.finalizer_queue_growing_min_rise:
        return None
    slope, r2 = linear_fit(xs, ys)
    half = len(ys) // 2
    steady = r2 >= th.finalizer_queue_growing_r2 or up_share(ys) * 100.0 >= th.finalizer_queue_growing_up_pct
    if slope <= 0 or not steady or linear_fit(xs[half:], ys[half:])[0] <= 0:
        return None
    if ys[-1] < max(ys[:half]):
        return None
    rises = sum(b > a for a, b in zip(ys, ys[1:]))
    if rises < len(ys) // 4:  # one jump after a flat stretch is a step, not growth
        return None
    return slope, r2


@rule("finalizer-queue-growing", "The finalizer queue keeps growing")
def finalizer_queue_growing(scope: Scope) -> Finding | None:
    extras = scope.model.extras
    if not extras.finalizers:
        return None
    th, t = scope.th, scope.model.cycles.cols.t_ms
    w = Worst()
    for rows in scope.windows(th.finalizer_queue_growing_window_s, MAX_FIT_POINTS, sample=True):
        have = [i for i in rows if i in extras.finalizers]
        if len(have) < th.finalizer_queue_growing_min_cycles:
            continue
        w.seen(rows, MAX_FIT_POINTS)
        xs = [t[i] / 1000.0 for i in have]
        for queue in ("finalizers", "cleanups"):
            ys = [float(getattr(extras.finalizers[i], queue)) for i in have]
            grown = _growth(scope, xs, ys)
            if grown is not None:
                w.offer(grown[0], (grown, queue, have, ys))
    if w.item is None:
        return None
    (slope, r2), queue, have, ys = w.item
    what = "finalizer" if queue == "finalizers" else "cleanup"
    return scope.finding(
        "finalizer-queue-growing",
        "warning",
        f"The {what} queue grew from {ys[0]:.0f} to {ys[-1]:.0f} over {cycles_text(scope, have)} "
        f"at {slope:.1f} a second (r² {r2:.2f}): {queue} run slower than objects that have them "
        f"become unreachable{w.note(scope.full, th.finalizer_queue_growing_window_s)}.",
        "Queued finalizers (runtime.SetFinalizer) and cleanups (runtime.AddCleanup) keep "
        "everything they reference in the heap until they run, and they run on few goroutines: "
        "one that blocks or is slow holds up the rest. Find it in a goroutine profile (go tool "
        "pprof http://HOST/debug/pprof/goroutine; finalizers run in runtime.runfinq), make it "
        "quick, or release the resource explicitly (Close) and keep the finalizer as a safety net.",
        have,
        value=slope,
    )


def _changes_text(changes: list[ProcsChange]) -> str:
    steps = ", ".join(f"{c.before}→{c.after}" for c in changes[:6])
    more = f", and {len(changes) - 6} more" if len(changes) > 6 else ""
    return f"{steps}{more}"


@rule("gomaxprocs-changed", "GOMAXPROCS changed during the run")
def gomaxprocs_changed(scope: Scope) -> Finding | None:
    model = scope.model
    gc = procs_changes(model.cycles, scope.rows)
    sched_rows = scope.sched_rows()
    sched = [c for c in model.extras.sched_changes(model.sched)
             if sched_rows.start < c.index < sched_rows.stop]  # a restart is not a change
    if len(gc) < scope.th.gomaxprocs_changed_min_changes and len(sched) < scope.th.gomaxprocs_changed_min_changes:
        return None
    n = model.cycles.cols.n
    parts: list[str] = []
    rows = None
    t0 = t1 = None
    if gc:
        first = gc[0]
        at = scope.t_s(first.index)
        when = f" ({at:.1f} s)" if at is not None else ""
        parts.append(f"the gc lines' P count went {_changes_text(gc)}, first at gc {n[first.index]}{when}")
        rows = [c.index for c in gc]
    if sched:
        parts.append(f"the SCHED lines' gomaxprocs went {_changes_text(sched)}, first at "
                     f"SCHED {sched[0].t_ms:.0f}ms")
        if rows is None:
            t0, t1 = (sched[0].t_ms or 0) / 1000.0, (sched[-1].t_ms or 0) / 1000.0
    count = max(len(gc), len(sched))
    return scope.finding(
        "gomaxprocs-changed",
        "info",
        f"GOMAXPROCS changed {'once' if count == 1 else plural(count, 'time')} while the program ran: " + "; ".join(parts) + ". "
        "Since Go 1.25 the runtime sets GOMAXPROCS from the container's CPU limit and follows the "
        "limit when it changes (container-aware GOMAXPROCS); a program can also call "
        "runtime.GOMAXPROCS. gctui charges each cycle's GC CPU against that cycle's own P count.",
        "If nobody meant to change it, look at the container's CPU limit (Kubernetes "
        "resources.limits.cpu, the cgroup's cpu.max), which the runtime re-reads while it runs. "
        "GODEBUG=updatemaxprocs=0 stops the updates, containermaxprocs=0 ignores the limit, and "
        "an explicit GOMAXPROCS setting does both.",
        rows,
        value=float(count),
        t0_s=t0,
        t1_s=t1,
    )
