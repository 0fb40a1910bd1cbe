"""gctui's model as Prometheus metrics: ``export --format openmetrics`` and
``--metrics HOST:PORT`` on every live mode.

People who watch a fleet already have Prometheus and Grafana; the Go
runtime's own exporters publish ``go_gc_duration_seconds`` and the
``runtime/metrics`` families, but nothing turns the richer gctrace stream
into metrics. This collector does, per source (label ``source``): the cycles
read, the stop-the-world pause split by phase as a histogram, GC CPU over
the last minute as the runtime counts it, live heap against goal and limit,
goroutines, and gctui's findings. ``prometheus_client`` writes the
exposition; nothing here formats it by hand.

The collector reads the model when scraped, under the runner's lock, so a
scrape costs one pass over the columns (numpy, milliseconds at a million
cycles) and nothing is kept twice.
"""

from __future__ import annotations

import contextlib
from typing import Callable, Iterator, Mapping

from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector, CollectorRegistry

from tui.analysis.findings import Finding
from tui.model import Model
from tui.model import gccpu
from tui.model.arrays import numpy

# Bucket bounds of the pause histogram, in seconds: from a healthy
# sub-millisecond stop-the-world to the 100 ms that users notice.
PAUSE_BUCKETS_S = (0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                   0.025, 0.05, 0.1, 0.25)
GC_CPU_WINDOW_S = 60.0
PHASES = (("sweep_termination", "stw_sweep_term_ms"), ("mark_termination", "stw_mark_term_ms"))
MB = 1 << 20  # the runtime's "MB" are MiB

Models = Callable[[], Mapping[str, Model]]
Findings = Callable[[str, Model], list[Finding]]


class ModelCollector(Collector):
    """Metrics of every source's model, computed at scrape time."""

    def __init__(self, models: Models, findings: Findings, lock: contextlib.AbstractContextManager[object] | None = None) -> None:
        """``models()`` names each source's model; ``findings(name, model)``
        gives the findings active for it; ``lock`` guards the models while
        a source thread writes them."""
        self.models = models
        self.findings = findings
        self.lock = lock if lock is not None else contextlib.nullcontext()

    def collect(self) -> Iterator[Metric]:
        cycles = CounterMetricFamily("gctui_gc_cycles", "GC cycles read from the gctrace lines.",
                                     labels=["source"])
        pauses = HistogramMetricFamily(
            "gctui_gc_stw_pause_seconds",
            "Stop-the-world pause of each GC cycle by phase (sweep termination, mark termination), "
            "as gctrace prints it. Go's own exporter has go_gc_duration_seconds (both phases summed).",
            labels=["source", "phase"])
        cpu = GaugeMetricFamily(
            "gctui_gc_cpu_ratio",
            f"Share of the CPU the GC used over the last {GC_CPU_WINDOW_S:.0f} s of cycles, counted as "
            "the runtime counts GCCPUFraction (mark assists in, idle mark workers out).",
            labels=["source"])
        live = GaugeMetricFamily("gctui_heap_live_bytes",
                                 "Live heap marked by the last GC cycle (gctrace's third MB figure).",
                                 labels=["source"])
        goal = GaugeMetricFamily("gctui_heap_goal_bytes",
                                 "Heap goal of the last GC cycle. OpenTelemetry: go.memory.gc.goal.",
                                 labels=["source"])
        limit = GaugeMetricFamily("gctui_memory_limit_bytes",
                                  "GOMEMLIMIT, when gctui knows it. OpenTelemetry: go.memory.limit.",
                                  labels=["source"])
        goroutines = GaugeMetricFamily(
            "gctui_goroutines",
            "Goroutines in the last scheduler snapshot (scheddetail), the runtime's own included. "
            "OpenTelemetry: go.goroutine.count.", labels=["source"])
        procs = GaugeMetricFamily(
            "gctui_gomaxprocs",
            "GOMAXPROCS of the last GC cycle (its gc line's N P); Go 1.25+ may change it while "
            "the program runs (container-aware GOMAXPROCS).", labels=["source"])
        queues = GaugeMetricFamily(
            "gctui_finalizer_queue_length",
            "Finalizers (queue=finalizers) and cleanups (queue=cleanups) waiting after the last "
            "GC cycle, from GODEBUG=checkfinalizers=1 (Go 1.25+).", labels=["source", "queue"])
        scanned = GaugeMetricFamily(
            "gctui_gc_scanned_objects",
            "Objects the last GC cycle with gctrace=2 scan statistics scanned (Go 1.25+).",
            labels=["source"])
        findings = GaugeMetricFamily("gctui_finding",
                                     "1 for each finding gctui holds now about the source.",
                                     labels=["source", "id", "severity"])
        with self.lock:
            for name, model in self.models().items():
                store = model.cycles
                count = len(store.assist_share)  # the last column written: every row below is whole
                cycles.add_metric([name], count)
                for phase, column in PHASES:
                    buckets, total = _histogram(getattr(store.cols, column), count)
                    pauses.add_metric([name, phase], buckets, total)
                if count:
                    share = _recent_cpu(model, count)
                    if share is not None:
                        cpu.add_metric([name], share)
                    last = store.cycle(count - 1)
                    if last.heap_live_mb is not None:
                        live.add_metric([name], last.heap_live_mb * MB)
                    if last.heap_goal_mb is not None:
                        goal.add_metric([name], last.heap_goal_mb * MB)
                    if last.procs:
                        procs.add_metric([name], last.procs)
                    _extras(model, name, count, queues, scanned)
                if model.env.gomemlimit_b:
                    limit.add_metric([name], model.env.gomemlimit_b)
                snap = model.latest_sched()
                if snap is not None and snap.goroutines is not None:
                    goroutines.add_metric([name], snap.goroutines)
                for f in self.findings(name, model):
                    findings.add_metric([name, f.id, f.severity], 1)
        yield from (cycles, pauses, cpu, live, goal, limit, goroutines, procs, queues, scanned, findings)


def _extras(model: Model, name: str, count: int, queues: GaugeMetricFamily, scanned: GaugeMetricFamily) -> None:
    """The newest queue lengths and scan total among the first ``count`` cycles."""
    extras = model.extras
    if extras.finalizers:
        last = max((i for i in extras.finalizers if i < count), default=None)
        if last is not None:
            q = extras.finalizers[last]
            queues.add_metric([name, "finalizers"], q.finalizers)
            queues.add_metric([name, "cleanups"], q.cleanups)
    if extras.scan:
        last = max((i for i in extras.scan if i < count and extras.scan[i].total is not None), default=None)
        if last is not None:
            total = extras.scan[last].total
            assert total is not None
            scanned.add_metric([name], total.objs)


def _histogram(column: object, count: int) -> tuple[list[tuple[str, float]], float]:
    """Cumulative buckets and the sum, in seconds, of the first ``count``
    values of a pause column in ms (missing values, NaN, left out)."""
    np = numpy()
    ms = np.frombuffer(column, dtype=np.float32, count=count) if count else np.zeros(0, np.float32)  # type: ignore[call-overload]
    ms = ms[np.isfinite(ms)].astype(np.float64)
    seconds = np.sort(ms / 1000.0)
    bounds = np.asarray(PAUSE_BUCKETS_S)
    below = np.searchsorted(seconds, bounds, side="right")
    buckets = [(repr(float(b)), float(n)) for b, n in zip(bounds, below)]
    buckets.append(("+Inf", float(len(seconds))))
    return buckets, float(seconds.sum())


def _recent_cpu(model: Model, count: int) -> float | None:
    """GC CPU over the cycles of the last :data:`GC_CPU_WINDOW_S` of the
    newest run, as the report and the findings compute it."""
    store = model.cycles
    t = store.cols.t_ms
    seg = store.cols.segment
    last_seg, end_ms = seg[count - 1], t[count - 1]
    first = count - 1
    while first > 0 and seg[first - 1] == last_seg and end_ms - t[first - 1] <= GC_CPU_WINDOW_S * 1000:
        first -= 1
    return gccpu.span(store, range(first, count), window=True).share


def registry_for(collector: ModelCollector) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    return registry


def openmetrics_text(registry: CollectorRegistry) -> str:
    """The OpenMetrics text exposition of everything ``registry`` holds."""
    from prometheus_client.openmetrics.exposition import generate_latest

    return generate_latest(registry).decode("utf-8")


class MetricsServer:
    """``/metrics`` over HTTP while gctui runs (``--metrics HOST:PORT``)."""

    def __init__(self, registry: CollectorRegistry, address: str) -> None:
        from prometheus_client import start_http_server

        host, port = parse_address(address)
        self.server, self.thread = start_http_server(port, addr=host, registry=registry)
        self.address = f"{host}:{self.server.server_port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=2)


def parse_address(address: str) -> tuple[str, int]:
    """``HOST:PORT`` (or ``:PORT``, meaning loopback); a bad one is a ValueError."""
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit() or int(port) > 65535:
        raise ValueError(f"--metrics {address}: expected HOST:PORT, e.g. 127.0.0.1:9464")
    return (host.strip("[]") or "127.0.0.1"), int(port)

