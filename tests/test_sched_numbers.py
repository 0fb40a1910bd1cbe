"""``SchedLines.numbers()`` reads the same numbers as the events it skips.

The report and the scheduler rules read every snapshot's clock, Ps,
threads and run queues through these columns instead of building 600,000
events; they must hold exactly what each event says, for every SCHED shape
in the captures (Go 1.2-1.19, 1.20+ with needspinning, scheddetail blocks
kept as whole events), and keep up as snapshots are appended.
"""

from __future__ import annotations


from kit import SAMPLE_LOGS
from parsers.rows import NUMBER_FIELDS, PLAIN_SCHED, SchedLines
from tui.ingest.runner import load

LOGS = SAMPLE_LOGS


def _expected(sched: SchedLines) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {name: [] for name in NUMBER_FIELDS}
    for s in sched:
        for name, value in zip(NUMBER_FIELDS, (s.t_ms, s.gomaxprocs, s.idleprocs, s.threads, s.runqueue,
                                               s.runqueue + sum(s.runq_per_p or ()))):
            out[name].append(value)
    return out


def test_numbers_match_the_events() -> None:
    rows = objects = 0
    for path in LOGS:
        sched = load(str(path)).sched
        got = {name: list(col) for name, col in sched.numbers().items()}
        assert got == _expected(sched), path.name
        objects += len(sched.objects)
        rows += len(sched) - len(sched.objects)
    assert rows > 10 and objects > 10  # both kinds were checked


def _rows() -> SchedLines:
    """What the bulk path keeps: every plain SCHED line of the captures as a row."""
    sched = SchedLines("stderr")
    for path in LOGS:
        for no, line in enumerate(path.read_bytes().splitlines(), 1):
            at = line.find(b"SCHED ")
            if at >= 0 and PLAIN_SCHED.fullmatch(line[at:]):
                sched.add_line(no, line[at:])
    # The Go 1.20+ and 1.25+ shapes, as src/runtime/proc.go schedtrace prints them.
    for no, line in enumerate((
        b"SCHED 1004ms: gomaxprocs=4 idleprocs=2 threads=7 spinningthreads=1 needspinning=0 idlethreads=2 runqueue=3 [1 0 2 0]",
        b"SCHED 2005ms: gomaxprocs=2 idleprocs=0 threads=5 spinningthreads=0 needspinning=1 idlethreads=1 runqueue=0 [ 4 5 ] schedticks=[ 100 200 ]",
        b"SCHED 3005ms: gomaxprocs=1 idleprocs=0 threads=5 spinningthreads=0 needspinning=1 idlethreads=1 runqueue=7 [ 0 ] schedticks=[ 9 ]",
    ), 1):
        assert PLAIN_SCHED.fullmatch(line)
        sched.add_line(no, line)
    return sched


def test_numbers_of_rows_match_the_events_built_from_them() -> None:
    sched = _rows()
    assert len(sched) > 40 and not sched.objects
    assert {k: list(v) for k, v in sched.numbers().items()} == _expected(sched)


def test_numbers_follow_appends() -> None:
    """Grown as a live source grows them: rows as the bulk path adds them
    (add_line), with a whole event now and then (a line the parser took);
    numbers() resumes from what it read before."""
    whole = _rows()
    grown = SchedLines(whole.stream)
    for i in range(len(whole)):
        if i % 3 == 0:
            grown.append(whole[i])
        else:
            grown.add_line(whole.line_no[i], whole.line_bytes(i))
        if i % 7 == 0:
            assert list(grown.numbers()["queued"]) == _expected(grown)["queued"]
    assert {k: list(v) for k, v in grown.numbers().items()} == _expected(whole)
