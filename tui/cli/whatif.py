"""``gctui whatif LOG --gogc N [--memlimit SIZE] [--nonheap SIZE] [--json]``: the observed
workload replayed under another GC setting (:mod:`tui.analysis.whatif`).

A log the model cannot support (no live heap, a pre-1.18 format, a limit
the live heap does not fit in) is one line on stderr and exit status 2,
like every error a user can act on.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

_UNITS = {"": 1, "b": 1, "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40}


def memlimit_mb(text: str) -> float:
    """A GOMEMLIMIT value as Go reads it (bytes, or a KiB/MiB/GiB/TiB suffix), in MiB."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", text)
    if not m or m.group(2).lower() not in _UNITS:
        raise argparse.ArgumentTypeError(f"not a memory size like GOMEMLIMIT takes (e.g. 512MiB): {text}")
    value = float(m.group(1)) * _UNITS[m.group(2).lower()] / (1 << 20)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be above 0: {text}")
    return value


def gogc_value(text: str) -> float | None:
    """GOGC as Go reads it: a percentage, or ``off`` (None)."""
    if text.strip().lower() == "off":
        return None
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a GOGC value (a percentage or off): {text}") from None
    if value <= 0 or value != value or value == float("inf"):
        raise argparse.ArgumentTypeError(f"GOGC must be above 0 (or off): {text}")
    return value


def add_parser(sub: Any) -> None:
    """Declare the command (called from :mod:`tui.cli.main`)."""
    parser = sub.add_parser(
        "whatif", help="predict cycles, GC CPU and peak heap under another GOGC / GOMEMLIMIT",
        description="Replay the workload a saved log shows (its allocation rate, live heap, stacks "
        "and globals, mark cost per live MB) under another GOGC and memory limit, with the Go 1.18+ "
        "pacer's model from the GC guide; prints the prediction next to what was observed and a "
        "table over GOGC=50, 100, 200, 400 and GOGC=off with a limit.",
    )
    parser.add_argument("source", metavar="LOG", help="a saved log: a file, a .gz file, or - for stdin")
    parser.add_argument("--gogc", type=gogc_value, required=True, metavar="N",
                        help="the GOGC to predict for (a percentage, or off)")
    parser.add_argument("--memlimit", type=memlimit_mb, metavar="SIZE",
                        help="a memory limit as GOMEMLIMIT takes it, e.g. 64MiB")
    parser.add_argument("--nonheap", type=memlimit_mb, metavar="SIZE",
                        help="the runtime's memory besides heap objects (GC metadata, stacks, ...: "
                        "MemStats.Sys minus HeapInuse), which gctrace does not print; default: "
                        "measured from limit-bound cycles, else stacks + 9 MB")
    parser.add_argument("--json", action="store_true", help="print the prediction as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from tui.analysis.whatif import Refusal, Setting
    from tui.analysis.whatif_report import render_text, summarize
    from tui.cli.commands import CommandError, _dump, one_line_errors
    from tui.ingest.runner import load

    @one_line_errors
    def whatif(args: argparse.Namespace) -> int:
        if args.gogc is None and args.memlimit is None:
            raise CommandError("gctui: whatif: GOGC=off without --memlimit never collects: give a limit")
        try:
            summary = summarize(load(args.source), Setting(args.gogc, args.memlimit), nonheap_mb=args.nonheap)
        except Refusal as r:
            raise CommandError(f"gctui: whatif: {r}") from None
        if args.json:
            _dump(summary, sys.stdout)
        else:
            sys.stdout.write(render_text(summary))
        return 0

    return whatif(args)
