"""The ``gctui`` command line.

Subcommands appear here only once they work; ``--help`` lists exactly what
this version can do. Errors the user can fix (a missing file, a bad flag) end
with one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import Any, Callable, Sequence

from tui import __version__
from tui.cli import streams
from tui.analysis.thresholds import help_text

DESCRIPTION = (
    "Watch the Go garbage collector: reads what the runtime prints under "
    "GODEBUG=gctrace=1,schedtrace=... and turns it into cycles, pauses, heap "
    "goals and findings."
)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"gctui: {message} (see {self.prog} --help)\n")

    def _print_message(self, message: str, file: Any = None) -> None:
        # argparse drops a failed write (--help > /dev/full would say
        # nothing and exit 0); let main() report it like any other output.
        if message:
            (file or sys.stderr).write(message)


SOURCE_HELP = "a saved log: a file, a .gz file, or - for stdin"
THRESHOLD_HELP = "move a finding's threshold, e.g. stw-long.ms=5 (repeatable; all are listed below)"


def _command(name: str) -> Callable[[argparse.Namespace], int]:
    """The handler in tui.cli.commands, imported only when the command runs
    (``gctui --help`` stays quick and needs none of the model)."""

    def run(args: argparse.Namespace) -> int:
        from tui.cli import commands

        handler: Any = getattr(commands, name)
        return int(handler(args))

    return run


def _threshold_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--threshold", action="append", default=[], metavar="NAME=VALUE", help=THRESHOLD_HELP)


def _wrap(text: str) -> str:
    """Wrapped by hand: the raw formatter that keeps the threshold table keeps this too."""
    return textwrap.fill(text, 78)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gctui", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"gctui {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)

    # Every threshold and its default, under the commands that take them.
    listed: dict[str, Any] = {"epilog": help_text(), "formatter_class": argparse.RawDescriptionHelpFormatter}
    report = sub.add_parser(
        "report",
        **listed,
        help="summarise a saved log: cycles, pauses, GC CPU, heap, findings",
        description=_wrap(
            "Read a saved log to its end and summarise it: lines per kind, GC cycles, "
            "stop-the-world pause p50/p99/max, GC CPU, live heap and goal, goroutines, findings."
        ),
    )
    report.add_argument("source", metavar="SOURCE", nargs="+",
                        help=SOURCE_HELP + " Several logs are several sources (e.g. one pod's each).")
    report.add_argument("--json", action="store_true", help="print the summary as JSON")
    _threshold_option(report)
    report.set_defaults(handler=_command("report"))

    export = sub.add_parser(
        "export",
        help="write every parsed event as JSON lines, or one CSV row per cycle",
        description="Write a saved log out again: every event as one JSON object per line "
        "(jsonl), or one CSV row per GC cycle with derived columns, ready for pandas (csv).",
    )
    export.add_argument("source", metavar="SOURCE", help=SOURCE_HELP)
    export.add_argument("--format", choices=("jsonl", "csv", "openmetrics"), default="jsonl",
                        help="default: jsonl; openmetrics: the log's metrics as Prometheus reads them")
    export.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    export.set_defaults(handler=_command("export"))

    compare = sub.add_parser(
        "compare",
        **listed,
        help="two logs side by side: before and after a change",
        description=_wrap(
            "Compare two logs (or saved `report --json` files): STW pause p99, GC "
            "interval, cycles per minute, GC CPU, peak live heap and heap goal, with absolute and "
            "relative change, and which findings were resolved or are new."
        ),
    )
    compare.add_argument("before", metavar="BEFORE", help=SOURCE_HELP)
    compare.add_argument("after", metavar="AFTER", help=SOURCE_HELP)
    compare.add_argument("--json", action="store_true", help="print the comparison as JSON")
    _threshold_option(compare)
    compare.set_defaults(handler=_command("compare"))
    _live_commands(sub)
    _escape_commands(sub)
    _whatif_command(sub)
    return parser


def _live(name: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from tui.cli import live

        handler: Any = getattr(live, name)
        return int(handler(args))

    return run


def _session_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jsonl", action="store_true",
                        help="no view: print every event as a JSON line as it arrives")
    parser.add_argument("--report", action="store_true",
                        help="no view: print the summary when the source ends (or on Ctrl-C)")
    parser.add_argument("--json", action="store_true", help="with --report: the summary as JSON")
    parser.add_argument("--plain", action="store_true",
                        help="a plain-text live view instead of the terminal UI (the default off a terminal)")
    parser.add_argument("--metrics", metavar="HOST:PORT", type=_metrics_address,
                        help="serve Prometheus /metrics here while gctui runs (e.g. 127.0.0.1:9464)")
    _threshold_option(parser)


def _metrics_address(text: str) -> str:
    from tui.cli.metrics import parse_address

    try:
        parse_address(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e).removeprefix(f"--metrics {text}: ")) from None
    return text


def _positive_ms(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of milliseconds: {text}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be above 0: {text}")
    return value


def _live_commands(sub: Any) -> None:
    run = sub.add_parser(
        "run", help="launch a Go program with GC tracing on and watch it",
        description=_wrap("Start CMD with GODEBUG=gctrace=1,schedtrace=... merged into its "
                          "environment (your own GODEBUG entries are kept; GOGC, GOMEMLIMIT and "
                          "GOMAXPROCS pass through), capture its stdout and stderr, and watch it. "
                          "`go run PKG` is built first, so the go command's own GC lines stay out."),
        usage="gctui run [options] -- CMD [ARGS...]",
        epilog=_wrap("Exit status: with --report, --jsonl or --plain, the program's own (128+N when "
                     "signal N killed it, 0 when you stopped it with Ctrl-C); 2 when `go run` fails "
                     "to build (the compiler's message goes to stderr) or gctui cannot start CMD. "
                     "The terminal UI exits 0 when you quit with q. If GODEBUG in the environment "
                     "turns gctrace off, gctui turns it back on and says so."),
    )
    run.add_argument("--schedtrace", type=_positive_ms, default=1000, metavar="MS",
                     help="scheduler trace period (default 1000)")
    run.add_argument("--scheddetail", action="store_true",
                     help="goroutine counts by state and wait reason (scheddetail=1)")
    run.add_argument("--scavtrace", action="store_true", help="scavenger trace (scavtrace=1)")
    run.add_argument("--pacertrace", action="store_true", help="GC pacer trace (gcpacertrace=1)")
    run.add_argument("--stdin", metavar="FILE", help="the program's stdin (default /dev/null)")
    _run_escape_options(run)
    _session_options(run)
    run.add_argument("command", nargs=argparse.REMAINDER, metavar="-- CMD [ARGS...]")
    run.set_defaults(handler=_live("run"))

    attach = sub.add_parser(
        "attach", help="watch a Go process that is already running",
        description=_wrap("Gather what can be had from a running process without restarting "
                          "it: its Go version and settings, its stderr when that is a file, and "
                          "expvar/pprof when it serves them. Says how to restart it with tracing "
                          "when its output cannot be read."),
    )
    attach.add_argument("pid", type=int, metavar="PID")
    attach.add_argument("--http", metavar="ADDR", help="where it serves expvar/pprof (host:port)")
    attach.add_argument("--log", metavar="FILE", help="the file its stderr goes to")
    attach.add_argument("--from-start", action="store_true", help="read that file's history too")
    _session_options(attach)
    attach.set_defaults(handler=_live("attach"))

    open_ = sub.add_parser(
        "open", help="open a log and follow it as it grows (also: gctui FILE, gctui -)",
        description=_wrap("Open a saved log and keep following it (truncation and rotation "
                          "included); - reads standard input, e.g. kubectl logs -f pod | gctui -."),
    )
    open_.add_argument("file", metavar="FILE", help="a log file, a .gz file (read, not followed), or -")
    open_.add_argument("--no-follow", action="store_true", help="stop at the end of the file")
    open_.add_argument("--wait", action="store_true", help="wait for a file that does not exist yet")
    _session_options(open_)
    open_.set_defaults(handler=_live("open_"))

    demo = sub.add_parser(
        "demo", help="replay a real capture of a Go program with a story (the default)",
        description=_wrap("Replay a capture bundled with gctui, recorded from a Go program that "
                          "runs steady, leaks, storms and piles up goroutines; --live builds and "
                          "runs that program with your Go toolchain instead."),
    )
    demo.add_argument("--speed", type=float, default=1.0, metavar="N", help="replay N times faster")
    demo.add_argument("--live", action="store_true", help="build and run the demo program (needs go)")
    _session_options(demo)
    demo.set_defaults(handler=_live("demo"))


def _escape_commands(sub: Any) -> None:
    from tui.cli.escapes import add_parser

    add_parser(sub)


def _whatif_command(sub: Any) -> None:
    from tui.cli.whatif import add_parser

    add_parser(sub)


def _src_dir(text: str) -> str:
    import os

    if not os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"not a directory: {text}")
    return text


def _http_addr(text: str) -> str:
    from tui.sources.httppoll import loopback_base

    try:
        loopback_base(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e).removeprefix(f"--http {text}: ")) from None
    return text


def _run_escape_options(run: argparse.ArgumentParser) -> None:
    """Where the escape hints panel finds the program's source and its pprof."""
    run.add_argument("--src", type=_src_dir, metavar="DIR",
                     help="the program's main package, for escape hints (default: found from CMD)")
    run.add_argument("--http", type=_http_addr, metavar="ADDR",
                     help="where the program serves net/http/pprof (host:port), to rank escape hints")


_COMMANDS = ("report", "export", "compare", "run", "attach", "open", "demo", "escapes", "whatif")


def _shorthand(argv: list[str]) -> list[str]:
    """``gctui`` alone is the demo; ``gctui FILE`` and ``gctui -`` open a log."""
    if not argv:
        return ["demo"]
    first = argv[0]
    if first == "-" or (first not in _COMMANDS and not first.startswith("-")):
        return ["open", *argv]
    return argv


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its exit status. A failed write to stdout or stderr
    is one line (or, for a closed pipe, nothing), never a traceback."""
    streams.prepare()
    try:
        code = _run(build_parser(), list(sys.argv[1:] if argv is None else argv))
        streams.flush_stdout()  # a full disk is found here, not at exit
        return code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return streams.closed_pipe()
    except OSError as err:
        return streams.output_failed(err)


def _run(parser: argparse.ArgumentParser, argv: list[str]) -> int:
    try:
        args = parser.parse_args(_shorthand(argv))
    except SystemExit:  # --help, --version, a usage error: printed, but maybe not yet written
        streams.flush_stdout()  # a failure here is main()'s OSError, not a silent exit
        raise
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 0
    return int(handler(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
