"""Detail rows for what Go 1.25+ prints beside a cycle's gc line.

The ``gctrace=2`` scan statistics and the ``checkfinalizers`` queue lengths
the model attached to the cycle (:mod:`tui.model.extras`), and a GOMAXPROCS
that changed at this cycle. Most logs have none of them, and then the
detail shows no such section.
"""

from __future__ import annotations

from tui.model import Model
from tui.model.extras import ScanCounts, procs_changes, sched_changes_between
from tui.ui.explain import DetailRow

# Size classes listed one per row, largest object counts first; the rest summed.
TOP_CLASSES = 6


def _pct(share: float | None) -> str:
    return "" if share is None else f", {share * 100:.0f}% dense"


def _counts(c: ScanCounts) -> str:
    text = f"{c.objs:,} objs"
    if c.spans is not None:
        text += f", {c.spans:,} spans{_pct(c.dense_span_share)}"
    return text


def extras_rows(model: Model, i: int) -> list[DetailRow]:
    """Rows for cycle row ``i``: GOMAXPROCS change, finalizer queues, scan statistics."""
    rows: list[DetailRow] = []
    c = model.cycles.cols
    same_run = i > 0 and c.segment[i - 1] == c.segment[i]
    if same_run:
        for ch in procs_changes(model.cycles, range(i - 1, i + 1)):
            rows.append(DetailRow(
                "GOMAXPROCS", f"{ch.before} → {ch.after} P",
                "changed since the previous cycle: runtime.GOMAXPROCS, or Go 1.25+ container-aware "
                "GOMAXPROCS following the CPU limit; GC CPU counts each cycle with its own P"))
        for ch in sched_changes_between(model.sched, c.line_no[i - 1], c.line_no[i]):
            rows.append(DetailRow(
                "SCHED gomaxprocs", f"{ch.before} → {ch.after}",
                f"changed in a SCHED line ({ch.t_ms:.0f}ms) since the previous cycle"))
    queues = model.extras.finalizers.get(i)
    if queues is not None:
        rows.append(DetailRow("finalizer queue", f"{queues.finalizers:,}",
                              "finalizers waiting to run after this cycle (checkfinalizers=1)"))
        rows.append(DetailRow("cleanup queue", f"{queues.cleanups:,}",
                              "runtime.AddCleanup functions waiting to run after this cycle"))
    scan = model.extras.scan.get(i)
    if scan is None:
        return rows
    total = scan.total
    if total is not None:
        how = "Green Tea: objects scanned alone + in sparse spans + in dense spans" if scan.greentea \
            else "objects the mark phase scanned (gctrace=2)"
        rows.append(DetailRow("scanned", f"{total.objs:,} objs", how))
        if total.spans is not None:
            rows.append(DetailRow(
                "objs split", f"{total.sparse_objs:,}+{total.sparse_span_objs:,}+{total.dense_span_objs:,}",
                "scanned one by one + in sparse spans + in dense spans"
                f"{_pct(total.dense_obj_share).replace(', ', '; ')} of objects"))
            rows.append(DetailRow(
                "spans", f"{total.sparse_spans:,}+{total.dense_spans:,}={total.spans:,}",
                f"spans scanned whole, sparse + dense{_pct(total.dense_span_share).replace(', ', '; ')}"))
    ranked = sorted(scan.classes, key=lambda kc: -kc[1].objs)
    for name, counts in ranked[:TOP_CLASSES]:
        what = "large objects (one per span)" if name == "L" else f"objects of the {name} size class"
        rows.append(DetailRow(f"class {name}", _counts(counts), what))
    rest = ranked[TOP_CLASSES:]
    if rest:
        objs = sum(k.objs for _, k in rest)
        rows.append(DetailRow(f"{len(rest)} more", f"{objs:,} objs", "the other size classes, summed"))
    return rows
