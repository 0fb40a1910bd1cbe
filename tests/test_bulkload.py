"""Reading a file on several cores gives what one sequential pass gives."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from parsers.bulk import parse_chunks
from tui.ingest.bulkload import find_seams, parse_path

GC = (
    "gc {n} @{t:.3f}s 5%: 0.010+1.2+0.003 ms clock, 0.02+0.5/1.0/0.2+0.006 ms cpu, "
    "{h}->{h1}->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P{f}"
)


def synthetic(path: Path, cycles: int, seed: int) -> bytes:
    """A log with program output, SCHED lines, scheddetail blocks and restarts."""
    rnd = random.Random(seed)
    lines: list[str] = []
    n, t, sched = 0, 0.0, 0
    for i in range(cycles):
        if rnd.random() < 0.002:
            n, t, sched = 0, 0.0, 0  # a restart
        n += 1
        t += rnd.random() / 10
        h = rnd.randint(3, 90)
        lines.append(GC.format(n=n, t=t, h=h, h1=h + 1, f=" (forced)" if rnd.random() < 0.05 else ""))
        r = rnd.random()
        if r < 0.1:
            sched += 100
            lines.append(
                f"SCHED {sched}ms: gomaxprocs=2 idleprocs=1 threads=5 spinningthreads=0 "
                "idlethreads=2 runqueue=0 [0 1]"
            )
        elif r < 0.12:
            sched += 100
            lines.append(
                f"SCHED {sched}ms: gomaxprocs=2 idleprocs=1 threads=5 spinningthreads=0 "
                "idlethreads=2 runqueue=0 gcwaiting=0 nmidlelocked=0 stopwait=0 sysmonwait=0"
            )
            lines.append("  P0: status=1 schedtick=5 syscalltick=1 m=0 runqsize=0 gfreecnt=0 timerslen=1")
            lines.append("  G1: status=4(chan receive) m=-1 lockedm=-1")
        elif r < 0.2:
            lines.append(f"2026/11/21 10:00:00 handled request {i} [bold]")
    data = ("\n".join(lines) + "\n").encode()
    path.write_bytes(data)
    return data


@pytest.mark.parametrize("workers", [2, 3])
def test_parallel_parse_equals_sequential(tmp_path: Path, workers: int) -> None:
    path = tmp_path / "gc.log"
    data = synthetic(path, 20_000, seed=workers)
    seams = find_seams(path, workers, min_split=0)
    assert len(seams) == workers + 1  # it really split
    got = parse_path(path, workers=workers, min_split=0)
    want = parse_chunks([data])
    assert got.lines == want.lines and got.counts == want.counts
    assert got.segments == want.segments and got.cycles == want.cycles
    for a, b in zip(got.columns.arrays(), want.columns.arrays()):
        assert a == b
    assert got.events == want.events


def test_small_files_are_not_split(tmp_path: Path) -> None:
    path = tmp_path / "small.log"
    synthetic(path, 100, seed=1)
    assert len(find_seams(path, 4)) == 2
    assert parse_path(path).cycles == 100
