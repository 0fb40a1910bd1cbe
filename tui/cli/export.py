"""A loaded log out again, for tools that are not gctui (jq, pandas, a notebook).

``export_jsonl`` writes every stored event as one JSON object per line, in
file order, each with a ``kind`` (the names of ``parsers.events``: ``gc``,
``sched``, ``scavenger``, ``pacer``, ``gc_forced``, ``runtime``, ``crash``,
``output``, ``malformed``, ``sched_detail``, plus ``segment`` where a run
restarts), then the samples gctui took of a live program (``process``,
``expvar``, ``pprof_goroutine``). ``--jsonl`` (:mod:`tui.cli.jsonl`)
builds its objects here too, so both write the same kinds with the same
fields.
``export_csv`` writes one row per GC cycle with a header, missing values as
empty cells, so ``pandas.read_csv`` reads it with no options.

What Go 1.25+ prints after a gc line rides with its cycle: a ``gc`` object
gains ``scan`` (the ``gctrace=2`` statistics: ``total`` and ``classes``)
and ``finalizer_queue``/``cleanup_queue`` when the log holds them, and the
CSV has their totals in the columns of ``EXTRA_CSV_FIELDS`` (empty
otherwise). The ``runtime`` objects of those lines stay as they were.

Cycles are streamed straight from the model's columns, a tuple or a block
of JSON text at a time: six million cycles never become six million objects.
"""

from __future__ import annotations

import dataclasses
import heapq
import json
import math
from itertools import repeat
from operator import mul, truediv
from typing import Any, Callable, Iterable, Iterator, TextIO

from parsers.columns import ERAS, FORCED, LEAK_CHECK, MISSING_U8, MISSING_U16, MISSING_U32
from parsers.events import Segment
from tui.model import Model
from tui.sources.samples import HTTPSample, ProcessSample

# Columns of a cycle row, in the order they are written; line_no and the
# era come from the raw columns too. Derived columns are named as in CycleStore.
CYCLE_FIELDS: tuple[str, ...] = (
    "n",
    "t_s",
    "segment",
    "line_no",
    "era",
    "forced",
    "leak_check",
    "cpu_pct",
    "stw_sweep_term_ms",
    "mark_ms",
    "stw_mark_term_ms",
    "stw_ms",
    "sweep_term_cpu_ms",
    "mark_assist_cpu_ms",
    "mark_bg_cpu_ms",
    "mark_idle_cpu_ms",
    "mark_term_cpu_ms",
    "heap_start_mb",
    "heap_end_mb",
    "heap_live_mb",
    "heap_goal_mb",
    "stacks_mb",
    "globals_mb",
    "procs",
    "interval_s",
    "alloc_rate_mb_s",
    "gc_cpu",
    "assist_share",
)
# After the cycle columns in the CSV: the scan totals and queue lengths of
# the lines printed after the gc line (Go 1.25+), empty where none was.
EXTRA_CSV_FIELDS: tuple[str, ...] = ("scan_objs", "scan_spans", "scan_dense_spans", "finalizer_queue",
                                     "cleanup_queue")
CSV_FIELDS = CYCLE_FIELDS + EXTRA_CSV_FIELDS
_FLOATS = CYCLE_FIELDS[8:17]
_INTS = CYCLE_FIELDS[17:23]
_DERIVED = CYCLE_FIELDS[24:]
# Per flags byte (see parsers.columns): the era name and the two bits.
_ERA_OF = tuple(ERAS[(f >> 2) & 3] for f in range(256))
_FORCED_OF = tuple(bool(f & FORCED) for f in range(256))
_LEAK_CHECK_OF = tuple(bool(f & LEAK_CHECK) for f in range(256))
_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)
# Fields of pairs that read best as a JSON object: ("goroutines", "34") -> {...}.
_PAIR_FIELDS = frozenset({"extra", "g_by_status", "g_by_wait_reason", "fields", "values"})


def cycle_rows(model: Model, start: int = 0, end: int | None = None) -> Iterator[tuple[Any, ...]]:
    """Cycles ``[start, end)`` as tuples in ``CYCLE_FIELDS`` order, ``None`` where missing.

    Built from one iterator per column (``map`` over the arrays with C
    builtins where possible) zipped together, so a row costs a couple of
    microseconds and six million of them stream without an object each.
    """
    return zip(*_columns(model, start, end))


def _columns(model: Model, start: int, end: int | None) -> list[Iterable[Any]]:
    """One iterator a field over the cycles ``[start, end)``, ``None`` where missing."""
    store: Any = model.cycles
    c: Any = store.cols
    if start or end is not None:
        store, c = _Window(store, start, end), _Window(store.cols, start, end)
    columns: list[Iterable[Any]] = [
        c.n,
        _ints(c.t_ms, MISSING_U32, lambda v: v / 1000.0),
        _ints(c.segment, MISSING_U16),
        c.line_no,
        map(_ERA_OF.__getitem__, c.flags),
        map(_FORCED_OF.__getitem__, c.flags),
        map(_LEAK_CHECK_OF.__getitem__, c.flags),
        _ints(c.cpu_pct, MISSING_U8),
    ]
    columns += [_floats(getattr(c, name), 3) for name in _FLOATS]
    columns += [_ints(getattr(c, name), MISSING_U32) for name in _INTS]
    columns.append(_ints(c.procs, MISSING_U16))
    columns += [_floats(getattr(store, name), d) for name, d in zip(_DERIVED, (3, 3, 6, 6))]
    return columns


class _Window:
    """Attribute access to a slice of every column of a store or its columns."""

    def __init__(self, source: Any, start: int, end: int | None) -> None:
        self._source, self._slice = source, slice(start, end)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._source, name)[self._slice]


def extras_object(model: Model, i: int) -> dict[str, Any]:
    """The keys a ``gc`` object gains from lines printed after it (Go 1.25+)."""
    out: dict[str, Any] = {}
    scan = model.extras.scan.get(i)
    if scan is not None:
        out["scan"] = {
            "total": None if scan.total is None else _scan_counts(scan.total),
            "classes": {name: _scan_counts(c) for name, c in scan.classes},
        }
    queues = model.extras.finalizers.get(i)
    if queues is not None:
        out["finalizer_queue"] = queues.finalizers
        out["cleanup_queue"] = queues.cleanups
    return out


def _scan_counts(counts: Any) -> dict[str, int]:
    return {k: v for k, v in dataclasses.asdict(counts).items() if v is not None}


def _extra_cells(model: Model, i: int) -> tuple[int | None, ...]:
    scan = model.extras.scan.get(i)
    total = scan.total if scan is not None else None
    queues = model.extras.finalizers.get(i)
    return (None if total is None else total.objs, None if total is None else total.spans,
            None if total is None else total.dense_spans,
            None if queues is None else queues.finalizers, None if queues is None else queues.cleanups)


def _floats(col: Any, digits: int) -> Iterable[float | None]:
    """A float32 column rounded back to ``digits`` decimals, NaN as None.

    float32 keeps 0.04 as 0.0399999991; rounding restores what the runtime
    printed. ``round(v * 10**d) / 10**d`` in C maps is three times quicker
    than ``round(v, d)`` but fails on NaN, so it serves only columns whose
    sum is finite (no NaN, no infinity anywhere).
    """
    scale = 10.0**digits
    if math.isfinite(sum(col)):
        return map(truediv, map(round, map(mul, col, repeat(scale))), repeat(scale))
    # v - v is 0 for every finite float, NaN for NaN and infinities.
    return (round(v * scale) / scale if v - v == 0 else None for v in col)


def _ints(col: Any, missing: int, convert: Callable[[int], Any] | None = None) -> Iterable[Any]:
    """An integer column with its sentinel as None (untouched when none occurs)."""
    if missing not in col:
        return col if convert is None else map(convert, col)
    if convert is None:
        return (None if v == missing else v for v in col)
    return (None if v == missing else convert(v) for v in col)


def export_jsonl(model: Model, out: TextIO) -> int:
    """Write every event of ``model`` as JSON lines in file order; return the count."""
    written = 0
    write = out.write
    for _, _, text in heapq.merge(_cycle_lines(model), _event_lines(model), key=_order):
        write(text)
        written += 1
    dumps = _COMPACT.encode
    samples: list[ProcessSample | HTTPSample] = [*model.process, *model.http]
    for sample in samples:
        for obj in sample_objects(sample):
            write(dumps(obj) + "\n")
            written += 1
    return written


def sample_objects(sample: ProcessSample | HTTPSample) -> list[dict[str, Any]]:
    """What gctui sampled of the program: one ``process`` object, or an
    ``expvar`` and/or a ``pprof_goroutine`` object for one HTTP poll."""
    when = {"wall_time": sample.wall_time, "t_s": sample.t_s}
    if isinstance(sample, ProcessSample):
        obj: dict[str, Any] = {"kind": "process", **when}
        obj.update((f.name, getattr(sample, f.name)) for f in dataclasses.fields(sample)
                   if f.name not in when)
        return [obj]
    return [{**event_object(e), **when} for e in (sample.expvar, sample.goroutines) if e is not None]


def export_csv(model: Model, out: TextIO) -> int:
    """Write one CSV row per cycle (with a header); return the row count.

    Missing values are empty cells; booleans ``true``/``false`` (pandas
    reads both as bool). Every cell is a number, a boolean or an era name,
    none of which needs CSV quoting, so a row is its JSON array without
    the brackets.
    """
    out.write(",".join(CSV_FIELDS) + "\n")
    rows = 0
    dumps = _COMPACT.encode
    extras = len(model.extras) > 0
    blank = "," * len(EXTRA_CSV_FIELDS)
    for row in cycle_rows(model):
        text = dumps(row)[1:-1]
        if extras:
            text += "," + dumps(_extra_cells(model, rows))[1:-1]
        else:
            text += blank
        out.write(text.replace("null", "").replace('"', "") + "\n")
        rows += 1
    return rows


def _order(item: tuple[int, int, str]) -> tuple[int, int]:
    return item[0], item[1]


def cycle_json(model: Model, start: int = 0, end: int | None = None) -> Iterator[tuple[int, str]]:
    """Cycles ``[start, end)`` as (line number, JSON text without its newline):
    ``kind`` ``gc``, the row's fields, and the keys the lines after it added
    (:func:`extras_object`).

    ``--jsonl`` writes 20,000 of these a second, and encoding a dict a cycle
    cost 10 us, most of it ``repr`` of fifteen floats. So each field's JSON
    text is made once per distinct value in a block of rows (a cycle's phases
    and sizes repeat a lot), by the same encoder as the dict's, and a row is
    one ``%`` of a template: half the cost, the same text. A few rows (a
    quiet program's batch) skip the per-field tables, which cost more than
    they save there: the row's JSON array is cut at its commas (no value
    holds one).
    """
    stop = len(model.cycles) if end is None else min(end, len(model.cycles))
    dumps = _COMPACT.encode
    extras = model.extras if len(model.extras) else None
    for lo in range(start, stop, _JSON_BLOCK):
        hi = min(lo + _JSON_BLOCK, stop)
        columns = _columns(model, lo, hi)
        if hi - lo < _FEW_ROWS:
            rows: Iterable[tuple[str, ...]] = (tuple(dumps(row)[1:-1].split(",")) for row in zip(*columns))
        else:
            rows = zip(*[[_unique_text(v) for v in col] if unique else list(map(_JsonTexts(dumps).__getitem__, col))
                         for col, unique in zip(columns, _UNIQUE)])
        line_nos = model.cycles.cols.line_no[lo:hi]
        for i, line_no, text in zip(range(lo, hi), line_nos, map(_CYCLE_TEMPLATE.__mod__, rows)):
            if extras is not None and (i in extras.scan or i in extras.finalizers):
                text = text[:-1] + "," + dumps(extras_object(model, i))[1:]
            yield line_no, text


_JSON_BLOCK = 4096  # rows a block: a few MB of text at most
_FEW_ROWS = 64  # fewer rows than this: no per-field tables (they cost more than they save)
# Fields nearly every cycle has its own value of: numbers and times, and
# what is derived from them. Their text is made directly (``repr`` is the
# JSON encoder's text for an int and a finite float; _floats and _ints give
# nothing else), not looked up.
_UNIQUE = tuple(name in {"n", "t_s", "line_no", "interval_s", "alloc_rate_mb_s", "gc_cpu", "assist_share"}
                for name in CYCLE_FIELDS)


def _unique_text(value: int | float | None) -> str:
    return "null" if value is None else repr(value)


_CYCLE_TEMPLATE = '{"kind":"gc",' + ",".join('"%s":%%s' % name for name in CYCLE_FIELDS) + "}"


class _JsonTexts(dict[Any, str]):
    """A value's JSON text, made once (one field: its values share one type,
    so 1 and True or 1 and 1.0, equal as keys, never meet)."""

    def __init__(self, dumps: Callable[[Any], str]) -> None:
        super().__init__()
        self._dumps = dumps

    def __missing__(self, value: Any) -> str:
        text = self[value] = self._dumps(value)
        return text


def _cycle_lines(model: Model) -> Iterator[tuple[int, int, str]]:
    """gc records as JSON lines, keyed for the merge by line."""
    for line_no, text in cycle_json(model):
        yield line_no, 1, text + "\n"


def _line_no(event: Any) -> int:
    return event.meta.line_no


def _event_lines(model: Model) -> Iterator[tuple[int, int, str]]:
    """The model's other events as JSON text, merged by line."""
    dumps = _COMPACT.encode
    # Segment 0 is the start of input, not an event; a boundary sorts before its line's record.
    segments = (event_object(Segment(line_no=s.line_no, index=s.index, reason=s.reason,
                                     previous=s.previous, current=s.current))
                for s in model.segments if s.index)
    streams: list[Iterator[tuple[int, int, str]]] = [
        ((s["line_no"], 0, dumps(s) + "\n") for s in segments)
    ]
    kinds: tuple[Iterable[Any], ...] = (model.sched, model.sched_detail, model.scavenger, model.pacer,
                                        model.gc_forced, model.notes, model.output, model.crashes,
                                        model.malformed)
    for events in kinds:
        # Nearly sorted already (timsort makes that one pass), but not quite:
        # a record given up as malformed is released after lines that followed it.
        ordered = sorted(events, key=_line_no)
        streams.append(((e.meta.line_no, 1, dumps(event_object(e)) + "\n") for e in ordered))
    return heapq.merge(*streams, key=_order)


def event_object(event: Any) -> dict[str, Any]:
    """A parser event as a JSON-ready dict: ``kind``, where it came from, its fields."""
    obj: dict[str, Any] = {"kind": event.kind}
    meta = getattr(event, "meta", None)
    if meta is not None:
        obj["line_no"] = meta.line_no
        for name in ("prefix", "wall_time", "stream", "source"):
            value = getattr(meta, name)
            if value:
                obj[name] = value
        if event.kind == "malformed":
            obj["raw"] = meta.raw  # the only place its text is kept
    for f in dataclasses.fields(event):
        if f.name != "meta":
            obj[f.name] = _json_value(f.name, getattr(event, f.name))
    return obj


def _json_value(name: str, value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):  # a record inside a sample
        return {f.name: _json_value(f.name, getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, tuple):
        if name in _PAIR_FIELDS:
            return {str(k): _json_value("", v) for k, v in value}
        return [_json_value("", v) for v in value]
    return value
