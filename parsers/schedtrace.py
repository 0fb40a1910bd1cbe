"""``schedtrace`` and ``scheddetail`` lines, as two tables of shapes.

Two families live here because they come from one runtime function
(``schedtrace`` in proc.go): the ``SCHED Nms:`` line (family ``sched``) and,
with ``scheddetail=1``, one indented line per P, M and G after it (family
``sched_detail``). The dispatcher folds a detail block into its snapshot
with :func:`summarize_block`.

Rows are newest Go era first. The last ``sched`` row is deliberately loose:
any line that still carries the six core counters and either a per-P list or
the detail-mode tail parses, with fields it does not know kept in ``extra``,
so a runtime that adds a field (as 1.20 did with ``needspinning=``) does not
make every SCHED line malformed. Every row builds the same event for a line
it shares with another row, so the order the dispatcher tries them in never
changes the result.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter

from parsers.events import LineMeta, SchedDetail, SchedSnapshot
from parsers.shapes import Shape

FAMILY = "sched"
START = re.compile(r"SCHED \d+ms:")
DETAIL_FAMILY = "sched_detail"
# Tight on purpose: "P1: " alone is common in program output, "P1: status="
# is not (M lines begin with "p=" in every version), and the dispatcher also
# searches inside lines, where "MSG1: status=" must not look like a G line.
DETAIL_START = re.compile(r"(?<!\w)(?:P\d+: status=|M\d+: p=|G\d+: status=)")

# G status numbers (runtime2.go); the runtime ORs SCAN_BIT onto a status
# while the GC scans that goroutine's stack, so 4100 is "waiting".
STATUS_NAMES: dict[int, str] = {
    0: "idle",
    1: "runnable",
    2: "running",
    3: "syscall",
    4: "waiting",
    5: "moribund",
    6: "dead",
    7: "enqueue",
    8: "copystack",
    9: "preempted",
    10: "leaked",
    11: "deadextra",
}
P_STATUS_NAMES: dict[int, str] = {0: "idle", 1: "running", 2: "syscall", 3: "gcstop", 4: "dead"}
SCAN_BIT = 0x1000
G_WAITING = 4
# Dead Gs stay on allg for reuse (6), and since Go 1.26 the Gs parked on
# extra Ms for cgo callbacks (11): neither is a goroutine a program has.
_NOT_LIVE = frozenset({6, 11})

# Named groups: one builder reads every era's row by name.
_HEAD = (
    r"SCHED (?P<t_ms>\d+)ms: gomaxprocs=(?P<gomaxprocs>\d+) idleprocs=(?P<idleprocs>\d+)"
    r" threads=(?P<threads>\d+) spinningthreads=(?P<spinningthreads>\d+)"
)
_NEED = r" needspinning=(?P<needspinning>\d+)"  # Go 1.20+
_MID = r" idlethreads=(?P<idlethreads>\d+) runqueue=(?P<runqueue>\d+)"
# "[0 0 0]" up to 1.24 (always at least one P; written so no run of digits can
# be split two ways, which would backtrack exponentially on a 128-P line).
_LIST = r" \[(?P<runq>\d+(?: \d+)*)\]"
# Go 1.25 pads the list ("[ 0 0 ]") and adds per-P scheduler ticks.
_LIST125 = r" \[ (?P<runq>(?:\d+ )*)\] schedticks=\[ (?P<schedticks>(?:\d+ )*)\]"
_DETAIL = (
    r" gcwaiting=(?P<gcwaiting>{0}) nmidlelocked=(?P<nmidlelocked>\d+)"
    r" stopwait=(?P<stopwait>\d+) sysmonwait=(?P<sysmonwait>{0})"
)

GO125 = re.compile(_HEAD + _NEED + _MID + _LIST125)
GO120 = re.compile(_HEAD + _NEED + _MID + _LIST)
# Go 1.2-1.19: the C runtime's printf and the Go port print the same line.
GO14 = re.compile(_HEAD + _MID + _LIST)
# Detail mode drops the per-P list for four scheduler flags. Go 1.20 made
# gcwaiting and sysmonwait atomic.Bool, which print as false/true.
DETAIL_GO120 = re.compile(_HEAD + _NEED + _MID + _DETAIL.format("false|true"))
DETAIL_GO14 = re.compile(_HEAD + _MID + _DETAIL.format(r"\d+"))

# Fallback: "key=value", "key=[n n]" or a bare "[n n]" tokens in any order,
# as long as the six core counters are there and the line ends its summary
# the way the runtime does (a per-P list, or the detail-mode flags), so a
# line cut short by a crash is reported malformed rather than half-read.
_TOKEN = r"(?:[A-Za-z_]\w*=(?:\[[\d ]*\]|[^\s\[\]]*)|\[[\d ]*\])"
_CORE = ("gomaxprocs", "idleprocs", "threads", "spinningthreads", "idlethreads", "runqueue")
GENERIC = re.compile(
    "".join(rf"(?=.* {key}=\d+(?: |$))" for key in _CORE)
    + r"(?=.*(?: \[| gcwaiting=\S))"
    + rf"SCHED (\d+)ms:((?: {_TOKEN})+)"
)
_TOKENS = re.compile(r"([A-Za-z_]\w*)=(\[[\d ]*\]|[^\s\[\]]*)|(\[[\d ]*\])")
_FLAGS = ("needspinning", "gcwaiting", "nmidlelocked", "stopwait", "sysmonwait")
_BOOL = {"false": 0, "true": 1}
_INT = re.compile(r"-?\d+")


def _ints(text: str) -> tuple[int, ...]:
    """``"1 0 3"``, ``"[ 1 0 3 ]"`` or ``"1 0 3 "`` to a tuple of ints."""
    return tuple(map(int, text.strip("[] ").split()))


def _flag(text: str) -> int | None:
    """A scheduler flag printed as 0/1 (Go <= 1.19) or false/true (1.20+)."""
    if text in _BOOL:
        return _BOOL[text]
    return int(text) if _INT.fullmatch(text) else None


def _opt_ints(text: str | None) -> tuple[int, ...] | None:
    return None if text is None else _ints(text)


def _opt_flag(text: str | None) -> int | None:
    return None if text is None else _flag(text)


def _build(m: re.Match[str], meta: LineMeta) -> SchedSnapshot:
    """Build from any era's exact row; a group the era lacks stays None."""
    g = m.groupdict()
    return SchedSnapshot(
        meta=meta,
        t_ms=int(g["t_ms"]),
        gomaxprocs=int(g["gomaxprocs"]),
        idleprocs=int(g["idleprocs"]),
        threads=int(g["threads"]),
        spinningthreads=int(g["spinningthreads"]),
        idlethreads=int(g["idlethreads"]),
        runqueue=int(g["runqueue"]),
        needspinning=_opt_flag(g.get("needspinning")),
        runq_per_p=_opt_ints(g.get("runq")),
        schedticks=_opt_ints(g.get("schedticks")),
        detail="gcwaiting" in g,
        gcwaiting=_opt_flag(g.get("gcwaiting")),
        nmidlelocked=_opt_flag(g.get("nmidlelocked")),
        stopwait=_opt_flag(g.get("stopwait")),
        sysmonwait=_opt_flag(g.get("sysmonwait")),
    )


def _build_generic(m: re.Match[str], meta: LineMeta) -> SchedSnapshot:
    """Read the tokens by name; whatever is not a known field goes to ``extra``.

    The first bare list is the per-P run queues; further bare lists are kept
    as ``("list", "1 2")``. A known flag whose value is neither a number nor
    a boolean is kept in ``extra`` rather than guessed.
    """
    values: dict[str, str] = {}
    flags: dict[str, int] = {}
    extra: list[tuple[str, str]] = []
    runq: tuple[int, ...] | None = None
    ticks: tuple[int, ...] | None = None
    for key, value, bare in _TOKENS.findall(m.group(2)):
        if bare:
            if runq is None:
                runq = _ints(bare)
            else:
                extra.append(("list", bare.strip("[] ")))
        elif key == "schedticks" and value.startswith("[") and ticks is None:
            ticks = _ints(value)
        elif key in _CORE and key not in values:
            values[key] = value
        elif key in _FLAGS and key not in flags and (flag := _flag(value)) is not None:
            flags[key] = flag
        else:
            extra.append((key, value.strip("[] ") if value.startswith("[") else value))
    return SchedSnapshot(
        meta=meta,
        t_ms=int(m.group(1)),
        gomaxprocs=int(values["gomaxprocs"]),
        idleprocs=int(values["idleprocs"]),
        threads=int(values["threads"]),
        spinningthreads=int(values["spinningthreads"]),
        idlethreads=int(values["idlethreads"]),
        runqueue=int(values["runqueue"]),
        needspinning=flags.get("needspinning"),
        runq_per_p=runq,
        schedticks=ticks,
        # The detail-mode SCHED line is the one with gcwaiting= (GENERIC
        # requires it or a bare per-P list).
        detail=runq is None,
        gcwaiting=flags.get("gcwaiting"),
        nmidlelocked=flags.get("nmidlelocked"),
        stopwait=flags.get("stopwait"),
        sysmonwait=flags.get("sysmonwait"),
        extra=tuple(extra),
    )


SHAPES: tuple[Shape, ...] = (
    Shape("go1.25", GO125, _build),
    Shape("go1.20", GO120, _build),
    Shape("go1.4", GO14, _build),
    Shape("detail_go1.20", DETAIL_GO120, _build),
    Shape("detail_go1.4", DETAIL_GO14, _build),
    Shape("future", GENERIC, _build_generic),
)

# --- scheddetail P/M/G lines --------------------------------------------------

_KV = r"[A-Za-z_]\w*=\S*"
# The wait reason may hold spaces and parentheses ("trace reader (blocked)");
# the lazy group stops at the first ")" after which only key=value follows.
G_LINE = re.compile(rf"G(\d+): status=(\d+)\((.*?)\)((?: {_KV})*)")
P_LINE = re.compile(rf"P(\d+): (status=(\d+)(?: {_KV})*)")
# M's preemptoff= is a free-text reason that may hold spaces ("start
# tracing"); the line must still end in key=value, so a cut-off line fails.
M_LINE = re.compile(rf"M(\d+): (p=\S*(?: \S+)*? {_KV})")
# Split before each " key=" so a value with spaces stays whole.
_PAIRS = re.compile(r"([A-Za-z_]\w*)=(.*?)(?= [A-Za-z_]\w*=|$)")


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    """``a=1 b=x y c=`` to ``(("a", "1"), ("b", "x y"), ("c", ""))``."""
    return tuple((k, v) for k, v in _PAIRS.findall(text))


def _build_g(m: re.Match[str], meta: LineMeta) -> SchedDetail:
    """A G line; ``fields`` keeps ``status`` as printed, ``4(select)``."""
    goid, status, reason, tail = m.groups()
    fields = (("status", f"{status}({reason})"),) + _pairs(tail)
    return SchedDetail(
        meta=meta,
        entity="G",
        ident=int(goid),
        fields=fields,
        status=int(status),
        wait_reason=reason,
    )


def _build_p(m: re.Match[str], meta: LineMeta) -> SchedDetail:
    ident, body, status = m.groups()
    return SchedDetail(
        meta=meta, entity="P", ident=int(ident), fields=_pairs(body), status=int(status)
    )


def _build_m(m: re.Match[str], meta: LineMeta) -> SchedDetail:
    return SchedDetail(meta=meta, entity="M", ident=int(m.group(1)), fields=_pairs(m.group(2)))


DETAIL_SHAPES: tuple[Shape, ...] = (
    Shape("G", G_LINE, _build_g),
    Shape("P", P_LINE, _build_p),
    Shape("M", M_LINE, _build_m),
)


def status_name(status: int) -> str:
    """Name of a G status, scan bit removed (``4100`` -> ``waiting``)."""
    base = status & ~SCAN_BIT
    return STATUS_NAMES.get(base, f"status {base}")


def summarize_block(snapshot: SchedSnapshot, details: list[SchedDetail]) -> SchedSnapshot:
    """Fold a scheddetail block's P/M/G lines into a copy of its SCHED line.

    ``goroutines`` counts G lines that are not dead (6) or deadextra (11),
    scan bit removed: the runtime lists every G it ever allocated, keeping
    dead ones for reuse. Unlike ``runtime.NumGoroutine`` it includes system
    goroutines (GC workers, the sweeper, ...). It stays ``None`` when the
    block had no G line at all (a block cut short), since 0 would be a lie.
    ``runq_per_p`` comes from the P lines' ``runqsize`` when the SCHED line
    had no list. ``g_by_status`` counts every G line by status name; ``g_by_wait_reason``
    only waiting ones, since the runtime prints the *last* reason even for a
    goroutine that runs again. Both are sorted by count, largest first.
    """
    by_status: Counter[str] = Counter()
    by_reason: Counter[str] = Counter()
    live = 0
    g_lines = p_lines = m_lines = 0
    runq: dict[int, int] = {}
    for d in details:
        if d.entity == "P":
            p_lines += 1
            size = dict(d.fields).get("runqsize", "")
            if size.isdigit():
                runq[d.ident] = int(size)
        elif d.entity == "M":
            m_lines += 1
        elif d.entity == "G" and d.status is not None:
            g_lines += 1
            base = d.status & ~SCAN_BIT
            by_status[status_name(base)] += 1
            if base not in _NOT_LIVE:
                live += 1
            if base == G_WAITING:
                by_reason[d.wait_reason or "(none)"] += 1
    return dataclasses.replace(
        snapshot,
        goroutines=live if g_lines else None,
        g_by_status=_ranked(by_status),
        g_by_wait_reason=_ranked(by_reason),
        p_lines=p_lines,
        m_lines=m_lines,
        # Detail mode drops the per-P list from the SCHED line; the P lines'
        # runqsize says the same, so the run queues stay complete.
        runq_per_p=snapshot.runq_per_p
        if snapshot.runq_per_p is not None or not runq
        else tuple(runq.get(i, 0) for i in range(max(runq) + 1)),
    )


def _ranked(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    """Largest count first; ties by name, so the order is stable across blocks."""
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
