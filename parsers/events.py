"""Every event the parsers produce, in one place.

Events are frozen, slotted and keyword-only so that a reader sees each kind's
fields at a glance and nobody can mutate what the model has stored. Units
follow the runtime's own printing: sizes in MiB (``_mb``) or KiB (``_kib``) or
bytes (``_b``) exactly as printed, durations in milliseconds unless the name
says ``_s``. A field the Go version in question does not print is ``None``,
never 0, so that "zero" always means the runtime really printed zero.

Every event that comes from a physical line carries a :class:`LineMeta`; the
``kind`` class attribute is the name used in line accounting, exports and
reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True, kw_only=True)
class LineMeta:
    """Where a record came from.

    ``line_no`` is the 1-based physical line in the input; ``raw`` the whole
    line as read (decoded, without the line ending); ``prefix`` whatever stood
    before the record on that line (a timestamp, a pod name, program output
    that an interleaved write left there); ``wall_time`` the Unix time parsed
    from that prefix, when it held one; ``stream`` ``stdout``/``stderr`` when a
    log wrapper (CRI, Docker json-file) said so; ``source`` a pod/container or
    syslog tag when the prefix named one.
    """

    line_no: int
    raw: str
    prefix: str = ""
    wall_time: float | None = None
    stream: str | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class GCCycle:
    """One ``gctrace=1`` line: a completed GC cycle.

    Eras: ``go1.4`` (the C runtime's ``gcN(P):`` line, whole GC stop-the-world),
    ``go1.5`` (five clock phases), ``go1.6`` (three phases, up to 1.17) and
    ``go1.18`` (with stacks and globals). ``cpu_pct`` is the *cumulative* GC
    CPU share since process start, as the runtime prints it.
    """

    kind: ClassVar[str] = "gc"
    meta: LineMeta
    era: str
    n: int
    t_s: float | None = None
    cpu_pct: int | None = None
    # Wall-clock phases, ms.
    stw_sweep_term_ms: float | None = None
    mark_ms: float | None = None
    stw_mark_term_ms: float | None = None
    # CPU time, ms.
    sweep_term_cpu_ms: float | None = None
    mark_assist_cpu_ms: float | None = None
    mark_bg_cpu_ms: float | None = None
    mark_idle_cpu_ms: float | None = None
    mark_term_cpu_ms: float | None = None
    # Heap, MiB truncated: at GC start, at end of mark, live (marked) after it.
    heap_start_mb: int | None = None
    heap_end_mb: int | None = None
    heap_live_mb: int | None = None
    heap_goal_mb: int | None = None
    stacks_mb: int | None = None
    globals_mb: int | None = None
    procs: int | None = None
    forced: bool = False
    # Go 1.26+ marks cycles that also looked for leaked goroutines.
    leak_check: bool = False
    # Go 1.5 only: the scan and write-barrier-install phases (clock and CPU).
    scan_ms: float | None = None
    install_wb_ms: float | None = None
    scan_cpu_ms: float | None = None
    install_wb_cpu_ms: float | None = None
    # Go <= 1.4 only: the whole collection was stop-the-world; the total, ms.
    stw_total_ms: float | None = None
    # Fields a newer (or older) runtime printed that this era's shape does not
    # name, kept as (name, text) pairs in order, e.g. ("goroutines", "34").
    extra: tuple[tuple[str, str], ...] = ()

    @property
    def stw_ms(self) -> float | None:
        """Stop-the-world pause of the cycle: sweep plus mark termination."""
        if self.stw_total_ms is not None:
            return self.stw_total_ms
        if self.stw_sweep_term_ms is None or self.stw_mark_term_ms is None:
            return None
        return self.stw_sweep_term_ms + self.stw_mark_term_ms


@dataclass(frozen=True, slots=True, kw_only=True)
class SchedSnapshot:
    """One ``SCHED Nms:`` line (``t_ms`` counts from the first SCHED line).

    In scheddetail mode (``detail=True``) the P/M/G lines that follow are
    folded in: the snapshot is emitted after its block, with goroutine counts
    by status and by wait reason.
    """

    kind: ClassVar[str] = "sched"
    meta: LineMeta
    t_ms: int
    gomaxprocs: int
    idleprocs: int
    threads: int
    spinningthreads: int
    idlethreads: int
    runqueue: int
    needspinning: int | None = None
    runq_per_p: tuple[int, ...] | None = None
    schedticks: tuple[int, ...] | None = None
    detail: bool = False
    gcwaiting: int | None = None
    nmidlelocked: int | None = None
    stopwait: int | None = None
    sysmonwait: int | None = None
    # Filled from the P/M/G lines of a scheddetail block.
    goroutines: int | None = None
    g_by_status: tuple[tuple[str, int], ...] = ()
    g_by_wait_reason: tuple[tuple[str, int], ...] = ()
    p_lines: int = 0
    m_lines: int = 0
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SchedDetail:
    """One scheddetail ``P<i>:``, ``M<id>:`` or ``G<goid>:`` line.

    ``entity`` is ``"P"``, ``"M"`` or ``"G"``; ``ident`` its number; ``fields``
    every ``key=value`` as printed (``-1`` and ``nil`` both mean "none").
    For G lines ``status`` is the numeric state and ``wait_reason`` the text
    in parentheses (the *last* wait reason, printed even when not waiting).
    """

    kind: ClassVar[str] = "sched_detail"
    meta: LineMeta
    entity: str
    ident: int
    fields: tuple[tuple[str, str], ...] = ()
    status: int | None = None
    wait_reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Scavenge:
    """A scavenger line: memory the runtime returned to the OS.

    ``form`` names the shape: ``scvg_released`` / ``scvg_stats`` (``scvgN:`` of
    Go <= 1.12, ``scvg:`` and ``forced scvg:`` of 1.13), ``scvg_gc_forced``
    (old ``scvgN: GC forced``), ``scav114`` (1.14 and 1.19-1.20), ``scav115``
    (with generation, 1.15-1.18), ``scav121`` (bg/eager split, 1.21+).
    ``run`` is the old scavenger run number (-1 for FreeOSMemory).
    """

    kind: ClassVar[str] = "scavenger"
    meta: LineMeta
    form: str
    run: int | None = None
    forced: bool = False
    released_kib: int | None = None
    inuse_mb: int | None = None
    idle_mb: int | None = None
    sys_mb: int | None = None
    released_mb: int | None = None
    consumed_mb: int | None = None
    work_kib: int | None = None
    work_eager_kib: int | None = None
    total_kib: int | None = None
    util_pct: int | None = None
    gen: int | None = None
    controller_reset: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Pacer:
    """A ``gcpacertrace=1`` line.

    ``form`` is ``assist`` (start of cycle), ``end_old`` (Go 1.5-1.17
    controller state, ``values`` holds every ``name=value``), ``end`` (Go
    1.18+) or ``sweep`` (sweep done). Floats are parsed from either runtime
    float style (``+1.610639e+000`` or ``1.610639``).
    """

    kind: ClassVar[str] = "pacer"
    meta: LineMeta
    form: str
    assist_ratio: float | None = None
    scan_mb: int | None = None
    heap_live_mb: int | None = None
    heap_goal_mb: int | None = None
    workers_dedicated: int | None = None
    workers_fractional: float | None = None
    cpu_pct: int | None = None
    cpu_goal_pct: int | None = None
    heap_scan_b: int | None = None
    stack_scan_b: int | None = None
    globals_scan_b: int | None = None
    expected_b: int | None = None
    trigger_b: int | None = None
    live_b: int | None = None
    delta_goal_b: int | None = None
    cons_mark: float | None = None
    controller_reset: bool = False
    sweep_heap_mb: int | None = None
    sweep_allocated_mb: int | None = None
    sweep_pages: int | None = None
    sweep_pages_per_byte: float | None = None
    values: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class GCForced:
    """``GC forced``: the 2-minute periodic GC is starting (not ``(forced)``)."""

    kind: ClassVar[str] = "gc_forced"
    meta: LineMeta


@dataclass(frozen=True, slots=True, kw_only=True)
class RuntimeNote:
    """Other runtime diagnostics worth keeping apart from program output.

    ``topic``: ``inittrace`` (``init pkg @...``), ``gc_scan`` (gctrace=2
    ``scan:`` lines, Go 1.25+), ``checkfinalizers`` (Go 1.25+).
    """

    kind: ClassVar[str] = "runtime"
    meta: LineMeta
    topic: str
    fields: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Crash:
    """A panic, fatal error, signal dump or goroutine dump, as one event.

    ``reason`` is ``panic``, ``fatal`` (``fatal error:``), ``signal``
    (``SIGQUIT:`` and friends) or ``dump`` (goroutine stacks with no header);
    ``headline`` the first header line (e.g. ``panic: boom``); ``text`` every
    line of the block joined with ``\\n``; ``goroutines`` how many
    ``goroutine N [...]:`` headers the dump had; ``first_line``/``last_line``
    the physical lines it spans (``meta`` is the first line's).
    """

    kind: ClassVar[str] = "crash"
    meta: LineMeta
    reason: str
    headline: str
    text: str
    goroutines: int = 0
    first_line: int = 0
    last_line: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Output:
    """A line of the program's own output, kept verbatim.

    ``recovered`` marks text that stood inside a runtime record (an
    interleaved write); it is shown but does not count as a line of its own.
    ``cut_bytes`` is how much of an over-long line was dropped to keep memory
    bounded.
    """

    kind: ClassVar[str] = "output"
    meta: LineMeta
    text: str
    recovered: bool = False
    cut_bytes: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Malformed:
    """A line that starts like a runtime record but does not parse.

    ``family`` names what it looked like (``gc``, ``sched``, ``sched_detail``,
    ``scavenger``, ``pacer``); the text stays in ``meta.raw``.
    """

    kind: ClassVar[str] = "malformed"
    meta: LineMeta
    family: str
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Segment:
    """A run boundary: the cycle count (or SCHED clock) went back.

    Emitted before the first record of the new run. ``index`` is the new
    segment's number (the input starts in segment 0). ``source`` names the
    pod or file whose count went back, when its lines name one: runs are
    told apart within a source, never between two interleaved ones.
    """

    kind: ClassVar[str] = "segment"
    line_no: int
    index: int
    reason: str
    previous: int | None = None
    current: int | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EscapeHint:
    """One compiler diagnostic from ``-gcflags=-m`` text or ``-json`` output.

    ``hint`` is one of ``moved_to_heap``, ``escapes_to_heap``,
    ``leaking_param``, ``leaking_param_content``, ``leaking_param_to_result``,
    ``does_not_escape``, ``can_inline``, ``cannot_inline``, ``inlining_call``,
    ``other``. ``subject`` is what the message is about (``p``,
    ``make([]byte, n)``, ``newPoint``); ``explanation`` the ``-m=2`` flow lines
    (or JSON related information) that say why, in order. ``column`` is None
    where the compiler printed none (``<autogenerated>:1:``, Go <= 1.8).
    """

    kind: ClassVar[str] = "escape"
    file: str
    line: int
    column: int | None
    hint: str
    subject: str
    message: str
    package: str | None = None
    explanation: tuple[str, ...] = ()


# What a running program serves over HTTP (expvar, the goroutine profile)
# is parsed too, but is not a line of its output: those records live in
# parsers/http_events.py and are re-exported here, so this module still
# names every kind.
from parsers.http_events import ExpvarPause, ExpvarSample, GoroutineProfile, GoroutineStack  # noqa: E402

# Kinds a physical line can be counted as. Besides the event kinds above,
# ``continuation`` is the second line of a record another write had split.
LINE_KINDS: tuple[str, ...] = (
    "gc",
    "sched",
    "sched_detail",
    "scavenger",
    "pacer",
    "gc_forced",
    "runtime",
    "crash",
    "output",
    "malformed",
    "continuation",
)

LineEvent = (
    GCCycle
    | SchedSnapshot
    | SchedDetail
    | Scavenge
    | Pacer
    | GCForced
    | RuntimeNote
    | Crash
    | Output
    | Malformed
)
Event = LineEvent | Segment

