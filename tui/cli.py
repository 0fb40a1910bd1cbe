"""The ``gctui`` command line.

Subcommands appear here only once they work; ``--help`` lists exactly what
this version can do. Errors the user can fix (a missing file, a bad flag) end
with one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from tui import __version__

DESCRIPTION = (
    "Watch the Go garbage collector: reads what the runtime prints under "
    "GODEBUG=gctrace=1,schedtrace=... and turns it into cycles, pauses, heap "
    "goals and findings."
)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"gctui: {message} (see gctui --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gctui", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"gctui {__version__}")
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
