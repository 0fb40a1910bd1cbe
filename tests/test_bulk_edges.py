"""Inputs a review found the bulk path got wrong; each must equal the event path."""

from __future__ import annotations

from typing import Any

import pytest

from parsers.bulk import parse_chunks
from test_bulk import same

GC18 = (
    "gc {n} @0.001s {pct}%: 0.010+1.2+0.003 ms clock, 0.02+0.5/1.0/0.2+0.006 ms cpu, "
    "{h}->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, {p} P"
)
GC16 = "gc 36 @0.001s 1%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, 4->4->0 MB, 5 MB goal, 4 P (forced)"

CASES = {
    "cri-partial-then-plain-gc": (
        "2024-01-01T00:00:00.000000000Z stderr P gc 3 @0.002s 20%: \n" + GC16 + "\n"
    ),
    "cpu-pct-over-a-byte": GC18.format(n=1, pct=300, h=4, p=2) + "\n",
    "cpu-pct-over-a-byte-mixed-shapes": GC18.format(n=1, pct=999, h=4, p=2) + "\n" + GC16 + "\n",
    "cycle-number-past-32-bits": GC18.format(n=1 << 33, pct=1, h=4, p=2) + "\n",
    "heap-past-32-bits": GC18.format(n=1, pct=1, h=1 << 40, p=2) + "\n",
    "procs-past-16-bits": GC18.format(n=1, pct=1, h=4, p=70000) + "\n",
    "a-number-of-5000-digits": GC18.format(n=1, pct=1, h="9" * 5000, p=2) + "\n",
    "torn-line-completed-by-5000-digits": (
        "gc 7 @0.1s 2%: 0.01+1.2+0.003 ms clock, 0.02+0.5/1.0/0.2+0.006 ms cpu, 4->5->\n"
        + "9" * 5000 + " MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
    ),
}


@pytest.mark.parametrize("text", list(CASES.values()), ids=list(CASES))
@pytest.mark.parametrize("chunk", [7, 1 << 30])
def test_edge_inputs(text: str, chunk: int) -> None:
    data = text.encode()
    same(parse_chunks(data[i : i + chunk] for i in range(0, len(data), chunk)), data)


# The stride path reads gc numbers loosely and checks them after: each of
# these, among plain lines so that the chunk takes that path, must still give
# what the parser gives.
PLAIN = GC18.format(n=1, pct=1, h=4, p=2)
ODD = {
    "duration-ending-in-a-dot": "gc 2 @0.002s 1%: 1.+1.2+0.003 ms clock, 0.02+0.5/1.0/0.2+0.006 ms cpu, "
    "4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P",
    "duration-starting-with-a-dot": "gc 2 @0.002s 1%: .5+1.2+0.003 ms clock, 0.02+0.5/1.0/0.2+0.006 ms cpu, "
    "4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P",
    "duration-with-two-dots": "gc 2 @0.002s 1%: 0.010+1.2.3+0.003 ms clock, 0.02+0.5/1.0/0.2+0.006 ms cpu, "
    "4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P",
    "duration-of-400-digits": "gc 2 @0.002s 1%: " + "9" * 400 + "+1.2+0.003 ms clock, 0.02+0.5/1.0/0.2+0.006 ms cpu, "
    "4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P",
    "leading-zero": GC18.format(n="02", pct=1, h=4, p=2),
    "ten-digit-heap": GC18.format(n=2, pct=1, h=1234567890, p=2),
    "cpu-pct-255": GC18.format(n=2, pct=255, h=4, p=2),
    "cpu-pct-256": GC18.format(n=2, pct=256, h=4, p=2),
    "procs-65535": GC18.format(n=2, pct=1, h=4, p=65535),
    "procs-65536": GC18.format(n=2, pct=1, h=4, p=65536),
    "fifty-days-in": GC18.format(n=2, pct=1, h=4, p=2).replace("@0.001s", "@4320000.125s"),
    "eight-digit-seconds": GC18.format(n=2, pct=1, h=4, p=2).replace("@0.001s", "@12345678.125s"),
}


@pytest.mark.parametrize("line", list(ODD.values()), ids=list(ODD))
def test_odd_numbers_on_the_stride_path(line: str) -> None:
    rest = [GC18.format(n=n, pct=1, h=4, p=2) for n in range(3, 40)]
    text = "\n".join([PLAIN, line, "program output", *rest, "SCHED 5ms: gomaxprocs=2 idleprocs=0 threads=4 "
                      "spinningthreads=0 idlethreads=0 runqueue=0 [0 0]"]) + "\n"
    data = text.encode()
    for chunk in (1 << 30, 300):
        same(parse_chunks(data[i : i + chunk] for i in range(0, len(data), chunk)), data)


# A chunk of plain lines is taken whole (_simple_rows); one line that needs
# the parser must send the chunk down the line-by-line path instead.
SIMPLE_SCHED = "SCHED {t}ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=0 idlethreads=0 runqueue=0 [0 {q}]"
NEEDS_PARSER = {
    "nothing": None,
    "output-naming-gc": "2026/11/21 10:00:00 forcing a gc now",
    "output-with-a-prefix-like-word": "worker: SCHED is busy",
    "crlf-output": "hello\r",
    "empty-line": "",
    "cri-record": "2026-11-21T10:00:00.1Z stderr F hello",
    "docker-json": '{"log":"hello\\n","stream":"stderr","time":"2026-11-21T10:00:00Z"}',
    "indented-output": "   indented",
    "sched-of-go1.20-detail": "SCHED 1000ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=0 needspinning=0 "
    "idlethreads=0 runqueue=0 gcwaiting=false nmidlelocked=0 stopwait=0 sysmonwait=false",
    "sched-go1.20-leading-zero": "SCHED 1000ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=0 "
    "needspinning=00 idlethreads=0 runqueue=0 [0 0]",
    "sched-clock-back": SIMPLE_SCHED.format(t=1, q=0),
    "sched-leading-zero": SIMPLE_SCHED.format(t="0500", q=0),
    "crash": "panic: boom",
    "gc-restart": GC18.format(n=1, pct=1, h=4, p=2),
    "torn-gc": "gc 99 @0.1s 2%: 0.01+1.2+0.003 ms clock, 0.02+0.5/1.0/0.2+0.006 ms cpu, 4->5->",
    "long-line": "x" * 300,
}


# Lines the chunk is taken whole with (rows): SCHED lines of every exact era.
ROWS_TOO = {
    "sched-of-go1.20": "SCHED 1000ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=0 needspinning=1 "
    "idlethreads=0 runqueue=0 [0 0]",
    "sched-of-go1.25": "SCHED 1000ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=0 needspinning=0 "
    "idlethreads=0 runqueue=0 [ 0 0 ] schedticks=[ 3 9 ]",
}
WHOLE = {**{k: (v, False) for k, v in NEEDS_PARSER.items()}, **{k: (v, True) for k, v in ROWS_TOO.items()}}


@pytest.mark.parametrize(("line", "whole"), list(WHOLE.values()), ids=list(WHOLE))
def test_a_plain_chunk_is_taken_whole_unless_a_line_needs_the_parser(line: str | None, whole: bool) -> None:
    from parsers.bulk import BulkParser
    from parsers.stream import Parser

    lines = []
    for n in range(1, 200):
        lines.append(GC18.format(n=n, pct=1, h=4, p=2))
        if n % 7 == 0:
            lines.append(SIMPLE_SCHED.format(t=n * 10, q=n % 3))
        if n % 5 == 0:
            lines.append(f"2026/11/21 10:00:{n % 60:02} handled request id={n}")
        if n == 100 and line is not None:
            lines.append(line)
    data = ("\n".join(lines) + "\n").encode()
    for chunk in (1 << 30, 4000):
        same(parse_chunks(data[i : i + chunk] for i in range(0, len(data), chunk)), data)
    bulk = BulkParser(Parser(max_line=256))
    taken: list[bool] = []
    simple = bulk._simple_rows

    def spy(*args: Any) -> bool:
        taken.append(simple(*args))
        return taken[-1]

    bulk._simple_rows = spy  # type: ignore[method-assign,assignment]
    bulk.feed(data)
    bulk.close()
    assert taken == [line is None or whole]


def test_fifty_days_in_among_mixed_shapes() -> None:
    # A Go 1.6 line sends the chunk down the row-tuple path, which must clamp
    # a time past 2**32 ms as the event path does, not overflow.
    late = GC18.format(n=2, pct=1, h=4, p=2).replace("@0.001s", "@4320000.125s")
    data = ("\n".join([GC16, late, GC18.format(n=40, pct=1, h=4, p=2)]) + "\n").encode()
    same(parse_chunks([data]), data)
