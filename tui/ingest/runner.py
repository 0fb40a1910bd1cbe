"""The one runner: any source, in a thread, parsed on arrival, into one model.

Every front end runs its input through a :class:`Runner`: the terminal UI,
``--jsonl``, ``--report``, ``--plain``, and ``report``/``export``/``compare``.
They differ only in what they subscribe (:class:`Subscriber`) and in
whether the input is a live stream or read to its end, so the same bytes
give the same model and the same events whichever way they came in.

Parsing happens on the source's thread, inside ``emit``, under ``lock``: a
program printing thousands of cycles a second is parsed as it writes, and
nothing queues behind a front end. A front end takes the same lock only for
the moment it copies what it shows.

One idle rule: when the input has been quiet for :data:`IDLE_S`, records
waiting for a next line (a scheddetail block, a torn gc line) are released.
A small thread of the runner's own applies it, so no front end has to
remember to. Half a second, because the runtime writes a scheddetail block
in one burst and a busy machine can pause a file read for longer than 0.1 s.

A named log (:class:`~tui.ingest.inputs.Input`) of kind ``file`` is first
loaded whole on every core (newest cycles first, for a screen), then
followed from where the load stopped; any other input is read as it comes.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import TYPE_CHECKING, Protocol, Sequence

from parsers.bulk import BulkResult, Ordered
from tui.ingest.feed import Feeder
from tui.ingest.inputs import Input
from tui.ingest.linefile import LineIndex
from tui.model import Model, SegmentInfo
from tui.sources.base import Chunk, Ended, Item, Notice, Source

if TYPE_CHECKING:
    from tui.ingest.wholefile import WholeFile

IDLE_S = 0.5
TICK_S = 0.1
RATE_WINDOW_S = 3.0

# What the header says the source is doing, by kind of source.
ACTIVE_STATE = {"process": "live", "attach": "live", "pipe": "live", "file": "tailing the file",
                "demo": "replaying", "loaded": "loaded"}


class Subscriber(Protocol):
    """A front end's view of the runner, called under the runner's lock."""

    def loaded(self, model: Model) -> None:
        """A whole file was loaded into ``model``, which replaces the one before."""

    def events(self, events: Sequence[Ordered]) -> None:
        """The parser produced ``events`` (already stored in the model); a
        cycle the bulk path stored comes as a :class:`~parsers.bulk.StoredCycle`."""

    def item(self, item: Item) -> None:
        """A source item that is not bytes: a sample, a notice, an env fact, the end."""


class Runner:
    """One input, its feeder and model, their lock, and its subscribers."""

    def __init__(self, source: Source | None = None, *, log: Input | None = None, kind: str = "process",
                 follow: bool = True, batch: bool = False, tail_first: bool = False) -> None:
        """Either ``source`` (a program, an attached process, the demo) or
        ``log`` (a named log or stdin, opened by :func:`open_input`).
        ``batch``: the input is read to its end before anything is shown
        (``report``): parsed in bulk, a core's full speed. ``tail_first``:
        a big file's newest cycles are shown while the rest loads."""
        if source is None:
            assert log is not None
            source = log.source(follow=follow) if log.kind != "file" else _Placeholder(log.description)
        self.source = source
        self.log = log
        self.kind = kind
        self.follow = follow
        self.tail_first = tail_first
        self.load_bytes: tuple[int, int] | None = None  # (bytes parsed, bytes in all) while it runs
        self.generation = 0  # bumps when a loaded model replaces the one shown
        self.feeder = Feeder(Model(), batch=batch)
        self.model = self.feeder.model
        self.model.env.description = source.description
        self.lock = threading.RLock()
        self.stop = threading.Event()
        self.done = threading.Event()
        self.error: str | None = None
        self.failure: BaseException | None = None
        self.started = False
        self.line_index: LineIndex | None = None
        self.chosen: str | None = None  # the source a screen shows; None: the whole stream
        self.subscribers: list[Subscriber] = []
        self._last_item = time.monotonic()
        self._rates: deque[tuple[float, int]] = deque()
        self._hook(self.feeder)

    def subscribe(self, subscriber: Subscriber) -> None:
        self.subscribers.append(subscriber)
        self._hook(self.feeder)

    # -- the source thread ---------------------------------------------------------

    def run(self) -> None:
        """Run the input to its end (blocking); failures become ``error``."""
        self.started = True
        idle = threading.Thread(target=self._idle, name="gctui-idle", daemon=True)
        idle.start()
        try:
            if self.log is not None and self.log.kind == "file":
                self.source = self._load(self.log)
            if not self.stop.is_set():
                self.source.run(self._emit, self.stop)
        except _Stopped:
            pass
        except Exception as e:  # a source that cannot run says why in one line
            with self.lock:
                self.failure = e
                self.error = str(e) or type(e).__name__
                self._deliver(Notice("error", self.error))
        finally:
            with self.lock:
                self.feeder.close()
                if self.feeder.ended is None:
                    self._deliver(Ended("stopped" if self.stop.is_set() else "input ended"))
            if self.log is not None:
                self.log.close()
            self.done.set()

    def _load(self, log: Input) -> Source:
        """A regular file: newest cycles first (for a screen), the whole file
        on every core, then a reader that follows from where the load stopped."""
        from tui.ingest.wholefile import LoadStopped, WholeFile

        assert log.fd is not None
        whole = WholeFile(log.fd, log.name, stop=self.stop)
        try:
            return self._load_whole(log, whole)
        except LoadStopped:
            raise _Stopped from None

    def _load_whole(self, log: Input, whole: WholeFile) -> Source:
        self.line_index = whole.index
        if whole.end_offset:
            self.load_bytes = (0, whole.end_offset)
            if self.tail_first and whole.big:
                tail = Model(segments=[SegmentInfo(0, 1, 0, "the newest cycles of the file (the rest is loading)")])
                tail.apply_bulk(whole.tail())
                self._swap(Feeder(tail), loaded=False)
            model = Model()
            feeder = Feeder(model, batch=self.feeder.batch)

            def take(part: BulkResult) -> None:
                model.apply_bulk(part)
                feeder.sources.apply_bulk(part)  # the named sources' share of the range

            # Each range goes into the models as it is parsed, not into one
            # whole-file result copied into the model after.
            result = whole.parse(progress=self._progress, sink=take)
            model.set_counts(result.counts, result.lines)
            feeder.resume(result)
            self._swap(feeder, loaded=True)
            self.load_bytes = None
        return log.source(follow=self.follow, offset=whole.end_offset, identity=whole.identity)

    def _progress(self, done: int, total: int) -> None:
        self.load_bytes = (done, total)
        if self.stop.is_set():
            raise _Stopped

    def _swap(self, feeder: Feeder, *, loaded: bool) -> None:
        with self.lock:
            feeder.model.env = self.model.env
            feeder.notices = self.feeder.notices
            self._hook(feeder)
            self.feeder, self.model = feeder, feeder.model
            self.generation += 1
            if loaded:
                for s in self.subscribers:
                    s.loaded(feeder.model)

    def _hook(self, feeder: Feeder) -> None:
        # No listener, no events: a live chunk read in bulk then builds none.
        feeder.on_events = self._events if self.subscribers else None

    def _emit(self, item: Item) -> None:
        with self.lock:
            self._deliver(item)
            self._last_item = time.monotonic()  # quiet counts from when parsing ended

    def _deliver(self, item: Item) -> None:
        """Under the lock: the item to the model, then to every subscriber."""
        self.feeder.feed(item)
        if not isinstance(item, Chunk):
            for s in self.subscribers:
                s.item(item)

    def _events(self, events: Sequence[Ordered]) -> None:
        for s in self.subscribers:
            s.events(events)

    def _idle(self) -> None:
        while not self.done.wait(TICK_S):
            self.tick()

    # -- any thread ----------------------------------------------------------------

    def tick(self) -> None:
        """Release records held for a next line when the input went quiet,
        and sample the line rate; never waits for the lock."""
        now = time.monotonic()
        if not self.lock.acquire(blocking=False):
            return  # the source thread is parsing: it is not idle
        try:
            if now - self._last_item >= IDLE_S and self.feeder.ended is None:
                self.feeder.flush()
            lines = self.model.lines
            rates = self._rates
            rates.append((now, lines))
            while len(rates) > 2 and now - rates[0][0] > RATE_WINDOW_S:
                rates.popleft()
        finally:
            self.lock.release()

    @property
    def loading(self) -> float | None:
        """The share of a whole-file load done, while it runs (None otherwise)."""
        load = self.load_bytes
        return None if load is None else load[0] / max(load[1], 1)

    def lines_per_s(self) -> float:
        """Lines parsed per second over the last few seconds."""
        rates = list(self._rates)
        if len(rates) < 2:
            return 0.0
        (t0, n0), (t1, n1) = rates[0], rates[-1]
        return (n1 - n0) / (t1 - t0) if t1 > t0 else 0.0

    def raw_line(self, i: int) -> str | None:
        """The text of cycle row ``i`` as read: kept for live cycles, read
        back from the file for a loaded one."""
        if self.chosen is not None:
            return self.shown().raw_lines.get(i)  # a source's cycles keep their text
        raw = self.model.raw_lines.get(i)
        if raw is None and self.line_index is not None and i < len(self.model.cycles):
            raw = self.line_index.line(self.model.cycles.cols.line_no[i])
        return raw

    @property
    def sources(self) -> dict[str, Model]:
        """A model per pod of a multi-pod stream (:mod:`tui.ingest.by_source`)."""
        return self.feeder.sources.models

    def shown(self) -> Model:
        """The model a screen draws: the chosen source's, else the whole stream's."""
        return self.sources.get(self.chosen, self.model) if self.chosen is not None else self.model

    def choose(self, name: str | None) -> None:
        """Show source ``name`` (None: the whole stream); a screen starts over."""
        with self.lock:
            self.chosen = name
            self.generation += 1

    @property
    def ended(self) -> Ended | None:
        return self.feeder.ended

    def state(self) -> str:
        """``waiting``, ``live``, ``tailing the file``, ``loading 40%``, ``ended (exit 0)``..."""
        ended = self.feeder.ended
        if self.error is not None:
            return "failed"
        if ended is not None:
            if ended.signal:
                return f"ended ({ended.signal})"
            if ended.exit_status is not None:
                return f"ended (exit {ended.exit_status})"
            return "ended"
        if self.loading is not None:
            return f"loading {self.loading * 100:.0f}%"
        if not self.model.lines:
            return "waiting"
        return ACTIVE_STATE.get(self.kind, "live")

    def waiting_for(self) -> str:
        """What an empty screen is waiting for, in words."""
        what = self.source.description
        if self.loading is not None:
            return f"Reading {what}: {self.loading * 100:.0f}% loaded."
        if self.kind == "process":
            return (f"Waiting for {what} to print its first GC cycle "
                    "(gctrace=1 is set; a program that allocates little may take a while).")
        if self.kind == "attach":
            return f"Waiting for data from {what}."
        if self.kind == "pipe":
            return "Waiting for lines on standard input (GODEBUG=gctrace=1 output)."
        return f"Waiting for {what} to get its first GC line (gctrace=1 output)."

    def close(self) -> None:
        """Ask the source to stop (the thread ends on its own)."""
        self.stop.set()


def load(name: str) -> Model:
    """Read a log (a path, or ``-`` for stdin) to its end: what ``report``,
    ``export`` and ``compare`` read. The same open and the same runner as
    every live mode, in batch: nothing is shown before the end."""
    from tui.ingest.inputs import open_input

    log = open_input(name)
    runner = Runner(log=log, kind="pipe" if name == "-" else "file", follow=False, batch=True)
    runner.run()
    if runner.failure is not None:
        raise runner.failure
    return runner.model


class _Stopped(Exception):
    """The user quit (or the terminal closed) while a file was loading."""


class _Placeholder:
    """The source of a file until its load hands over to the follower."""

    def __init__(self, description: str) -> None:
        self.description = description

    def run(self, emit: object, stop: threading.Event) -> None:  # pragma: no cover - replaced before run
        raise AssertionError("a file input is loaded before it is read")
