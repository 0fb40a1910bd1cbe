"""A source running in a thread, feeding one model that the UI reads.

Parsing happens on the source's own thread, inside ``emit``, under
``lock``: a program printing thousands of cycles a second is parsed as it
writes, so nothing queues up behind the UI. The UI takes the same lock only
for the moment it copies what it draws (``widgets.show``), so neither side
waits long. Textual-free: the app runs ``Session.run`` in a thread worker,
the tests run it in a plain thread.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import TYPE_CHECKING

from tui.ingest.feed import Feeder
from tui.model import Model
from tui.sources.base import Ended, Item, Notice, Source

if TYPE_CHECKING:
    from tui.ingest.bigfile import TailFirstLoader

# A quiet input for this long releases a record waiting for its next line
# (a scheddetail block, a torn gc line). Long enough that a file read on a
# busy machine is not cut mid-block between two reads: the runtime writes a
# block in one burst, so a live program is not slowed by it either.
IDLE_S = 0.5
RATE_WINDOW_S = 3.0

# What the header says the source is doing, by kind of source.
ACTIVE_STATE = {"process": "live", "attach": "live", "pipe": "live", "file": "tailing the file",
                "demo": "replaying", "loaded": "loaded"}


class Session:
    """One watched program: its source, its feeder and model, and their lock."""

    def __init__(self, source: Source, *, kind: str = "process", feeder: Feeder | None = None,
                 loader: TailFirstLoader | None = None, follow: bool = True) -> None:
        """``loader``: a regular file read in bulk first (its newest cycles at
        once, then all of it on every core), then followed when ``follow``."""
        self.source = source
        self.kind = kind
        self.loader = loader
        self.follow = follow
        self.loading: float | None = None  # share of a bulk load done, while it runs
        self.generation = 0  # bumps when a loaded model replaces the one shown
        self.feeder = feeder or Feeder(Model())
        self.model = self.feeder.model
        if not self.model.env.description:
            self.model.env.description = source.description
        self.lock = threading.RLock()
        self.stop = threading.Event()
        self.done = threading.Event()
        self.error: str | None = None
        self.started = False
        self._last_item = time.monotonic()
        self._rates: deque[tuple[float, int]] = deque()

    # -- the source thread ---------------------------------------------------------

    def run(self) -> None:
        """Run the source to its end (blocking); failures become ``error``."""
        self.started = True
        try:
            if self.loader is not None:
                self._load(self.loader)
            if not self.stop.is_set():
                self.source.run(self._emit, self.stop)
        except _Stopped:
            pass
        except Exception as e:  # a source that cannot run says why in one line
            with self.lock:
                self.error = str(e) or type(e).__name__
                self.feeder.feed(Notice("error", self.error))
        finally:
            with self.lock:
                self.feeder.close()
                if self.feeder.ended is None:
                    reason = "stopped" if self.stop.is_set() else "input ended"
                    self.feeder.feed(Ended(reason))
            self.done.set()

    def _load(self, loader: TailFirstLoader) -> None:
        """Newest cycles first, then the whole file, then follow it."""
        from tui.ingest.linefile import LineFile
        from tui.ingest.bigfile import continue_feeder, tail_first_wanted

        with loader:
            self.loading = 0.0
            if tail_first_wanted(loader.path):
                tail = loader.tail_model()
                self._swap(Feeder(tail))
            model = loader.full_model(progress=self._progress)
            assert loader.full_result is not None
            lines = LineFile(loader.path)
            lines.index()
            model.line_source = lines.line
            self._swap(continue_feeder(model, loader.full_result))
            self.source = loader.follow_source(follow=self.follow)
            self.loading = None

    def _progress(self, done: int, total: int) -> None:
        self.loading = done / max(total, 1)
        if self.stop.is_set():
            raise _Stopped

    def _swap(self, feeder: Feeder) -> None:
        with self.lock:
            feeder.model.env.description = self.model.env.description
            self.feeder, self.model = feeder, feeder.model
            self.generation += 1

    def _emit(self, item: Item) -> None:
        with self.lock:
            self.feeder.feed(item)
            self._last_item = time.monotonic()  # quiet counts from when parsing ended

    # -- the UI thread -------------------------------------------------------------

    def tick(self) -> None:
        """Called on the UI's timer: release records held for a next line when
        the input went quiet, and sample the line rate."""
        now = time.monotonic()
        if not self.lock.acquire(blocking=False):
            return  # the source thread is parsing: it is not idle, and the UI must not wait
        try:
            if now - self._last_item >= IDLE_S and self.feeder.ended is None:
                self.feeder.flush()
            lines = self.model.lines
        finally:
            self.lock.release()
        rates = self._rates
        rates.append((now, lines))
        while len(rates) > 2 and now - rates[0][0] > RATE_WINDOW_S:
            rates.popleft()

    def lines_per_s(self) -> float:
        """Lines parsed per second over the last few seconds."""
        if len(self._rates) < 2:
            return 0.0
        (t0, n0), (t1, n1) = self._rates[0], self._rates[-1]
        return (n1 - n0) / (t1 - t0) if t1 > t0 else 0.0

    @property
    def ended(self) -> Ended | None:
        return self.feeder.ended

    def state(self) -> str:
        """``waiting``, ``live``, ``following``, ``replaying``, ``ended (exit 0)``..."""
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


class _Stopped(Exception):
    """The user quit while a file was loading."""
