"""Following a real file through what logrotate and shells do to it.

Each test runs a :class:`FileSource` in a thread, feeds what it emits to a
Feeder and a Model, and waits for what must arrive with a deadline (never a
bare sleep), so a slow machine makes a test slower, not flaky.
"""

from __future__ import annotations

import gzip
import os
import queue
import threading
import time
from array import array
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from parsers.columns import COLUMNS
from parsers.bulk import parse_chunks
from tui.model.cycles import DERIVED
from tui.ingest.feed import Feeder
from tui.model import Model
from tui.sources.base import Chunk, Ended, Item, Notice, Restart, SourceError
from tui.ingest.wholefile import WholeFile
from kit import gen_log
from tui.sources import follow as follow_module
from tui.sources.follow import FileSource

GC = (
    "gc {n} @{n}.000s 1%: 0.01+1.0+0.01 ms clock, 0.02+0.1/1.0/0.5+0.02 ms cpu, "
    "4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
)
DEADLINE_S = 5.0


def gc(*ns: int) -> bytes:
    return "".join(GC.format(n=n) for n in ns).encode()


class Follower:
    """A source running in a thread, its items applied to a model as they come."""

    def __init__(self, source: FileSource) -> None:
        self.source = source
        self.model = Model()
        self.feeder = Feeder(self.model)
        self.items: list[Item] = []
        self.error: BaseException | None = None
        self.stop = threading.Event()
        self._queue: queue.Queue[Item | None] = queue.Queue()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.source.run(self._queue.put, self.stop)
        except BaseException as e:  # noqa: BLE001 - handed to the test thread
            self.error = e
        finally:
            self._queue.put(None)

    def until(self, what: Callable[[Follower], bool], deadline_s: float = DEADLINE_S) -> None:
        """Take items until ``what`` holds; fail at the deadline."""
        end = time.monotonic() + deadline_s
        while not what(self):
            left = end - time.monotonic()
            if left <= 0:
                pytest.fail(f"not seen within {deadline_s} s; items: {self.items!r}")
            try:
                item = self._queue.get(timeout=min(left, 0.05))
            except queue.Empty:
                continue
            if item is None:
                if self.error is not None:
                    raise self.error
                if not what(self):
                    pytest.fail(f"the source returned first; items: {self.items!r}")
                return
            self.items.append(item)
            self.feeder.feed(item)
            self.feeder.flush()

    def finished(self) -> None:
        """The source must return on its own."""
        self.thread.join(DEADLINE_S)
        assert not self.thread.is_alive()
        while not self._queue.empty():
            item = self._queue.get()
            if item is not None:
                self.items.append(item)
                self.feeder.feed(item)
        if self.error is not None:
            raise self.error

    @property
    def cycles(self) -> list[int]:
        n = self.model.cycles.cols.n
        return [n[i] for i in range(len(n))]

    def of(self, kind: type) -> list[Item]:
        return [i for i in self.items if isinstance(i, kind)]


@pytest.fixture
def follow() -> Iterator[Callable[..., Follower]]:
    started: list[Follower] = []

    def start(path: Path, **kw: object) -> Follower:
        f = Follower(FileSource(path, **kw))  # type: ignore[arg-type]
        started.append(f)
        return f

    yield start
    for f in started:
        f.stop.set()
    for f in started:
        f.thread.join(DEADLINE_S)
        assert not f.thread.is_alive(), "the source did not stop within the deadline"


def test_appended_lines_arrive(tmp_path: Path, follow: Callable[..., Follower]) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(gc(1, 2))
    f = follow(log)
    f.until(lambda f: f.cycles == [1, 2])
    with open(log, "ab") as w:
        line = gc(3)
        w.write(line[:20])  # half a line: held by the parser, not lost
        w.flush()
        w.write(line[20:] + gc(4))
    f.until(lambda f: f.cycles == [1, 2, 3, 4])
    assert not f.of(Restart) and not f.of(Ended)


def test_chunks_are_at_most_one_mib(tmp_path: Path, follow: Callable[..., Follower]) -> None:
    log = tmp_path / "big.log"
    log.write_bytes(gc(*range(1, 20_001)))  # about 2.7 MB
    f = follow(log, follow=False)
    f.until(lambda f: bool(f.of(Ended)))
    sizes = [len(c.data) for c in f.of(Chunk)]
    assert max(sizes) <= 1 << 20 and sum(sizes) == log.stat().st_size
    assert len(f.model.cycles) == 20_000


def test_a_busy_writer_is_read_again_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a busy program wrote while a big chunk was parsed is read as soon
    as the parse is done, in the same look at the file, not when the watch
    next reports (two 25 ms steps later: at 20,000 lines a second that wait
    put --jsonl's 95th percentile near 200 ms instead of 70)."""
    path = tmp_path / "app.log"
    first = gc(*range(1, 200))
    assert len(first) >= follow_module.BUSY_BYTES
    path.write_bytes(b"")
    looks: list[int] = []
    real_check = FileSource._check

    def check(self: FileSource, emit: Callable[[Item], None], stop: threading.Event) -> None:
        looks.append(len(looks))
        real_check(self, emit, stop)

    monkeypatch.setattr(FileSource, "_check", check)
    chunks: list[tuple[int, bytes]] = []
    stop = threading.Event()

    def emit(item: Item) -> None:
        if isinstance(item, Chunk):
            chunks.append((len(looks), item.data))
            if len(chunks) == 1:
                with path.open("ab") as f:  # the program writes on while this chunk is parsed
                    f.write(gc(200, 201))
            elif len(chunks) == 2:
                stop.set()

    source = FileSource(path)
    thread = threading.Thread(target=source.run, args=(emit, stop), daemon=True)
    thread.start()
    time.sleep(0.3)  # the watch set up (a late start still sees both writes: nothing rests on this)
    with path.open("ab") as f:
        f.write(first)
    thread.join(DEADLINE_S)
    assert not thread.is_alive()
    assert [data for _, data in chunks] == [first, gc(200, 201)]
    assert chunks[0][0] == chunks[1][0], "the second write waited for another look"


def test_truncated_file_restarts(tmp_path: Path, follow: Callable[..., Follower]) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(gc(1, 2, 3))
    f = follow(log)
    f.until(lambda f: f.cycles == [1, 2, 3])
    with open(log, "wb") as w:  # what `> app.log` does, then the program writes on
        w.write(gc(1))
    f.until(lambda f: f.cycles == [1, 2, 3, 1])
    (restart,) = f.of(Restart)
    assert "truncated" in restart.reason
    assert f.items.index(restart) < max(i for i, x in enumerate(f.items) if isinstance(x, Chunk))


def test_rotated_file_old_tail_then_new_file(tmp_path: Path, follow: Callable[..., Follower]) -> None:
    log = tmp_path / "app.log"
    writer = open(log, "ab")
    writer.write(gc(1, 2))
    writer.flush()
    f = follow(log)
    f.until(lambda f: f.cycles == [1, 2])
    os.rename(log, tmp_path / "app.log.1")  # logrotate: rename ...
    writer.write(gc(3))  # ... the program still writes to the old file ...
    writer.close()
    log.write_bytes(gc(1, 2))  # ... until it reopens the name: the new file
    f.until(lambda f: f.cycles == [1, 2, 3, 1, 2])
    (restart,) = f.of(Restart)
    assert restart.reason == f"{log} was rotated; following the new file"
    chunks = [i for i, x in enumerate(f.items) if isinstance(x, Chunk)]
    restart_at = f.items.index(restart)
    assert b"gc 3 " in b"".join(f.items[i].data for i in chunks if i < restart_at)  # type: ignore[attr-defined]
    assert f.model.segments[-1].reason.startswith("cycle went back")


def test_deleted_then_recreated(tmp_path: Path, follow: Callable[..., Follower]) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(gc(1, 2))
    f = follow(log)
    f.until(lambda f: f.cycles == [1, 2])
    log.unlink()
    f.until(lambda f: any(n.level == "warning" and "deleted" in n.text for n in f.of(Notice)))
    assert f.thread.is_alive()
    log.write_bytes(gc(1))
    f.until(lambda f: f.cycles == [1, 2, 1])
    (restart,) = f.of(Restart)
    assert "created again" in restart.reason


def test_wait_for_a_file_created_later(tmp_path: Path, follow: Callable[..., Follower]) -> None:
    log = tmp_path / "later.log"
    f = follow(log, wait=True)
    f.until(lambda f: any("waiting for" in n.text for n in f.of(Notice)))
    log.write_bytes(gc(1))
    f.until(lambda f: f.cycles == [1])
    with open(log, "ab") as w:
        w.write(gc(2))
    f.until(lambda f: f.cycles == [1, 2])
    assert not f.of(Restart)


def test_gzip_is_read_not_followed(tmp_path: Path, follow: Callable[..., Follower]) -> None:
    log = tmp_path / "app.log.1"  # logrotate's name: the bytes say gzip, not the name
    log.write_bytes(gzip.compress(gc(1, 2, 3)))
    f = follow(log)
    f.finished()
    assert f.cycles == [1, 2, 3]
    assert any("not followed" in n.text for n in f.of(Notice))
    assert isinstance(f.items[-1], Ended)


def test_no_follow_ends_at_end_of_file(tmp_path: Path, follow: Callable[..., Follower]) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(gc(1, 2) + b"partial last line")
    f = follow(log, follow=False)
    f.finished()
    assert f.cycles == [1, 2] and f.model.lines == 3
    assert f.items[-1] == Ended("end of file")


def test_no_follow_ends_while_the_writer_goes_on(tmp_path: Path) -> None:
    """Not following, a file a busy program keeps writing still has an end:
    the read stops at its first short read, as ``tail`` without ``-f``
    would, instead of chasing the writer chunk after chunk."""
    log = tmp_path / "app.log"
    log.write_bytes(gc(*range(1, 200)))
    chunks: list[bytes] = []

    def emit(item: Item) -> None:
        if isinstance(item, Chunk):
            chunks.append(item.data)
            if len(chunks) < 50:  # the program writes on while each chunk is parsed
                with log.open("ab") as f:
                    f.write(gc(*range(1, 200)))

    FileSource(log, follow=False).run(emit, threading.Event())
    assert len(chunks) == 1


def test_from_end_starts_at_the_last_line(tmp_path: Path, follow: Callable[..., Follower]) -> None:
    log = tmp_path / "app.log"
    line = gc(3)
    log.write_bytes(gc(1, 2) + line[:30])  # the program is writing gc 3 right now
    f = follow(log, from_start=False)
    f.until(lambda f: any("from its last line" in n.text for n in f.of(Notice)))
    with open(log, "ab") as w:
        w.write(line[30:] + gc(4))
    f.until(lambda f: f.cycles == [3, 4])


def test_offset_and_a_replaced_file(tmp_path: Path, follow: Callable[..., Follower]) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(gc(1, 2, 3))
    st = log.stat()
    f = follow(log, offset=len(gc(1, 2)), identity=(st.st_dev, st.st_ino), follow=False)
    f.finished()
    assert f.cycles == [3] and not f.of(Restart)
    replaced = tmp_path / "new.log"
    replaced.write_bytes(gc(7))
    os.replace(replaced, log)
    g = follow(log, offset=len(gc(1, 2)), identity=(st.st_dev, st.st_ino), follow=False)
    g.finished()
    assert g.cycles == [7] and "replaced" in g.of(Restart)[0].reason  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("name", "kw", "message"),
    [
        ("missing.log", {}, "gctui: no such file: {path}"),
        ("missing.log", {"follow": False}, "gctui: no such file: {path}"),
        ("no-dir/later.log", {"wait": True}, "gctui: cannot wait for {path}: no such directory: {dir}"),
        (".", {}, "gctui: {path} is a directory, not a log file"),
    ],
    ids=["missing", "missing-no-follow", "wait-without-directory", "directory"],
)
def test_errors_are_one_line(tmp_path: Path, name: str, kw: dict[str, bool], message: str) -> None:
    path = tmp_path / name if name != "." else tmp_path
    with pytest.raises(SourceError) as e:
        FileSource(path, **kw).run(lambda item: None, threading.Event())
    assert str(e.value) == message.format(path=path, dir=path.parent)


def test_stop_is_prompt_on_a_quiet_file(tmp_path: Path, follow: Callable[..., Follower]) -> None:
    log = tmp_path / "quiet.log"
    log.write_bytes(gc(1))
    f = follow(log)
    f.until(lambda f: f.cycles == [1])
    start = time.monotonic()
    f.stop.set()
    f.thread.join(DEADLINE_S)
    assert not f.thread.is_alive() and time.monotonic() - start < 1.0
    assert not f.of(Ended)  # stopped, not ended


def test_a_pipe_path_is_read_as_a_stream(follow: Callable[..., Follower]) -> None:
    r, w = os.pipe()  # `gctui <(zcat app.log.gz)`: the name is /dev/fd/N
    os.write(w, gc(1, 2))
    os.close(w)
    try:
        f = follow(Path(f"/dev/fd/{r}"))
        f.finished()
    finally:
        os.close(r)
    assert f.cycles == [1, 2] and f.items[-1] == Ended("end of input")


# -- big files: the tail first, then the whole ---------------------------------


def _same(a: array, b: array) -> bool:  # type: ignore[type-arg]
    return a.tobytes() == b.tobytes()  # NaN (a missing value) equals itself here


def test_tail_first_then_the_whole_file_then_follow(tmp_path: Path) -> None:
    path = tmp_path / "big.log"
    gen_log().generate(path, 12 << 20, 7)
    whole_size = path.stat().st_size
    with open(path, "ab") as w:
        w.write(b"gc 999999 @")  # a line being written while the file is opened
    progress: list[tuple[int, int]] = []
    fd = os.open(path, os.O_RDONLY)
    whole = WholeFile(fd, str(path), workers=2, part_bytes=3 << 20, min_split=0)
    assert whole.end_offset == whole_size  # the half line is left to the follower
    tail = Model()
    tail.apply_bulk(whole.tail())
    result = whole.parse(progress=lambda done, total: progress.append((done, total)))
    full = Model()
    full.apply_bulk(result)
    want = parse_chunks([path.read_bytes()])  # reads the half line too
    # The tail: the newest cycles, exactly as the full parse has them.
    k = len(tail.cycles)
    assert 10_000 < k < len(full.cycles)
    shift = full.cycles.cols.line_no[-k] - tail.cycles.cols.line_no[0]
    for name in COLUMNS:
        got, expect = getattr(tail.cycles.cols, name), getattr(full.cycles.cols, name)[-k:]
        if name == "line_no":
            assert [x + shift for x in got] == list(expect)
        elif name != "segment":
            assert _same(got, expect), name
    for name in DERIVED:  # the first tail row has no predecessor to derive from
        assert _same(getattr(tail.cycles, name)[1:], getattr(full.cycles, name)[-k + 1 :]), name
    # The whole: what one sequential parse gives, but for the half line it read.
    assert result.lines == want.lines - 1 and result.cycles == want.cycles
    for a, b in zip(result.columns.arrays(), want.columns.arrays()):
        assert _same(a, b)
    assert result.events == want.events[: len(result.events)]
    assert progress[-1] == (whole_size, whole_size) and len(progress) == 4
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)
    # Then following, on the same descriptor: line numbers and counts carry on.
    follower = FileSource(path, follow=False, offset=whole.end_offset, identity=whole.identity, fd=fd)
    with open(path, "ab") as w:
        w.write(b"1.000s 1%: " + gc(1)[len("gc 1 @1.000s 1%: ") :] + gc(2))  # ends gc 999999 ...
    feeder = Feeder(full)
    feeder.resume(result)
    follower.run(feeder.feed, threading.Event())
    assert full.lines == result.lines + 2
    assert sum(full.line_counts.values()) == full.lines
    cols = full.cycles.cols
    assert [cols.n[-2], cols.n[-1]] == [999999, 2]
    assert [cols.line_no[-2], cols.line_no[-1]] == [result.lines + 1, result.lines + 2]
