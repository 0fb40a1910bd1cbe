"""Crash blocks: every real go1.19 crash file is one block, from its first
header to its last line; line-level tables for what continues a block."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from parsers import crash
from parsers.events import Crash, LineMeta

DATA = Path(__file__).parent / "data" / "crash"

# Counted independently of the module, the way a reader would grep for them.
GOROUTINE_HEADER = re.compile(r"^goroutine \d+ \[")


def blocks(lines: list[str], *, aware: bool = True) -> list[Crash]:
    """Drive START/continues the way the stream's dispatcher does.

    ``aware`` passes the open block's lines to :func:`crash.continues` (the
    mode that keeps multi-line panic values whole).
    """
    found: list[Crash] = []
    open_lines: list[str] | None = None
    open_metas: list[LineMeta] = []
    for no, line in enumerate(lines, 1):
        meta = LineMeta(line_no=no, raw=line)
        if open_lines is not None:
            if crash.continues(line, open_lines if aware else None):
                open_lines.append(line)
                open_metas.append(meta)
                continue
            found.append(crash.build_crash(open_lines, open_metas))
            open_lines = None
        if crash.START.match(line.strip()):
            open_lines, open_metas = [line], [meta]
    if open_lines is not None:
        found.append(crash.build_crash(open_lines, open_metas))
    return found


FILES = [
    ("deadlock", "fatal", "fatal error: all goroutines are asleep - deadlock!"),
    ("errorspanic", "panic", "panic: plain error value"),
    ("goroutinepanic", "panic", "panic: panic in goroutine 7"),
    ("index", "panic", "panic: runtime error: index out of range [6] with length 3"),
    ("mapwrite", "fatal", "fatal error: concurrent map writes"),
    ("nilderef", "panic", "panic: runtime error: invalid memory address or nil pointer dereference"),
    ("panic", "panic", "panic: my error code=42"),
    ("panic_GOTRACEBACK_all", "panic", "panic: my error code=42"),
    ("panic_GOTRACEBACK_system", "panic", "panic: my error code=42"),
    ("panicstring", "panic", "panic: something bad happened"),
    ("repanic", "panic", "panic: first panic [recovered]"),
    ("sigquit_idle", "signal", "SIGQUIT: quit"),
    ("stackoverflow", "fatal", "runtime: goroutine stack exceeds 1000000000-byte limit"),
]


def test_every_crash_file_is_listed() -> None:
    assert sorted(p.name for p in DATA.iterdir()) == sorted(f"{n}.stderr.txt" for n, _, _ in FILES)


@pytest.mark.parametrize(("name", "reason", "headline"), FILES, ids=[f[0] for f in FILES])
def test_real_crash_file_is_one_block(name: str, reason: str, headline: str) -> None:
    lines = (DATA / f"{name}.stderr.txt").read_text(encoding="utf-8").splitlines()
    [block] = blocks(lines)
    assert block.reason == reason
    assert block.headline == headline
    assert block.first_line == 1 and block.last_line == len(lines)
    assert block.meta == LineMeta(line_no=1, raw=lines[0])
    assert block.text == "\n".join(lines)
    expected = sum(1 for line in lines if GOROUTINE_HEADER.match(line))
    assert expected >= 1
    assert block.goroutines == expected


@pytest.mark.parametrize(("name", "reason", "headline"), FILES, ids=[f[0] for f in FILES])
def test_real_crash_file_between_program_output(name: str, reason: str, headline: str) -> None:
    """Output before the crash stays out; ``exit status`` joins; what follows closes it."""
    body = (DATA / f"{name}.stderr.txt").read_text(encoding="utf-8").splitlines()
    lines = [
        "2023/04/01 10:00:00 starting",
        "gc 1 @0.003s 2%: 0.011+0.36+0.003 ms clock, 0.022+0.12/0.10/0.14+0.006 ms cpu, "
        "4->4->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P",
        *body,
        "exit status 2",
        "$ ./next-command",
    ]
    [block] = blocks(lines)
    assert (block.first_line, block.last_line) == (3, len(lines) - 1)
    assert block.headline == headline and block.reason == reason


def test_stateless_continues_splits_only_the_multiline_panic_value() -> None:
    """Without the block, a Go <= 1.22 multi-line panic value cannot be told
    from output: ``panicstring`` splits into a panic and a dump; the other
    files are unaffected."""
    for name, reason, _ in FILES:
        lines = (DATA / f"{name}.stderr.txt").read_text(encoding="utf-8").splitlines()
        found = blocks(lines, aware=False)
        if name == "panicstring":
            assert [(b.reason, b.first_line, b.last_line) for b in found] == [
                ("panic", 1, 1),
                ("dump", 4, 6),
            ]
        else:
            assert len(found) == 1 and found[0].reason == reason, name


CONTINUES = [
    "",
    "   ",
    "\t/home/dev/samples/crash/main.go:77 +0x1ff",
    "\t/usr/local/go/src/runtime/proc.go:363 +0xd6 fp=0xc00003afb0 sp=0xc00003af90 pc=0x434716",
    "\tpanic: re-panic after recovering: first panic",
    "\tsecond line of a go1.23 panic value",
    "main.main()",
    "main.deep(0x4a3220?, 0xc00007c000?)",
    "sync.(*Mutex).lockSlow(0xc000018078)",
    "sync.(*Mutex).Lock(...)",
    "panic({0x48b280, 0x4ba840})",
    "main.Map[...]({0xc000010000, 0x3, 0x3}, 0x4b2f48)",
    "github.com/acme/app/internal/store.(*DB).Get(0xc0000a4000, {0x4c1f2b, 0x5})",
    "created by main.main",
    "created by main.main in goroutine 1",
    "goroutine 6 [semacquire]:",
    "goroutine 2 [force gc (idle)]:",
    "goroutine 18 [chan receive, 3 minutes]:",
    "goroutine 1 gp=0xc000002380 m=0 mp=0x57f8a0 [running]:",
    "goroutine 7 [chan receive] {role: worker}:",
    "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x483614]",
    "PC=0x45f7a0 m=0 sigcode=0",
    "PC=0x45f7a0 m=3 sigcode=1 addr=0x0",
    "signal arrived during cgo execution",
    "instruction bytes: 0xf 0xb 0x90",
    "rax    0xfffffffffffffffc",
    "rflags 0x246",
    "r8     0x0",
    "lr      0x4a2b1c",
    "runtime stack:",
    "...additional frames elided...",
    "...50 frames elided...",
    "[originating from goroutine 1]:",
    "\tgoroutine running on other thread; stack unavailable",
    "goroutine running on other thread; stack unavailable",
    "-----",
    "exit status 2",
    "panic: second panic",
    "fatal error: stack overflow",
    "runtime: sp=0xc0200e0390 stack=[0xc0200e0000, 0xc0400e0000]",
    "SIGABRT: abort",
]


@pytest.mark.parametrize(
    "line",
    CONTINUES,
    ids=[
        "blank", "spaces-only", "tab-file-line", "tab-file-line-fp-sp-pc", "tab-panic-chain",
        "tab-go123-panic-value", "frame", "frame-stale-args", "frame-pointer-method",
        "frame-elided-args", "frame-bare-panic", "frame-generic", "frame-module-path",
        "created-by", "created-by-in-goroutine", "header", "header-paren-status",
        "header-minutes", "header-go122-gp-m", "header-master-labels", "signal-line",
        "pc-line", "pc-line-addr", "cgo-arrival", "instruction-bytes", "reg-rax", "reg-rflags",
        "reg-r8", "reg-arm64-lr", "runtime-stack", "frames-elided-old", "frames-elided-go121",
        "ancestors", "other-thread-tab", "other-thread", "crash-relay-separator", "exit-status",
        "second-panic", "fatal-error", "runtime-message", "second-signal",
    ],
)
def test_continues(line: str) -> None:
    assert crash.continues(line)
    assert crash.continues(line, ["goroutine 1 [running]:"])


STOPS = [
    "gc 5 @120.032s 0%: 0.017+0.24+0.002 ms clock, 0.035+0/0.054/0.11+0.005 ms cpu, "
    "0->0->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P",
    "SCHED 0ms: gomaxprocs=2 idleprocs=1 threads=4 spinningthreads=0 idlethreads=1 "
    "runqueue=0 [0 0]",
    "scav 704 KiB work, 4112 KiB total, 8% util",
    "pacer: assist ratio=+1.610639e+000 (scan 1 MB in 3->4 MB) workers=0++2.500000e-001",
    "GC forced",
    "init runtime @0.038 ms, 0.089 ms clock, 0 bytes, 0 allocs",
    "hello world",
    "second line",
    "2020/03/02 11:22:37  ===> loop begin.",
    '{"level":"info","msg":"listening","addr":":8080"}',
    "done (3 items)",
    "  P0: status=1 schedtick=10 syscalltick=0 m=0 runqsize=0 gfreecnt=0",
    "goroutine 1 [running]",
    "$ ./next-command",
]


@pytest.mark.parametrize(
    "line",
    STOPS,
    ids=[
        "gc-line", "sched-line", "scav-line", "pacer-line", "gc-forced", "inittrace",
        "plain-output", "bare-text", "log-line", "json-log", "text-with-parens",
        "space-indented", "header-without-colon", "shell-prompt",
    ],
)
def test_does_not_continue(line: str) -> None:
    assert not crash.continues(line)
    # After the panic header's blank line, raw text is output again.
    assert not crash.continues(line, ["panic: boom", ""])


@pytest.mark.parametrize(
    ("block", "line", "expected"),
    [
        (["panic: something bad happened"], "second line", True),
        (["panic: a", "b", "c"], "d", True),
        (["panic: something bad happened"], "gc 3 @0.1s 1%: 0.1+0.2+0.3 ms clock", False),
        (["panic: something bad happened"], "scvg: 0 MB released", False),
        (["panic: x", ""], "second line", False),
        (["fatal error: concurrent map writes"], "second line", False),
        (["SIGQUIT: quit"], "second line", False),
        (["goroutine 1 [running]:"], "second line", False),
        (["2024/01/01 12:00:00 panic: recovered: boom"], "next log line", False),
        (["panic: x"] + ["more"] * (crash.PANIC_VALUE_MAX_LINES - 2), "last", True),
        (["panic: x"] + ["more"] * (crash.PANIC_VALUE_MAX_LINES - 1), "one-too-many", False),
    ],
    ids=[
        "go119-value-line", "value-third-line", "interleaved-gc-line", "interleaved-scvg",
        "after-blank", "fatal-is-single-line", "signal-header", "dump", "prefixed-opener",
        "at-cap", "over-cap",
    ],
)
def test_multiline_panic_value(block: list[str], line: str, expected: bool) -> None:
    assert crash.continues(line, block) is expected


START_HITS = [
    ("panic: boom", "panic"),
    ("panic:", "panic"),
    ("panic: first panic [recovered, repanicked]", "panic"),
    ("fatal error: all goroutines are asleep - deadlock!", "fatal"),
    ("fatal error: unexpected signal during runtime execution", "fatal"),
    ("runtime: goroutine stack exceeds 1000000000-byte limit", "fatal"),
    ("runtime: out of memory: cannot allocate 8192-byte block (3932160 in use)", "fatal"),
    ("runtime/cgo: pthread_create failed: Resource temporarily unavailable", "fatal"),
    ("unexpected fault address 0x0", "fatal"),
    ("fatal: morestack on g0", "fatal"),
    ("SIGQUIT: quit", "signal"),
    ("SIGSEGV: segmentation violation", "signal"),
    ("Signal 62", "signal"),
    ("Exception 0xc0000005 0x0 0x0 0x7ff6a1b2c3d4", "signal"),
    ("goroutine 1 [running]:", "dump"),
    ("goroutine 33 [select (durable), synctest bubble 2]:", "dump"),
    ("goroutine 1 gp=0xc000002380 m=0 mp=0x57f8a0 [running]:", "dump"),
]


@pytest.mark.parametrize(
    ("payload", "reason"),
    START_HITS,
    ids=[
        "panic", "panic-empty-value", "panic-go125-repanicked", "fatal-deadlock",
        "fatal-signal", "runtime-stack", "runtime-oom", "runtime-cgo", "fault-address",
        "morestack-g0", "sigquit", "sigsegv", "signal-number", "windows-exception",
        "goroutine-header", "goroutine-synctest", "goroutine-go122",
    ],
)
def test_start_and_reason(payload: str, reason: str) -> None:
    assert crash.START.match(payload)
    assert crash.reason_of(payload) == reason
    assert crash.reason_of(f"  {payload}\t") == reason


@pytest.mark.parametrize(
    "payload",
    [
        "panicking is bad",
        "Panic: boom",
        "panic:boom",
        "fatal error",
        "SIGTERM received, shutting down",
        "goroutine 1 [running]",
        "goroutines: 12",
        "the runtime: go1.19",
        "main.main()",
        "exit status 2",
    ],
    ids=[
        "panicking", "capitalised", "no-space", "no-colon", "signal-prose",
        "header-without-colon", "goroutines-word", "runtime-not-at-start", "frame",
        "exit-status",
    ],
)
def test_start_ignores(payload: str) -> None:
    assert crash.START.match(payload) is None


def test_build_crash_dump_block() -> None:
    lines = ["goroutine 5 [running]:", "main.main()", "\t/x/main.go:3 +0x1d", ""]
    metas = [LineMeta(line_no=n, raw=line) for n, line in enumerate(lines, 40)]
    event = crash.build_crash(lines, metas)
    assert event == Crash(
        meta=metas[0],
        reason="dump",
        headline="goroutine 5 [running]:",
        text="goroutine 5 [running]:\nmain.main()\n\t/x/main.go:3 +0x1d\n",
        goroutines=1,
        first_line=40,
        last_line=43,
    )
    assert crash.build is crash.build_crash


@pytest.mark.parametrize(
    ("lines", "metas"),
    [([], []), (["panic: x"], [])],
    ids=["empty", "metas-missing"],
)
def test_build_crash_rejects_bad_input(lines: list[str], metas: list[LineMeta]) -> None:
    with pytest.raises(ValueError):
        crash.build_crash(lines, metas)
