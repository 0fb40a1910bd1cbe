"""Reading a file on several cores gives what one sequential pass gives,
and the line index it builds on the way finds every line."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from parsers.bulk import parse_chunks
from tui.ingest.seams import find_seams
from tui.ingest.wholefile import WholeFile

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


def _whole(path: Path, **kw: int) -> WholeFile:
    return WholeFile(os.open(path, os.O_RDONLY), str(path), **kw)


@pytest.mark.parametrize("workers", [2, 3])
def test_parallel_parse_equals_sequential(tmp_path: Path, workers: int) -> None:
    path = tmp_path / "gc.log"
    data = synthetic(path, 20_000, seed=workers)
    whole = _whole(path, workers=workers, min_split=0, part_bytes=len(data) // 5 + 1)
    assert len(find_seams(whole.fd, len(data), 5)) == 6  # it really split
    progress: list[int] = []
    got = whole.parse(progress=lambda done, total: progress.append(done))
    assert progress == sorted(progress) and progress[-1] == len(data) and len(progress) == 5
    want = parse_chunks([data])
    assert got.lines == want.lines and got.counts == want.counts
    assert got.segments == want.segments and got.cycles == want.cycles
    for a, b in zip(got.columns.arrays(), want.columns.arrays()):
        assert a == b
    assert got.events == want.events
    # The index the parse built reads every line back, in every range.
    lines = data.decode().split("\n")
    for n in [1, 2, *random.Random(workers).sample(range(1, len(lines)), 300), len(lines) - 1]:
        assert whole.index.line(n) == lines[n - 1], n


def test_small_files_are_parsed_here_in_one_range(tmp_path: Path) -> None:
    path = tmp_path / "small.log"
    data = synthetic(path, 100, seed=1)
    whole = _whole(path)
    assert whole.parse().cycles == 100
    assert whole.index.line(3) == data.decode().split("\n")[2]


def test_an_empty_file_has_nothing_to_load(tmp_path: Path) -> None:
    path = tmp_path / "empty.log"
    path.write_bytes(b"")
    whole = _whole(path)
    assert whole.end_offset == 0 and whole.parse().cycles == 0


@pytest.mark.parametrize("kernel", ["0", "1"], ids=["processes", "threads-if-kernel"])
def test_ranges_handed_to_the_model_give_the_model_of_one_pass(
        tmp_path: Path, kernel: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The runner hands each range to the model as it comes (``sink``), so a
    file's columns never exist twice; the model must be the one a single
    sequential parse gives, restarts at and between seams included."""
    import io

    from tui.cli.export import export_jsonl
    from tui.model import Model

    monkeypatch.setenv("GCTUI_KERNEL", kernel)
    path = tmp_path / "gc.log"
    data = synthetic(path, 20_000, seed=7)
    whole = _whole(path, workers=2, min_split=0, part_bytes=len(data) // 6 + 1)
    model = Model()
    totals = whole.parse(sink=model.apply_bulk)
    model.set_counts(totals.counts, totals.lines)
    want = Model()
    want.apply_bulk(parse_chunks([data]))
    assert totals.cycles == 0 and totals.segments == want.segments[-1].index + 1
    got_text, want_text = io.StringIO(), io.StringIO()
    export_jsonl(model, got_text)
    export_jsonl(want, want_text)
    assert got_text.getvalue() == want_text.getvalue()
    assert model.segments == want.segments and model.line_counts == want.line_counts
    assert list(model.sched_segment) == list(want.sched_segment)


def test_split_parse_of_many_pods_keeps_each_named_cycle_once(tmp_path: Path) -> None:
    """A stern stream parsed in ranges: every pod's cycle is in ``sourced``
    once, as a one-piece parse has it (the stitch added each range's twice)."""
    from interleave import interleaved

    path = tmp_path / "stern.log"
    # Plain lines first, where seams can fall, then the pods' prefixed lines.
    data = synthetic(tmp_path / "plain.log", 5_000, seed=1) + interleaved("stern")
    path.write_bytes(data)
    progress: list[int] = []
    got = _whole(path, workers=2, min_split=0, part_bytes=len(data) // 4 + 1).parse(
        progress=lambda done, total: progress.append(done))
    assert len(progress) >= 2  # it really split
    want = parse_chunks([data])
    assert len(want.sourced) > 0
    assert sorted(e.meta.line_no for e in got.sourced) == sorted(e.meta.line_no for e in want.sourced)
