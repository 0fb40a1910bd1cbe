"""The whole parser over real captures, wrappers, interleaving and restarts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from parsers.events import (
    Crash,
    GCCycle,
    GCForced,
    Malformed,
    Output,
    SchedDetail,
    SchedSnapshot,
    Segment,
)
from parsers.stream import Parser, parse_bytes

SAMPLES = Path(__file__).parent / "data" / "samples"
PUBLIC = SAMPLES / "public"
GO119 = SAMPLES / "go1.19"


def physical_lines(data: bytes) -> int:
    return data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)


def expected_table() -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    text = (PUBLIC / "EXPECTED.md").read_text()
    header: list[str] = []
    for line in text.splitlines():
        if not line.startswith("|") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] == "File":
            header = cells
            continue
        rows[cells[0]] = dict(zip(header, cells))
    return rows


EXPECTED = expected_table()
_GC_N = re.compile(r"gc ?(\d+)")


def gc_numbers(events: list[object]) -> list[int]:
    """Cycle numbers of gc lines in file order, complete or not."""
    out: list[tuple[int, int]] = []
    for e in events:
        if isinstance(e, GCCycle):
            out.append((e.meta.line_no, e.n))
        elif isinstance(e, Malformed) and e.family == "gc":
            m = _GC_N.search(e.meta.raw)
            assert m
            out.append((e.meta.line_no, int(m.group(1))))
    return [n for _, n in sorted(out)]


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=lambda n: n.split("-")[0])
def test_public_samples_match_expected_counts(name: str) -> None:
    row = EXPECTED[name]
    data = (PUBLIC / name).read_bytes()
    events, p = parse_bytes(data)
    assert p.lines == int(row["total lines"]) == physical_lines(data)
    assert sum(p.counts.values()) == p.lines
    numbers = gc_numbers(events)
    assert len(numbers) == int(row["gc lines"])
    if numbers:
        assert numbers[0] == int(row["first gc"]) and numbers[-1] == int(row["last gc"])
    else:
        assert row["first gc"] == "–"
    assert p.counts["sched"] == int(row["SCHED lines"])
    assert p.counts["scavenger"] == int(row["scavenger lines"])
    assert p.counts["pacer"] == int(row["pacer lines"])
    assert p.counts["sched_detail"] == int(row["P/M/G detail lines"])
    assert p.counts["gc_forced"] == int(row["`GC forced` lines"])
    forced = sum(1 for e in events if isinstance(e, GCCycle) and e.forced)
    assert forced == int(row["`(forced)` gc"])


@pytest.mark.parametrize(
    "name,segments",
    [
        ("002-golang-go-issue-18896.log", 2),
        ("024-zqlpaopao-testCode-gctrace-go-run.log", 3),
        ("026-zqlpaopao-testCode-schedtrace-go-run.log", 1),  # all SCHED 0ms: no clock went back
        ("044-cuixin-go-experiment-go12-goroutine-leak.log", 2),
        ("001-davecheney-gcvis-go15-stderr.log", 1),
    ],
    ids=["restart", "go-run-three-processes", "sched-zero", "go1.2-two-runs", "one-run"],
)
def test_restarts_start_segments(name: str, segments: int) -> None:
    events, p = parse_bytes((PUBLIC / name).read_bytes())
    assert p.segment + 1 == segments
    assert sum(isinstance(e, Segment) for e in events) == segments - 1


GO119_FILES = sorted(p for p in GO119.rglob("*") if p.is_file() and p.suffix in (".txt", ".json"))


@pytest.mark.parametrize("path", GO119_FILES, ids=lambda p: p.name)
def test_every_go119_capture_parses_and_is_accounted(path: Path) -> None:
    data = path.read_bytes()
    events, p = parse_bytes(data)
    assert p.lines == physical_lines(data) == sum(p.counts.values())
    text = data.decode()
    # Independent counts straight from the text.
    assert p.counts["gc"] == len(re.findall(r"(?m)^gc \d+ @", text))
    assert p.counts["sched"] == len(re.findall(r"(?m)^SCHED \d+ms:", text))
    assert p.counts["sched_detail"] == len(re.findall(r"(?m)^  [PMG]\d+: ", text))
    assert p.counts["pacer"] == len(re.findall(r"(?m)^pacer: ", text))
    assert p.counts["scavenger"] == len(re.findall(r"(?m)^scav ", text))
    assert p.counts["gc_forced"] == len(re.findall(r"(?m)^GC forced$", text))
    assert p.counts["malformed"] == 0
    assert sum(isinstance(e, GCCycle) for e in events) == p.counts["gc"]


def test_scheddetail_snapshot_carries_goroutine_counts() -> None:
    data = (GO119 / "schedtrace200_scheddetail1.stderr.txt").read_bytes()
    events, _ = parse_bytes(data)
    snaps = [e for e in events if isinstance(e, SchedSnapshot)]
    assert snaps and all(s.detail for s in snaps)
    first_block: list[SchedDetail] = []
    for e in events:
        if isinstance(e, SchedDetail):
            first_block.append(e)
        elif isinstance(e, SchedSnapshot):
            break
    gs = [d for d in first_block if d.entity == "G"]
    assert snaps[0].goroutines == sum(1 for d in gs if (d.status or 0) & ~0x1000 != 6)
    assert snaps[0].g_by_wait_reason


@pytest.mark.parametrize("path", sorted((GO119 / "crash").glob("*.txt")), ids=lambda p: p.name)
def test_crash_dumps_become_one_event(path: Path) -> None:
    events, p = parse_bytes(path.read_bytes())
    crashes = [e for e in events if isinstance(e, Crash)]
    assert len(crashes) == 1
    assert p.counts["malformed"] == 0


GC1 = (
    "gc 1 @0.003s 13%: 0.005+1.4+0.002 ms clock, 0.011+1.1/0.10/1.2+0.004 ms cpu, "
    "3->5->4 MB, 4 MB goal, 3 MB stacks, 0 MB globals, 2 P"
)
GC2 = GC1.replace("gc 1 @0.003s", "gc 2 @0.010s")


def one(text: str) -> tuple[list[object], Parser]:
    events, p = parse_bytes(text.encode())
    return events, p  # type: ignore[return-value]


@pytest.mark.parametrize(
    "line,prefix,stream",
    [
        ("\t\t" + GC1, "\t\t", None),
        ("2026-11-21T10:00:00.123456789Z " + GC1, "2026-11-21T10:00:00.123456789Z ", None),
        ("2026-11-21T10:00:00.123456789Z stderr F " + GC1, "", "stderr"),
        ('{"log":"' + GC1 + '\\n","stream":"stderr","time":"2026-11-21T10:00:00Z"}', "", "stderr"),
        ("Nov 21 10:00:00 host app[123]: " + GC1, "Nov 21 10:00:00 host app[123]: ", None),
        ("prod api-7d9f-x app " + GC1, "prod api-7d9f-x app ", None),
        ("...error text " + GC1, "...error text ", None),
    ],
    ids=["tabs", "kubectl-timestamps", "cri", "docker-json", "syslog", "stern", "interleaved-before"],
)
def test_gc_line_behind_a_prefix(line: str, prefix: str, stream: str | None) -> None:
    events, p = one(line + "\n")
    (gc,) = [e for e in events if isinstance(e, GCCycle)]
    assert gc.n == 1 and gc.heap_goal_mb == 4
    assert gc.meta.prefix == prefix and gc.meta.stream == stream
    assert p.counts["gc"] == 1 and p.lines == 1


def test_wall_time_from_prefix_is_kept() -> None:
    events, _ = one("2026-11-21T10:00:00.5Z stderr F " + GC1 + "\n")
    (gc,) = [e for e in events if isinstance(e, GCCycle)]
    assert gc.meta.wall_time is not None and gc.meta.wall_time % 60 == pytest.approx(0.5)


def test_cri_partial_lines_are_joined() -> None:
    half = len(GC1) // 2
    text = (
        f"2026-11-21T10:00:00Z stderr P {GC1[:half]}\n"
        f"2026-11-21T10:00:00Z stderr F {GC1[half:]}\n"
    )
    events, p = one(text)
    assert [e.n for e in events if isinstance(e, GCCycle)] == [1]
    assert p.counts == {**p.counts, "gc": 1, "continuation": 1} and p.lines == 2


def test_a_write_inside_a_gc_line_is_recovered() -> None:
    cut = GC1.index("0.011+")
    text = GC1[:cut] + "hello from the program\n" + GC1[cut:] + "\n" + GC2 + "\n"
    events, p = one(text)
    assert [e.n for e in events if isinstance(e, GCCycle)] == [1, 2]
    recovered = [e for e in events if isinstance(e, Output) and e.recovered]
    assert [o.text for o in recovered] == ["hello from the program"]
    assert p.counts["gc"] == 2 and p.counts["continuation"] == 1 and p.counts["malformed"] == 0
    assert p.lines == 3


def test_an_unrecoverable_fragment_is_malformed_not_dropped() -> None:
    text = GC1[:40] + "\nsome program output\n" + GC2 + "\n"
    events, p = one(text)
    assert p.counts["malformed"] == 1 and p.counts["output"] == 1 and p.counts["gc"] == 1
    (bad,) = [e for e in events if isinstance(e, Malformed)]
    assert bad.meta.raw == GC1[:40] and bad.meta.line_no == 1


def test_markup_and_escapes_stay_text() -> None:
    events, _ = one("[bold]red[/bold] \x1b[31mred\x1b[0m\n")
    (out,) = [e for e in events if isinstance(e, Output)]
    assert out.text == "[bold]red[/bold] \x1b[31mred\x1b[0m"


def test_gc_forced_line() -> None:
    events, p = one("GC forced\n" + GC1 + "\n")
    assert isinstance(events[0], GCForced) and p.counts["gc_forced"] == 1


def test_no_trailing_newline_and_crlf() -> None:
    events, p = one(GC1 + "\r\n" + GC2)
    assert [e.n for e in events if isinstance(e, GCCycle)] == [1, 2] and p.lines == 2


def test_a_gc_line_torn_into_five_pieces_is_rejoined() -> None:
    """Real Go 1.19 output of tests/go/chatty: the runtime writes a gc line in
    dozens of small writes and the program's lines land between them."""
    text = (
        "gc 3 @0.002s 20%: chatty: writer 3 line 5\n"
        "0.16+0.28+0.003 ms clock, chatty: writer 3 line 6\n"
        "chatty: writer 1 line 9\n"
        "0.33+0.035/chatty: writer 3 line 7\n"
        "0.11/0+0.007 ms cpu, 1chatty: writer 3 line 8\n"
        "->1->0 MB, 1chatty: writer 3 line 9\n"
        " MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
    )
    events, p = one(text)
    (gc,) = [e for e in events if isinstance(e, GCCycle)]
    assert (gc.n, gc.mark_assist_cpu_ms, gc.heap_goal_mb, gc.procs) == (3, 0.035, 1, 2)
    said = sorted(e.text for e in events if isinstance(e, Output))
    assert said == sorted([f"chatty: writer 3 line {i}" for i in range(5, 10)] + ["chatty: writer 1 line 9"])
    assert p.counts["gc"] == 1 and p.counts["continuation"] == 5 and p.counts["output"] == 1
    assert p.lines == 7


def test_a_torn_head_of_just_gc_space() -> None:
    text = "gc chatty: writer 0 line 1\nchatty: writer 0 line 2\n" + GC1[3:] + "\n"
    events, p = one(text)
    assert [e.n for e in events if isinstance(e, GCCycle)] == [1]
    assert p.counts["output"] == 1 and p.counts["gc"] == 1 and p.counts["continuation"] == 1


def test_output_that_merely_starts_with_gc_stays_output() -> None:
    text = "gc 5 items collected\n" + "\n".join(f"line {i}" for i in range(20)) + "\n"
    events, p = one(text)
    outs = [e for e in events if isinstance(e, Output)]
    assert p.counts["output"] == 21 and p.counts["malformed"] == 0
    assert sorted(o.meta.line_no for o in outs) == list(range(1, 22))
    assert any(o.text == "gc 5 items collected" and o.meta.line_no == 1 for o in outs)


@pytest.mark.parametrize(
    "line",
    [
        GC1, "gc14(4): 3+1+4821+2 us, 38 -> 76 MB, 412355 (1320091-907736) objects",
        "SCHED 0ms: gomaxprocs=2", "P0: status=1", "M3: p=0", "G1: status=4()", "GC forced",
        "scvg0: inuse: 3", "scvg-1: 1 MB released", "forced scvg: 1 MB released", "scav 1 KiB work",
        "pacer: assist ratio=", "panic: boom", "fatal error: x", "SIGQUIT: quit", "Signal 5",
        "Exception 0xc0000005 0x8", "runtime: goroutine stack exceeds", "runtime/cgo: pthread_create failed",
        "unexpected fault address 0x0", "goroutine 1 [running]:", "init runtime @0.038 ms",
        "scan: total 5 objs", "checkfinalizers: queue: 0 finalizers + 0 cleanups", "gc chatty",
    ],
)
def test_every_record_start_begins_with_a_head_char(line: str) -> None:
    from parsers.stream import HEAD_CHARS

    assert line[0] in HEAD_CHARS


def test_start_patterns_capture_nothing_but_their_family() -> None:
    from parsers.stream import STARTS

    assert STARTS.groups == len(STARTS.groupindex)
