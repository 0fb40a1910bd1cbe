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
from tui.thresholds import help_text

DESCRIPTION = (
    "Watch the Go garbage collector: reads what the runtime prints under "
    "GODEBUG=gctrace=1,schedtrace=... and turns it into cycles, pauses, heap "
    "goals and findings."
)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"gctui: {message} (see {self.prog} --help)\n")


SOURCE_HELP = "a saved log: a file, a .gz file, or - for stdin"
THRESHOLD_HELP = "move a finding's threshold, e.g. stw-long.ms=5 (repeatable; all are listed below)"


def _command(name: str) -> Callable[[argparse.Namespace], int]:
    """The handler in tui.commands, imported only when the command runs
    (``gctui --help`` stays quick and needs none of the model)."""

    def run(args: argparse.Namespace) -> int:
        from tui import commands

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
    report.add_argument("source", metavar="SOURCE", help=SOURCE_HELP)
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
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl", help="default: jsonl")
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 0
    try:
        return int(handler(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
