"""Replay a recorded capture at its recorded pace: the demo needs no Go.

The bundled capture (``tui/data/demo/story.log.gz``, made by
:mod:`tui.demo.record`) is in the CRI log format: every line carries the wall
time it arrived and its stream. The replay strips that wrapper and hands the
lines to gctui on their streams, as ``gctui run`` would, each when its time
comes (``speed`` times faster), in batches of at most ``BATCH_S`` of
recorded time so a fast replay does not cost a wake-up per line.
"""

from __future__ import annotations

import gzip
import math
import re
import threading
import time
from importlib import resources
from pathlib import Path

from parsers.prefixes import parse_time
from tui.sources.base import Chunk, Emit, Ended, EnvUpdate, Notice, SourceError

BATCH_S = 0.05
_CRI = re.compile(rb"(\S+) (stdout|stderr) [FP] ?(.*)")


def bundled_capture() -> Path:
    """Where the package keeps the demo capture."""
    return Path(str(resources.files("tui") / "data" / "demo" / "story.log.gz"))


class ReplaySource:
    """A CRI-format capture (plain or gzip) replayed as a live program."""

    def __init__(self, path: Path | None = None, speed: float = 1.0) -> None:
        if not (math.isfinite(speed) and 1e-3 <= speed <= 1e12):
            raise SourceError("gctui: --speed must be a positive number (0.001 to 1e12)")
        self.path = path or bundled_capture()
        self.speed = speed
        self.description = f"demo: replay of {self.path.name}" + (f" at {speed:g}x" if speed != 1 else "")

    def _records(self) -> list[tuple[float, str, bytes]]:
        try:
            raw = self.path.read_bytes()
            data = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
        except (OSError, EOFError, gzip.BadGzipFile) as e:
            raise SourceError(f"gctui: cannot read the capture {self.path}: {e}") from None
        records: list[tuple[float, str, bytes]] = []
        for line in data.split(b"\n"):
            m = _CRI.fullmatch(line)
            if m is None:
                continue
            t = parse_time(m.group(1).decode("ascii", "replace"))
            if t is not None:
                records.append((t, m.group(2).decode(), m.group(3)))
        if not records:
            raise SourceError(f"gctui: {self.path} holds no recorded lines (CRI log format)")
        return records

    def run(self, emit: Emit, stop: threading.Event) -> None:
        records = self._records()
        emit(EnvUpdate(description=self.description, go_version="go1.19.8",
                       godebug="gctrace=1,schedtrace=1000,scheddetail=1", gomaxprocs=2,
                       start_wall_time=time.time()))
        emit(Notice("info", "replaying a recorded Go program: steady traffic, a leak, "
                            "a GC storm, then a goroutine pile-up"))
        first = records[0][0]
        started = time.monotonic()
        i = 0
        while i < len(records):
            due = (records[i][0] - first) / self.speed
            wait = due - (time.monotonic() - started)
            if wait > 0 and stop.wait(wait):
                return
            if stop.is_set():
                return
            horizon = records[i][0] + BATCH_S * self.speed
            batch: dict[str, list[bytes]] = {}
            while i < len(records) and records[i][0] <= horizon:
                batch.setdefault(records[i][1], []).append(records[i][2])
                i += 1
            for stream, lines in batch.items():
                emit(Chunk(stream, b"\n".join(lines) + b"\n"))
        emit(Ended("the demo capture ended", exit_status=0))
