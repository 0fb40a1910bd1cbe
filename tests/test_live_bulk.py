"""Big live chunks read in bulk give the model and the events the parser gives.

A program writing thousands of lines a second hands the feeder big chunks;
those whose lines are all plain go through the bulk path
(``Feeder._feed_big``). Whatever the chunking, the model must end as the
event path leaves it and listeners must get the same events in the same
order (``--jsonl`` writes from both), except that a cycle the bulk path
stored as columns comes as a marker (:class:`parsers.bulk.StoredCycle`)
where the event path gives its :class:`GCCycle`; ``--jsonl``'s writer,
run on both, writes the same lines, and the cycles among them are
``export``'s.
"""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.bulk import Ordered, StoredCycle
from parsers.events import GCCycle
from test_bulk import GC, GO16, OTHER
from tui.cli.export import export_jsonl
from tui.cli.jsonl import JsonlWriter
from tui.ingest import feed as feed_module
from tui.ingest.feed import Feeder
from tui.ingest.runner import Runner
from tui.model import Model
from tui.sources.base import Chunk, Emit

SCHED = b"SCHED %dms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=0 idlethreads=0 runqueue=0 [0 0]"
OUTPUT = b"2026/11/21 10:00:00 handled request id=%d"


def run(chunks: list[bytes], bulk: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[str, list[Ordered], Model]:
    monkeypatch.setattr(feed_module, "LIVE_BULK_BYTES", 1 if bulk else 1 << 40)
    events: list[Ordered] = []
    model = Model()
    feeder = Feeder(model, on_events=events.extend)
    for data in chunks:
        feeder.feed(Chunk("log", data))
    feeder.close()
    out = io.StringIO()
    export_jsonl(model, out)
    return out.getvalue(), events, model


class Chunks:
    """A source that hands over the given chunks, then ends."""

    description = "chunks"

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    def run(self, emit: Emit, stop: object) -> None:
        for data in self.chunks:
            emit(Chunk("log", data))


def jsonl(chunks: list[bytes], bulk: bool, monkeypatch: pytest.MonkeyPatch) -> str:
    """What ``--jsonl``'s writer writes for the chunks, through the real runner."""
    monkeypatch.setattr(feed_module, "LIVE_BULK_BYTES", 1 if bulk else 1 << 40)
    runner = Runner(Chunks(chunks))
    out = io.StringIO()
    failed: list[OSError] = []
    runner.subscribe(JsonlWriter(runner, out, failed.append))
    runner.run()
    assert not failed
    return out.getvalue()


def as_stored(events: list[Ordered]) -> list[Ordered]:
    """The event path's cycles as the bulk path hands them over."""
    return [StoredCycle(line_no=e.meta.line_no) if isinstance(e, GCCycle) else e for e in events]


def same_both_ways(data: bytes, cuts: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    bounds = [0, *sorted(c % (len(data) + 1) for c in cuts), len(data)]
    chunks = [data[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]
    want, want_events, want_model = run(chunks, False, monkeypatch)
    got, got_events, got_model = run(chunks, True, monkeypatch)
    assert got == want
    assert as_stored(got_events) == as_stored(want_events)
    assert got_model.lines == want_model.lines and got_model.line_counts == want_model.line_counts
    assert [got_model.raw_lines.get(i) for i in range(len(got_model.cycles))] == [
        want_model.raw_lines.get(i) for i in range(len(want_model.cycles))]
    written = jsonl(chunks, True, monkeypatch)
    assert written == jsonl(chunks, False, monkeypatch)
    gc = [line for line in want.splitlines() if line.startswith('{"kind":"gc"')]
    assert [line for line in written.splitlines() if line.startswith('{"kind":"gc"')] == gc


PLAIN = st.one_of(
    st.integers(1, 10_000).map(lambda n: GC % (n, n // 10, n % 1000)),
    st.integers(0, 10_000).map(lambda n: SCHED % n),
    st.integers(0, 10_000).map(lambda n: OUTPUT % n),
    st.just(GO16),
)


@settings(max_examples=150, deadline=None)
@given(parts=st.lists(st.one_of(PLAIN, PLAIN, PLAIN, st.sampled_from(OTHER)), max_size=60),
       cuts=st.lists(st.integers(0, 1 << 16), max_size=6))
def test_big_chunks_give_what_the_parser_gives(parts: list[bytes], cuts: list[int]) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        same_both_ways(b"\n".join(parts) + b"\n", cuts, monkeypatch)


def test_a_steady_plain_stream_is_taken_in_bulk(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = []
    for n in range(1, 2001):
        lines.append(GC % (n, n // 10, n % 1000))
        if n % 10 == 0:
            lines.append(SCHED % (n * 10))
        if n % 13 == 0:
            lines.append(OUTPUT % n)
    data = b"\n".join(lines) + b"\n"
    same_both_ways(data, list(range(7, len(data), 20_011)), monkeypatch)
    taken: list[int] = []
    real = Model.apply_plain
    monkeypatch.setattr(Model, "apply_plain", lambda self, r, raw: (taken.append(len(raw)), real(self, r, raw)))
    run([data[i : i + 20_011] for i in range(0, len(data), 20_011)], True, monkeypatch)
    assert sum(taken) > 1900  # nearly every cycle came in bulk
