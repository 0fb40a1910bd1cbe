"""What ``gctui report``, ``export`` and ``compare`` do once their arguments parse.

:mod:`tui.cli.main` only declares arguments; each function here takes the parsed
namespace, does the work through the headless modules (``loading``,
``report``, ``export``, ``compare``) and returns the exit status. Errors a
user can fix (a missing or unreadable file, a bad ``--threshold``, an output
file that cannot be written) print one line on stderr and return 2: a
traceback would bury the one thing the user needs to know.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import stat
import sys
from typing import Any, Callable, TextIO

from tui.ingest.runner import load
from tui.sanitize import json_text, terminal_stream, terminal_text
from tui.sources.base import SourceError
from tui.analysis.thresholds import Thresholds
from tui.model import Model

USAGE_ERROR = 2
SAVED_REPORT_MAX = 1 << 20


class CommandError(Exception):
    """A one-line error for stderr (exit status 2)."""


def one_line_errors(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn the errors a user can fix into one line on stderr and status 2."""

    @functools.wraps(run)
    def wrapper(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except (SourceError, CommandError) as e:
            print(terminal_text(str(e)), file=sys.stderr)  # paths and messages may quote anything
            return USAGE_ERROR

    return wrapper


def _thresholds(overrides: list[str]) -> Thresholds:
    try:
        return Thresholds.from_overrides(list(overrides or ()))
    except ValueError as e:
        raise CommandError(f"gctui: {_one_line(str(e))}") from None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _dump(obj: Any, out: TextIO) -> None:
    # NaN is not JSON: every number the report holds is finite or None.
    # Findings quote crash text: DEL and C1 controls are \u-escaped too.
    out.write(json_text(json.dumps(obj, indent=2, allow_nan=False, ensure_ascii=False)) + "\n")


@one_line_errors
def report(args: argparse.Namespace) -> int:
    """``gctui report SOURCE... [--json] [--threshold NAME=VALUE ...]``.

    The top level describes the whole input; ``sources`` each pod of a
    multi-pod stream, or each file when several are given."""
    from tui.analysis import sources as per_source
    from tui.analysis.report import render_text, summarize
    from tui.ingest.many import load_many

    thresholds = _thresholds(args.threshold)
    names = args.source if isinstance(args.source, list) else [args.source]
    if names.count("-") > 1:
        raise CommandError("gctui: - (stdin) can be given once")
    whole, sources = load_many(names)
    entries = per_source.source_reports(sources, thresholds)
    whole_summary = summarize(whole, thresholds, scan=len(entries) < 2)  # pooled from the pods otherwise
    summary = per_source.pool(whole_summary, sources, entries, thresholds)
    summary["sources"] = entries
    if args.json:
        _dump(summary, sys.stdout)
    else:
        text = render_text(summary) + per_source.render_text(summary["sources"])
        sys.stdout.write(terminal_text(text))  # findings quote crash text
    return 0


@one_line_errors
def export(args: argparse.Namespace) -> int:
    """``gctui export SOURCE [--format jsonl|csv|openmetrics] [-o FILE]``."""
    from tui.ingest.many import load_all

    if args.output not in (None, "-"):
        _refuse_overwriting(args.source, args.output)
    # Before opening -o: a bad source leaves no empty file.
    model, sources = load_all(args.source)
    if args.output in (None, "-"):
        _write_export(model, sources, args.format, sys.stdout)
        return 0
    try:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            _write_export(model, sources, args.format, out)
    except OSError as e:
        raise CommandError(f"gctui: cannot write {args.output}: {e.strerror or e}") from None
    return 0


def _write_export(model: Model, sources: dict[str, Model], format: str, out: TextIO) -> None:
    from tui.cli.export import export_csv, export_jsonl

    if format == "csv":
        export_csv(model, out)  # numbers only: nothing a program wrote
    elif format == "openmetrics":
        from tui.analysis.findings import evaluate
        from tui.cli.metrics import ModelCollector, openmetrics_text, registry_for

        # A stream of many pods: a series per pod, as the live /metrics
        # serves them (none pooled, which a sum in PromQL would count twice).
        models = sources or {model.env.description or "log": model}
        collector = ModelCollector(lambda: models, lambda _, m: evaluate(m, full=True))
        out.write(openmetrics_text(registry_for(collector)))
    else:
        export_jsonl(model, terminal_stream(out, json=True))  # lossless: DEL and C1 \u-escaped


def _refuse_overwriting(source: str, output: str) -> None:
    """``export LOG -o LOG`` would replace the log by its export: refuse.
    Same file by device and inode, so a symlink or a hard link is caught."""
    try:
        out = os.stat(output)
        src = os.fstat(0) if source == "-" else os.stat(source)
    except (OSError, ValueError):
        return  # no such output yet, or no source to compare: nothing to overwrite
    # Only a regular file is destroyed by writing it (gctui export - -o /dev/null is fine).
    if stat.S_ISREG(out.st_mode) and (out.st_dev, out.st_ino) == (src.st_dev, src.st_ino):
        raise CommandError(f"gctui: -o {output} is the input {source}: "
                           "refusing to overwrite it (write the export elsewhere)")


@one_line_errors
def compare(args: argparse.Namespace) -> int:
    """``gctui compare BEFORE AFTER [--json] [--threshold NAME=VALUE ...]``."""
    from tui.analysis.compare import compare as compare_summaries
    from tui.analysis.compare import render_compare

    if args.before == "-" and args.after == "-":
        raise CommandError("gctui: only one of BEFORE and AFTER can be - (stdin)")
    thresholds = _thresholds(args.threshold)
    result = compare_summaries(_summary(args.before, thresholds), _summary(args.after, thresholds))
    if args.json:
        _dump(result, sys.stdout)
    else:
        sys.stdout.write(terminal_text(render_compare(result)))
    return 0


def _summary(source: str, thresholds: Thresholds) -> dict[str, Any]:
    """A log's summary; a saved ``gctui report --json`` file is used as it is,
    so a baseline kept from last week compares without its log."""
    from tui.analysis.report import summarize

    if source.endswith(".json"):
        try:
            # A report is a few KB; a big .json is a log (Docker's json-file).
            with open(source, encoding="utf-8") as f:
                small = os.fstat(f.fileno()).st_size < SAVED_REPORT_MAX
                saved = json.loads(f.read()) if small else None
        except (OSError, ValueError, UnicodeDecodeError):
            saved = None  # not a saved report (maybe a Docker json-file log): read it as a log
        if isinstance(saved, dict) and {"lines", "cycles", "pause_ms"} <= saved.keys():
            return saved
    return summarize(load(source), thresholds)
