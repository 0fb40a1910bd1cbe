"""Sanity checks for the Go workloads in tests/go: each one, run with the GODEBUG it
is meant for, really makes the runtime print what other tests rely on.

The regexes here are deliberately small and independent of the project's parsers,
so a parser bug cannot hide a workload that stopped doing its job (or the reverse).
"""

from __future__ import annotations

import functools
import re

import pytest

from gorun import run_workload

pytestmark = pytest.mark.go

# Two Ps everywhere: the CI machines have two cores, and it keeps counts comparable.
run = functools.partial(run_workload, gomaxprocs=2)

# gc N @T s U%: ... ms cpu, H0->H1->H2 MB, G MB goal, ... P[ (forced)]
GC_LINE = re.compile(
    rb"^gc (?P<n>\d+) @(?P<t>\d+\.\d{3})s (?P<cpu>\d+)%: "
    rb"\S+ ms clock, [^+]+\+(?P<assist>[^/]+)/\S+ ms cpu, "
    rb"(?P<h0>\d+)->(?P<h1>\d+)->(?P<live>\d+) MB, (?P<goal>\d+) MB goal, "
    rb".*? P(?P<forced> \(forced\))?$",
    re.M,
)
SCHED_LINE = re.compile(rb"^SCHED \d+ms: .*$", re.M)


def gc_lines(stderr: bytes) -> list[re.Match[bytes]]:
    return list(GC_LINE.finditer(stderr))


def test_steady_has_calm_cycles_and_a_flat_live_heap(go_build):
    result = run(go_build("steady"), ["-duration", "3s"])
    assert result.returncode == 0, result.stderr_text
    cycles = gc_lines(result.stderr)
    assert len(cycles) >= 3, result.stderr_text
    assert len(re.findall(rb"^steady: tick \d+$", result.stdout, re.M)) >= 5
    # Past the start (when the live set is built in a burst) cycles are far apart,
    # the live heap stays at the 8 MiB it holds, and GC CPU stays low.
    settled = [m for m in cycles if float(m["t"]) >= 0.2]
    assert len(settled) >= 3, result.stderr_text
    times = [float(m["t"]) for m in settled]
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.2, times
    assert all(7 <= int(m["live"]) <= 10 for m in settled), result.stderr_text
    assert int(cycles[-1]["cpu"]) <= 5


def test_leak_grows_the_live_heap(go_build):
    result = run(go_build("leak"), ["-duration", "2s"])
    assert result.returncode == 0, result.stderr_text
    live = [int(m["live"]) for m in gc_lines(result.stderr)]
    assert len(live) >= 4, result.stderr_text
    assert live[-1] >= live[0] + 8, live
    assert all(b >= a - 1 for a, b in zip(live, live[1:])), live  # MiB are truncated: allow 1
    leaked = re.search(rb"^leak: done, leaked (\d+) MiB$", result.stdout, re.M)
    assert leaked and int(leaked[1]) >= 10, result.stdout_text


def test_hotloop_with_gogc_10_is_a_gc_storm(go_build):
    result = run(go_build("hotloop"), ["-duration", "1s"], gogc=10)
    assert result.returncode == 0, result.stderr_text
    cycles = gc_lines(result.stderr)
    # A storm by count, not by rate (a busy machine slows the program, not
    # its pacing): GOGC=10 over a ~1 MiB live heap starts a cycle every few
    # hundred KiB allocated, so at least one per 2 MiB whatever the speed.
    done = re.search(rb"^hotloop: done, (\d+) allocations of (\d+) bytes", result.stdout, re.M)
    assert done, result.stdout_text
    allocated_mib = int(done[1]) * int(done[2]) / (1 << 20)
    assert len(cycles) >= max(20, allocated_mib / 2), f"{len(cycles)} cycles for {allocated_mib:.0f} MiB"
    assert max(int(m["cpu"]) for m in cycles) >= 10
    with_assist = [m for m in cycles if m["assist"] != b"0"]
    assert len(with_assist) >= len(cycles) / 2, "mark assist should be in most cycles"


def test_forcegc_cycles_are_all_forced(go_build):
    result = run(go_build("forcegc"), ["-duration", "1s"])
    assert result.returncode == 0, result.stderr_text
    cycles = gc_lines(result.stderr)
    forced = [m for m in cycles if m["forced"]]
    reported = re.search(rb"^forcegc: done, (\d+) forced cycles$", result.stdout, re.M)
    assert reported, result.stdout_text
    # One cycle per runtime.GC() (and one for the FreeOSMemory), none started by the heap.
    assert len(forced) == len(cycles) == int(reported[1]) >= 10
    assert b"forcegc: debug.FreeOSMemory" in result.stdout


def test_memlimit_holds_the_goal_under_the_limit(go_build):
    result = run(go_build("memlimit"), ["-duration", "2s"], gogc="off", gomemlimit="48MiB")
    assert result.returncode == 0, result.stderr_text
    assert b'memlimit: GOGC="off" limit=48 MiB' in result.stdout
    cycles = gc_lines(result.stderr)
    assert len(cycles) >= 5, result.stderr_text
    assert all(int(m["goal"]) <= 48 for m in cycles), result.stderr_text
    assert all(int(m["live"]) >= 24 for m in cycles), result.stderr_text


def test_blocked_waiters_grow_across_sched_blocks(go_build):
    result = run(go_build("blocked"), ["-duration", "1500ms"], godebug="schedtrace=100,scheddetail=1")
    assert result.returncode == 0, result.stderr_text[-2000:]
    # Each SCHED line starts a block of P/M/G lines; count the receivers per block.
    blocks = re.split(rb"^(?=SCHED )", result.stderr, flags=re.M)[1:]
    receivers = [len(re.findall(rb"^  G\d+: status=4\(chan receive\)", b, re.M)) for b in blocks]
    assert len(receivers) >= 5, receivers
    assert receivers == sorted(receivers) and receivers[-1] >= receivers[0] + 1000, receivers
    assert re.search(rb"^  G\d+: status=4\(select\)", blocks[-1], re.M)
    assert re.search(rb"^  G\d+: status=4\(sleep\)", blocks[-1], re.M)


def test_blocked_runnable_backs_up_the_run_queues(go_build):
    result = run(go_build("blocked"), ["-runnable", "-duration", "1s"], godebug="schedtrace=100")
    assert result.returncode == 0, result.stderr_text
    summaries = re.findall(
        rb"^SCHED \d+ms: gomaxprocs=2 idleprocs=(\d+) .* runqueue=(\d+) \[(\d+) (\d+)\]$",
        result.stderr,
        re.M,
    )
    assert len(summaries) >= 5, result.stderr_text
    backed_up = [s for s in summaries[1:] if s[0] == b"0" and sum(map(int, s[1:])) >= 4]
    assert len(backed_up) >= len(summaries[1:]) // 2, result.stderr_text


@pytest.mark.parametrize(
    ("mode", "header"),
    [
        pytest.param("panic", b"panic: panicker: [bold]boom[/bold] [red]not markup[/red]\n", id="panic"),
        pytest.param("nilmap", b"panic: assignment to entry in nil map\n", id="nilmap"),
        pytest.param("deadlock", b"fatal error: all goroutines are asleep - deadlock!\n", id="deadlock"),
        pytest.param("goroutine", b"panic: panicker: [bold]boom in a goroutine[/bold]\n", id="goroutine"),
    ],
)
def test_panicker_dies_with_status_2(go_build, mode, header):
    result = run(go_build("panicker"), ["-mode", mode])
    assert result.returncode == 2, result.stderr_text
    assert header in result.stderr, result.stderr_text
    assert re.search(rb"^goroutine \d+ \[", result.stderr, re.M)
    assert gc_lines(result.stderr), "it allocates enough for a few gc lines first"
    assert b"panicker: about to die, [bold]this is not markup[/bold]\n" in result.stderr
    assert f"panicker: mode {mode}\n".encode() in result.stdout
    if mode == "goroutine":
        assert b"created by main.main" in result.stderr


def test_chatty_interleaves_its_lines_with_gc_lines(go_build):
    # Whether a program write lands inside a gc line is up to the OS scheduler:
    # on a quiet machine a 700 ms run splits dozens of gc lines, but on an
    # oversubscribed one a run can split none, so allow a few runs.
    for _attempt in range(3):
        result = run(go_build("chatty"), ["-duration", "700ms"], gogc=25)
        assert result.returncode == 0, result.stderr_text[-2000:]
        assert re.search(rb"^chatty: stdout tick \d+$", result.stdout, re.M)
        reported = re.search(rb"^chatty: done, (\d+) stderr lines$", result.stdout, re.M)
        assert reported, result.stdout_text
        # A program line is one write(), so each arrives whole even inside a gc line.
        ours = re.findall(rb"chatty: writer \d+ line \d+\n", result.stderr)
        assert len(ours) == int(reported[1])
        intact = gc_lines(result.stderr)
        started = re.findall(rb"^gc ", result.stderr, re.M)
        assert intact, "some gc lines should come through whole"
        # The runtime prints a gc line in many small writes: some get split by ours.
        if len(started) > len(intact):
            break
    else:
        pytest.fail("no gc line was split by a program write in 3 runs")
