"""Reading a pipe as data arrives: real subprocesses, real descriptors."""

from __future__ import annotations

import gzip
import os
import subprocess
import threading
import time
from pathlib import Path

from tui.ingest.feed import Feeder
from tui.model import Model
from tui.sources.base import Chunk, Ended, Item, Notice
from tui.sources.stdin import PipeSource

GC = (
    "gc {n} @{n}.000s 1%: 0.01+1.0+0.01 ms clock, 0.02+0.1/1.0/0.5+0.02 ms cpu, "
    "4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
)


def run(source: PipeSource, stop: threading.Event | None = None) -> tuple[list[tuple[float, Item]], Model]:
    """Run the source to its end on this thread; items with their arrival times."""
    got: list[tuple[float, Item]] = []
    model = Model()
    feeder = Feeder(model)

    def emit(item: Item) -> None:
        got.append((time.monotonic(), item))
        feeder.feed(item)

    source.run(emit, stop or threading.Event())
    return got, model


def cycles(model: Model) -> list[int]:
    n = model.cycles.cols.n
    return [n[i] for i in range(len(n))]


def test_pipe_from_a_subprocess_arrives_as_written() -> None:
    script = 'printf "%s" "$1"; sleep 0.3; printf "%s" "$2"; printf "no newline at the end"'
    proc = subprocess.Popen(["sh", "-c", script, "sh", GC.format(n=1), GC.format(n=2)], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    started = time.monotonic()
    got, model = run(PipeSource(proc.stdout))
    proc.wait()
    proc.stdout.close()
    chunks = [(t, i) for t, i in got if isinstance(i, Chunk)]
    assert len(chunks) >= 2  # the first write was handed on before the second was made
    assert chunks[0][0] - started < 0.25
    assert isinstance(got[-1][1], Ended) and got[-1][1].reason == "end of input"
    assert cycles(model) == [1, 2]
    assert model.lines == 3  # the unterminated last line is closed at the end


def test_plain_fd_and_a_regular_file(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    data = "".join(GC.format(n=n) for n in range(1, 4)).encode()
    log.write_bytes(data)
    fd = os.open(log, os.O_RDONLY)  # `gctui - < app.log`: stdin is a file, not a pipe
    try:
        got, model = run(PipeSource(fd))
    finally:
        os.close(fd)
    assert cycles(model) == [1, 2, 3]
    assert b"".join(i.data for _, i in got if isinstance(i, Chunk)) == data


def test_gzip_on_a_pipe_is_inflated_as_it_comes() -> None:
    text = "".join(GC.format(n=n) for n in range(1, 4)).encode()
    packed = gzip.compress(text) + gzip.compress(b"after a second member\n")
    r, w = os.pipe()
    writer = threading.Thread(target=lambda: (os.write(w, packed[:1]), os.write(w, packed[1:]), os.close(w)))
    writer.start()
    try:
        got, model = run(PipeSource(r))
    finally:
        writer.join()
        os.close(r)
    assert cycles(model) == [1, 2, 3]
    assert [o.text for o in model.output] == ["after a second member"]
    assert not [i for _, i in got if isinstance(i, Notice)]


def test_truncated_gzip_says_so() -> None:
    r, w = os.pipe()
    os.write(w, gzip.compress(b"gc line that never ends\n" * 100)[:-10])
    os.close(w)
    try:
        got, _ = run(PipeSource(r))
    finally:
        os.close(r)
    notices = [i for _, i in got if isinstance(i, Notice)]
    assert notices and "truncated gzip" in notices[0].text
    assert isinstance(got[-1][1], Ended)


def test_stop_on_a_quiet_pipe() -> None:
    r, w = os.pipe()
    stop = threading.Event()
    done: list[list[tuple[float, Item]]] = []
    thread = threading.Thread(target=lambda: done.append(run(PipeSource(r), stop)[0]))
    thread.start()
    time.sleep(0.05)  # let it block in select: the point is to interrupt a wait
    started = time.monotonic()
    stop.set()
    thread.join(2.0)
    os.close(r)
    os.close(w)
    assert not thread.is_alive() and time.monotonic() - started < 1.0
    assert done == [[]]  # stopped: no Ended, the input did not end


def test_gzip_inflates_in_bounded_chunks() -> None:
    line = GC.format(n=1).encode()
    packed = gzip.compress(line * 40_000)  # 5 MB of text in a few kB
    r, w = os.pipe()
    writer = threading.Thread(target=lambda: (os.write(w, packed), os.close(w)))
    writer.start()
    try:
        got, _ = run(PipeSource(r))
    finally:
        writer.join()
        os.close(r)
    sizes = [len(i.data) for _, i in got if isinstance(i, Chunk)]
    assert max(sizes) <= 1 << 20 and sum(sizes) == len(line) * 40_000
