"""The feeder: source items in, model updates out, lines accounted across streams."""

from __future__ import annotations

from parsers.events import Output
from tui.ingest.feed import Feeder
from tui.model import Model
from tui.sources.base import Chunk, Ended, EnvUpdate, Notice, Restart

GC = (
    "gc {n} @{t}s 1%: 0.01+1.0+0.01 ms clock, 0.02+0.1/1.0/0.5+0.02 ms cpu, "
    "4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
)


def test_streams_are_parsed_apart_and_counted_together() -> None:
    model = Model()
    feeder = Feeder(model)
    half = GC.format(n=1, t="0.001")
    feeder.feed(Chunk("stderr", half[:30].encode()))
    feeder.feed(Chunk("stdout", b"hello from stdout\n"))  # must not join the stderr record
    feeder.feed(Chunk("stderr", half[30:].encode() + GC.format(n=2, t="0.002").encode()))
    assert len(model.cycles) == 2
    assert [o.text for o in model.output] == ["hello from stdout"]
    assert model.output[0].meta.stream == "stdout"
    assert model.lines == 3 and model.line_counts["gc"] == 2 and model.line_counts["output"] == 1


def test_env_notice_restart_and_end() -> None:
    model = Model()
    feeder = Feeder(model)
    feeder.feed(EnvUpdate(gogc="off", gomemlimit_b=48 << 20, pid=42))
    assert (model.env.gogc, model.env.gomemlimit_b, model.env.pid) == ("off", 48 << 20, 42)
    feeder.feed(Chunk("log", GC.format(n=7, t="1.000").encode() + b"partial line"))
    feeder.feed(Restart("the file was truncated"))
    feeder.feed(Chunk("log", GC.format(n=1, t="0.001").encode()))
    feeder.feed(Notice("info", "following"))
    feeder.feed(Ended("end of file"))
    assert [model.cycles.cols.n[i] for i in range(len(model.cycles))] == [7, 1]
    assert [s.index for s in model.segments] == [0, 1]  # gc 1 after gc 7: a new run
    assert model.lines == 3  # the partial line was closed out as output before the restart
    assert any(isinstance(o, Output) and o.text == "partial line" for o in model.output)
    assert feeder.ended is not None and [n.text for n in feeder.notices][-1] == "following"
