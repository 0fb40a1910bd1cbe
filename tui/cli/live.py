"""What ``gctui run``, ``attach``, ``open``/``FILE``/``-`` and ``demo`` do.

Each builds a source from its arguments and runs it. With ``--jsonl`` or
``--report`` the session is headless (:mod:`tui.cli.headless`); otherwise the
terminal UI (:mod:`tui.ui.app`) follows it, or with ``--plain`` (or no terminal)
the text view of :mod:`tui.cli.plain`.
Errors the user can fix are one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from tui.cli.commands import one_line_errors
from tui.ingest.runner import Runner
from tui.sanitize import terminal_stream
from tui.sources.base import SourceError
from tui.analysis.thresholds import Thresholds

if TYPE_CHECKING:
    from tui.analysis.findings import Finding
    from tui.model import Model
    from tui.cli.metrics import MetricsServer


def _wants_app(args: argparse.Namespace, *, keys_from_tty: bool = False) -> bool:
    """The terminal UI, unless asked for text or not on a terminal (the
    screen is stdout, the keys stdin; ``keys_from_tty``: stdin carries data
    and keys will come from /dev/tty instead)."""
    if args.jsonl or args.report or getattr(args, "plain", False):
        return False
    if not _isatty(sys.stdout):
        return False
    return keys_from_tty or _isatty(sys.stdin)


def _isatty(stream: object) -> bool:
    try:
        return bool(stream is not None and stream.isatty())  # type: ignore[attr-defined]
    except (ValueError, OSError):
        return False


def _session(runner: Runner, args: argparse.Namespace) -> int:
    """Hand the runner to the front end the arguments ask for, with
    ``/metrics`` served beside it when asked."""
    thresholds = Thresholds.from_overrides(getattr(args, "threshold", []) or [])
    server = _metrics(runner, args.metrics, thresholds) if getattr(args, "metrics", None) else None
    try:
        return _front_end(runner, args, thresholds)
    finally:
        if server is not None:
            server.close()


def _metrics(runner: Runner, address: str, thresholds: Thresholds) -> MetricsServer:
    """Start ``/metrics`` on ``address`` over the runner's model; say where."""
    from tui.analysis.findings import FindingsEngine
    from tui.cli.metrics import MetricsServer, ModelCollector, registry_for

    engines: dict[str, FindingsEngine] = {}  # the live findings of each source: its newest window

    def findings(name: str, model: Model) -> list[Finding]:
        return engines.setdefault(name, FindingsEngine(thresholds)).update(model)

    collector = ModelCollector(lambda: _models(runner), findings, lock=runner.lock)
    try:
        server = MetricsServer(registry_for(collector), address)
    except OSError as e:
        raise SourceError(f"gctui: cannot serve --metrics on {address}: {e.strerror or e}") from None
    print(f"gctui: Prometheus metrics at http://{server.address}/metrics", file=sys.stderr, flush=True)
    return server


def _models(runner: Runner) -> dict[str, Model]:
    """Each pod's model when the stream interleaves several (stern, kubectl
    --prefix): a series per pod, none pooled that a sum would count twice;
    else the one model, under the input's name."""
    if runner.sources:
        return dict(runner.sources)
    return {runner.model.env.description or runner.source.description: runner.model}


def _front_end(runner: Runner, args: argparse.Namespace, thresholds: Thresholds) -> int:
    if _wants_app(args):
        from tui.ui.app import run_app

        runner.tail_first = True
        src_dir = getattr(args, "src", None)
        if runner.kind == "demo" and src_dir is None:
            from tui.demo.record import DEMO_DIR

            src_dir = str(DEMO_DIR)  # the demo program's own source ships with gctui
        return run_app(runner, thresholds=thresholds, full_scan=runner.kind in ("file", "loaded"),
                       src_dir=src_dir, http=getattr(args, "http", None))
    if args.jsonl or args.report:
        from tui.cli.headless import run_headless

        # JSON lines and a JSON report keep every character, \u-escaped; a
        # text report shows control characters as ^[ and the like.
        out = terminal_stream(sys.stdout, json=args.jsonl or args.json)
        return run_headless(runner, jsonl=args.jsonl, report=args.report, as_json=args.json,
                            thresholds=thresholds, out=out)
    from tui.cli.plain import PlainView

    runner.tail_first = True
    return PlainView(runner, thresholds=thresholds, out=terminal_stream(sys.stdout)).run()


@one_line_errors
def run(args: argparse.Namespace) -> int:
    from tui.sources.process import ProcessSource

    argv = list(args.command)
    if argv and argv[0] == "--":
        argv = argv[1:]
    source = ProcessSource(
        argv,
        schedtrace_ms=args.schedtrace,
        scheddetail=args.scheddetail,
        scavtrace=args.scavtrace,
        pacertrace=args.pacertrace,
        stdin_path=args.stdin,
    )
    status = _session(Runner(source, kind="process"), args)
    if status != 0 or _wants_app(args):
        return status  # the terminal UI exits 0 when the user quits
    # Headless: the program's own status (see ProcessSource.exit_code), so
    # `gctui run --report -- ./bench` fails a CI job when the bench fails.
    return source.exit_code or 0


@one_line_errors
def attach(args: argparse.Namespace) -> int:
    from tui.sources.attach import AttachSource

    source = AttachSource(args.pid, http=args.http, log=args.log, from_start=args.from_start)
    return _session(Runner(source, kind="attach"), args)


@one_line_errors
def open_(args: argparse.Namespace) -> int:
    """``gctui FILE``, ``gctui -``: one open for every kind of input."""
    from tui.ingest.inputs import open_input

    follow = not args.no_follow
    if args.file == "-":
        if sys.stdin is not None and _isatty(sys.stdin):
            raise SourceError("gctui: - reads a log from a pipe (kubectl logs -f pod | gctui -), "
                              "but standard input is the terminal")
        log = open_input("-")
        if _wants_app(args, keys_from_tty=True):
            data = _keyboard_from_tty()
            if data is None:
                args.plain = True  # no terminal to read keys from: the text view
            else:
                log = open_input("-", stdin_fd=data)
        return _session(Runner(log=log, kind="pipe", follow=follow), args)
    log = open_input(args.file, wait=args.wait)
    return _session(Runner(log=log, kind="file", follow=follow), args)


def _keyboard_from_tty() -> int | None:
    """``kubectl logs -f pod | gctui -``: the log comes on stdin, but the app
    reads keys from stdin too. Move the log to another descriptor and put
    the terminal on stdin; returns the log's descriptor (None: no terminal)."""
    try:
        tty = os.open("/dev/tty", os.O_RDWR)
    except OSError:
        return None
    data = os.dup(0)
    os.dup2(tty, 0)
    os.close(tty)
    return data


@one_line_errors
def demo(args: argparse.Namespace) -> int:
    from tui.demo.replay import ReplaySource

    source = ReplaySource(speed=args.speed)  # checks --speed for both modes
    if not args.live:
        return _session(Runner(source, kind="demo"), args)
    from tui.sources.process import ProcessSource

    if shutil.which("go") is None:
        raise SourceError("gctui: demo --live needs the Go toolchain (go) on PATH; "
                          "plain `gctui demo` replays a capture without it")
    from tui.demo.record import DEMO_DIR

    # The package's own directory may be read-only: build from a copy.
    work = Path(tempfile.mkdtemp(prefix="gctui-demo-"))
    for name in ("go.mod", "main.go"):
        shutil.copy(DEMO_DIR / name, work / name)
    act = f"{max(1, round(12 / args.speed))}s"
    program = ProcessSource(["go", "run", ".", "-act", act], scheddetail=True, cwd=os.fspath(work))
    try:
        return _session(Runner(program, kind="process"), args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
