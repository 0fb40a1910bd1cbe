"""The parser on output captured from real Go programs, built and run here.

Each test runs a workload from tests/go with real GODEBUG settings and checks
the parser against counts taken from the raw text with independent regexes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from gorun import run_workload
from parsers.events import Crash, GCCycle, Output, SchedDetail, SchedSnapshot
from parsers.stream import Parser, parse_bytes

pytestmark = pytest.mark.go
run = functools.partial(run_workload, gomaxprocs=2)
Build = Callable[[str], Path]


def parse_in_chunks(data: bytes, size: int = 4096) -> tuple[list[object], Parser]:
    p = Parser()
    events: list[object] = []
    for i in range(0, len(data), size):
        events += p.feed(data[i : i + size])
    return events + p.close(), p


def physical_lines(data: bytes) -> int:
    return data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)


def test_steady_gctrace_and_schedtrace(go_build: Build) -> None:
    r = run(go_build("steady"), ["-duration", "2s"], godebug="gctrace=1,schedtrace=200")
    events, p = parse_in_chunks(r.stderr)
    text = r.stderr_text
    assert p.lines == physical_lines(r.stderr) == sum(p.counts.values())
    assert p.counts["gc"] == len(re.findall(r"(?m)^gc \d+ @", text)) >= 3
    assert p.counts["sched"] == len(re.findall(r"(?m)^SCHED \d+ms:", text)) >= 5
    assert p.counts["malformed"] == 0
    cycles = [e for e in events if isinstance(e, GCCycle)]
    assert [c.n for c in cycles] == list(range(1, len(cycles) + 1))
    assert all(c.era == "go1.18" and c.stacks_mb is not None for c in cycles)


def test_forced_cycles(go_build: Build) -> None:
    r = run(go_build("forcegc"), ["-duration", "500ms"])
    events, p = parse_bytes(r.stderr)
    cycles = [e for e in events if isinstance(e, GCCycle)]
    assert len(cycles) == len(re.findall(r"(?m)^gc \d+ @.*\(forced\)$", r.stderr_text)) >= 10
    assert all(c.forced for c in cycles)


def test_memory_limit_holds_the_goal(go_build: Build) -> None:
    r = run(go_build("memlimit"), ["-duration", "1s"], gogc="off", gomemlimit="48MiB")
    events, p = parse_bytes(r.stderr)
    cycles = [e for e in events if isinstance(e, GCCycle)]
    assert len(cycles) == p.counts["gc"] == len(re.findall(r"(?m)^gc \d+ @", r.stderr_text)) >= 5
    assert all(c.heap_goal_mb is not None and c.heap_goal_mb <= 48 for c in cycles)


def test_scheddetail_with_many_goroutines(go_build: Build) -> None:
    r = run(go_build("blocked"), ["-duration", "1s"], godebug="schedtrace=100,scheddetail=1")
    events, p = parse_in_chunks(r.stderr, 65536)
    assert p.counts["malformed"] == 0
    # Independent count: live G lines per SCHED block, straight from the text.
    blocks = re.split(r"(?m)^SCHED ", r.stderr_text)[1:]
    expected = [
        sum(1 for s in re.findall(r"(?m)^  G\d+: status=(\d+)", b) if int(s) & ~0x1000 not in (6, 11))
        for b in blocks
    ]
    snaps = [e for e in events if isinstance(e, SchedSnapshot)]
    assert [s.goroutines for s in snaps] == expected
    assert max(expected) >= 1000
    last = snaps[-1]
    assert last.g_by_wait_reason[0][0] == "chan receive"
    assert p.counts["sched_detail"] == sum(isinstance(e, SchedDetail) for e in events)


@pytest.mark.parametrize("mode,headline", [("panic", "panic: "), ("deadlock", "fatal error: ")])
def test_panic_is_one_crash_and_output_stays_text(go_build: Build, mode: str, headline: str) -> None:
    r = run(go_build("panicker"), ["-mode", mode], godebug="gctrace=1")
    assert r.returncode == 2
    events, p = parse_bytes(r.stderr)
    crashes = [e for e in events if isinstance(e, Crash)]
    assert len(crashes) == 1 and crashes[0].headline.startswith(headline)
    assert crashes[0].goroutines >= 1
    assert any("[bold]" in e.text for e in events if isinstance(e, Output))
    assert p.counts["malformed"] == 0


def test_torn_gc_lines_from_a_chatty_program_are_rejoined(go_build: Build) -> None:
    """The program's writes land inside gc lines; nothing may be lost."""
    best = None
    for _ in range(3):  # a quiet machine tears lines on the first run
        r = run(go_build("chatty"), ["-duration", "700ms"], gogc="25")
        torn = len(re.findall(r"(?m)^gc \d+(?: @[^\n]*)?chatty: ", r.stderr_text))
        if torn:
            best = r
            break
    assert best is not None, "chatty never tore a gc line"
    events, p = parse_in_chunks(best.stderr)
    written = int(re.search(r"chatty: done, (\d+) stderr lines", best.stdout_text + best.stderr_text).group(1))  # type: ignore[union-attr]
    said = [e.text for e in events if isinstance(e, Output) and re.fullmatch(r"chatty: writer \d+ line \d+", e.text)]
    assert len(said) == written, "every program line survives, whole"
    numbers = [e.n for e in events if isinstance(e, GCCycle)]
    assert numbers == sorted(numbers)
    lost = (numbers[-1] - len(numbers)) if numbers else 0
    # Nearly every cycle is rebuilt; what is not is counted, never dropped.
    assert lost <= max(2, len(numbers) // 50), (lost, len(numbers), p.counts)
    assert p.lines == physical_lines(best.stderr) == sum(p.counts.values())


def test_recorded_chatty_run_with_pieces_far_apart() -> None:
    """A recorded tests/go/chatty run (Go 1.19.8) whose torn heads waited 16
    program lines for their next piece: the case a live run shows only now
    and then, kept so it is tested every time."""
    import gzip

    data = gzip.decompress((Path(__file__).parent / "data/torn/chatty_go1.19_far_apart.stderr.gz").read_bytes())
    events, p = parse_in_chunks(data)
    written = re.findall(r"chatty: writer \d+ line \d+", data.decode())
    said = [e.text for e in events if isinstance(e, Output) and re.fullmatch(r"chatty: writer \d+ line \d+", e.text)]
    assert sorted(said) == sorted(written)
    numbers = [e.n for e in events if isinstance(e, GCCycle)]
    assert numbers == list(range(1, 871))
    assert p.counts["malformed"] == 1  # the last gc line, cut off when the program exited
