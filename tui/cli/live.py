"""What ``gctui run``, ``attach``, ``open``/``FILE``/``-`` and ``demo`` do.

Each builds a source from its arguments and runs it. With ``--jsonl`` or
``--report`` the session is headless (:mod:`tui.ingest.headless`); otherwise the
terminal UI (:mod:`tui.ui.app`) follows it, or with ``--plain`` (or no terminal)
the text view of :mod:`tui.cli.plain`.
Errors the user can fix are one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

from tui.cli.commands import one_line_errors
from tui.ingest.feed import Feeder
from tui.sanitize import terminal_stream
from tui.sources.base import Source, SourceError
from tui.analysis.thresholds import Thresholds


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


def _session(source: Source, args: argparse.Namespace, feeder: Feeder | None = None, *,
             kind: str = "process", loader: object = None) -> int:
    thresholds = Thresholds.from_overrides(getattr(args, "threshold", []) or [])
    if _wants_app(args):
        from tui.ui.app import run_app
        from tui.ingest.session import Session

        session = Session(source, kind=kind, feeder=feeder, loader=loader,  # type: ignore[arg-type]
                          follow=not getattr(args, "no_follow", False))
        src_dir = getattr(args, "src", None)
        if kind == "demo" and src_dir is None:
            from tui.demo.record import DEMO_DIR

            src_dir = str(DEMO_DIR)  # the demo program's own source ships with gctui
        return run_app(session, thresholds=thresholds, full_scan=loader is not None or kind == "loaded",
                       src_dir=src_dir, http=getattr(args, "http", None))
    if args.jsonl or args.report:
        from tui.ingest.headless import Headless

        # JSON lines and a JSON report keep every character, \u-escaped; a
        # text report shows control characters as ^[ and the like.
        out = terminal_stream(sys.stdout, json=args.jsonl or args.json)
        return Headless(source, jsonl=args.jsonl, report=args.report, as_json=args.json,
                        thresholds=thresholds, out=out, feeder=feeder).run()
    from tui.cli.plain import PlainView

    return PlainView(source, thresholds=thresholds, out=terminal_stream(sys.stdout), feeder=feeder).run()


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
    status = _session(source, args, kind="process")
    if status != 0 or _wants_app(args):
        return status  # the terminal UI exits 0 when the user quits
    # Headless: the program's own status (see ProcessSource.exit_code), so
    # `gctui run --report -- ./bench` fails a CI job when the bench fails.
    return source.exit_code or 0


@one_line_errors
def attach(args: argparse.Namespace) -> int:
    from tui.sources.attach import AttachSource

    source = AttachSource(args.pid, http=args.http, log=args.log, from_start=args.from_start)
    return _session(source, args, kind="attach")


@one_line_errors
def open_(args: argparse.Namespace) -> int:
    if args.file == "-":
        from tui.sources.stdin import PipeSource

        if sys.stdin is None:
            raise SourceError("gctui: no standard input to read")
        if _isatty(sys.stdin):
            raise SourceError("gctui: - reads a log from a pipe (kubectl logs -f pod | gctui -), "
                              "but standard input is the terminal")
        if _wants_app(args, keys_from_tty=True):
            data = _keyboard_from_tty()
            if data is not None:
                return _session(PipeSource(data), args, kind="pipe")
            args.plain = True  # no terminal to read keys from: the text view
        return _session(PipeSource(sys.stdin.buffer), args, kind="pipe")
    from tui.sources.files import check_source, is_gzip
    from tui.sources.follow import FileSource

    if args.wait:
        return _session(FileSource(args.file, follow=not args.no_follow, wait=True), args, kind="file")
    st = check_source(args.file)  # a missing file is an error now, not after the banner
    with open(args.file, "rb") as f:
        compressed = is_gzip(f.read(2), args.file)
    if compressed or st is None or not stat.S_ISREG(st.st_mode):
        return _session(FileSource(args.file, follow=not args.no_follow), args, kind="file")
    # A regular file: what is there now is read in bulk on every core, then
    # followed from where that read stopped.
    from tui.ingest.bigfile import TailFirstLoader, continue_feeder, tail_first_wanted

    if _wants_app(args):
        # The app shows the newest cycles, then loading progress, then follows.
        loader = TailFirstLoader(args.file)
        return _session(FileSource(args.file, follow=False), args, kind="file", loader=loader)
    live_view = not (args.jsonl or args.report)
    with TailFirstLoader(args.file) as loader:
        if live_view and tail_first_wanted(args.file):
            _show_tail_first(loader)
        model = loader.full_model(progress=_progress if live_view else None)
        assert loader.full_result is not None
        feeder = continue_feeder(model, loader.full_result)
        source = loader.follow_source(follow=not args.no_follow)
    return _session(source, args, feeder, kind="file")


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


def _show_tail_first(loader: object) -> None:
    """A big file: its newest cycles at once, then the rest with progress."""
    from tui.cli.plain import status_line

    tail = loader.tail_model()  # type: ignore[attr-defined]
    print(f"gctui: {loader.path}: the newest cycles while the rest loads:")  # type: ignore[attr-defined]
    print("  " + status_line(tail), flush=True)


def _progress(done: int, total: int) -> None:
    print(f"gctui: loaded {done * 100 // max(total, 1)}% ({done >> 20} of {total >> 20} MiB)",
          file=sys.stderr, flush=True)


@one_line_errors
def demo(args: argparse.Namespace) -> int:
    from tui.demo.replay import ReplaySource

    source = ReplaySource(speed=args.speed)  # checks --speed for both modes
    if not args.live:
        return _session(source, args, kind="demo")
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
    source = ProcessSource(["go", "run", ".", "-act", act], scheddetail=True, cwd=os.fspath(work))
    try:
        return _session(source, args, kind="process")
    finally:
        shutil.rmtree(work, ignore_errors=True)
