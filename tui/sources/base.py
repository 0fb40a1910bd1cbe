"""What every way in (launch, attach, file, pipe, demo) hands to gctui.

A source is a blocking producer meant to run in a worker thread: ``run(emit,
stop)`` calls ``emit`` with :class:`Chunk` bytes as they arrive and with
facts about the program (:class:`EnvUpdate`, samples, notices), and returns
when the input ends or ``stop`` is set. It never parses: bytes go to a
:class:`tui.ingest.feed.Feeder`, which owns the parsers and the model.

Sources know nothing of Textual, so the same source serves the app (in a
``@work(thread=True)`` worker), the headless ``--jsonl``/``--report`` modes
and the tests.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable, Protocol, Union

from tui.sources.samples import HTTPSample, ProcessSample


@dataclass(frozen=True, slots=True)
class Chunk:
    """Bytes read from the program: ``stream`` is ``stderr`` (where the
    runtime writes its traces), ``stdout``, or ``log`` for a file or pipe
    that mixes both."""

    stream: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the user should read: ``level`` is ``info``, ``warning`` or
    ``error``; ``text`` one sentence (a rotation, a process that exited, a
    hint on how to enable tracing)."""

    level: str
    text: str


@dataclass(frozen=True, slots=True)
class EnvUpdate:
    """Facts about the program learnt from outside its output; ``None``
    fields leave what is known unchanged (see :class:`tui.model.RunEnv`)."""

    description: str | None = None
    go_version: str | None = None
    main_module: str | None = None
    gogc: str | None = None
    gomemlimit_b: int | None = None
    gomaxprocs: int | None = None
    godebug: str | None = None
    pid: int | None = None
    start_wall_time: float | None = None


@dataclass(frozen=True, slots=True)
class Ended:
    """The input is over: the file ended (not followed), the pipe closed or
    the process exited (``exit_status``, or ``signal`` when it was killed)."""

    reason: str
    exit_status: int | None = None
    signal: str | None = None


@dataclass(frozen=True, slots=True)
class Restart:
    """The input starts over (a truncated or rotated file): parsing state
    must not join what came before with what follows."""

    reason: str


Item = Union[Chunk, Notice, EnvUpdate, Ended, Restart, ProcessSample, HTTPSample]
Emit = Callable[[Item], None]


class Source(Protocol):
    """A way in. ``description`` says what is watched (a command line, a file
    path, ``PID 1234``), for the header."""

    description: str

    def run(self, emit: Emit, stop: threading.Event) -> None:
        """Produce items until the input ends or ``stop`` is set."""
        ...


class SourceError(Exception):
    """A source cannot start: the message is one line for the user."""
