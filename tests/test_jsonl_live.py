"""``--jsonl`` hands each batch over when it is parsed, not when a buffer fills.

A program that prints a gc line every few seconds must show up downstream
(``gctui open app.log --jsonl | jq``) as it happens: the output is a pipe,
block-buffered, and a record left in its buffer waits for 8 KB more.
"""

from __future__ import annotations

import os
import select
import threading
import time

from tui.cli.headless import run_headless
from tui.ingest.runner import Runner
from tui.sanitize import terminal_stream
from tui.sources.base import Chunk, Emit

GC = (b"gc 1 @0.010s 1%: 0.01+0.5+0.01 ms clock, 0.02+0.1/0.2/0+0.02 ms cpu, "
      b"4->4->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P\n")


class OneLineThenQuiet:
    """A program that printed one gc line and then nothing (still running)."""

    description = "quiet program"

    def run(self, emit: Emit, stop: threading.Event) -> None:
        emit(Chunk("stderr", GC))
        stop.wait()


def test_a_record_reaches_the_pipe_while_the_input_is_quiet() -> None:
    read_fd, write_fd = os.pipe()
    out = os.fdopen(write_fd, "w")  # block-buffered, as stdout on a pipe
    runner = Runner(OneLineThenQuiet())
    thread = threading.Thread(target=run_headless, args=(runner,),
                              kwargs={"jsonl": True, "out": terminal_stream(out, json=True)})
    thread.start()
    got = b""
    try:
        deadline = time.monotonic() + 20  # generous: a loaded CI machine
        while b'"kind":"gc"' not in got and time.monotonic() < deadline:
            if select.select([read_fd], [], [], 0.1)[0]:
                got += os.read(read_fd, 1 << 16)
        assert b'"kind":"gc"' in got and b'"n":1' in got, got
        assert runner.ended is None  # still running: nothing was flushed by an end
    finally:
        runner.close()
        thread.join(10)
        out.close()
        os.close(read_fd)
