"""``gctui escapes [DIR] [--json] [--all] [--http ADDR]``: the hints, headless.

Text groups the heap moves by file and function the way the panel does
(every kind with ``--all``); ``--json`` lists every verdict the compiler
reported, one object per hint, for scripts and CI. With ``--http`` the
running program's allocation profile ranks them. Errors the user can fix
(no go, not a package, a compile error) are one line and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from tui.sanitize import terminal_stream
from tui.cli.commands import CommandError, one_line_errors
from tui.escapes.analyze import Analysis
from tui.escapes.cache import SHARED
from tui.escapes.grouping import counts_text, group
from tui.escapes.kinds import HEAP_KINDS, LABEL
from tui.escapes.locate import NoSource, SourceQuery, locate
from tui.escapes.fetch import fetch_allocs
from tui.escapes.ranking import INUSE, SAMPLE, Ranking, RankingError, rank
from tui.units import format_bytes
from tui.escapes.toolchain import EscapeError, find_toolchain


def add_parser(sub: Any) -> None:
    """Declare the command (called from :mod:`tui.cli.main`)."""
    parser = sub.add_parser(
        "escapes", help="the compiler's escape analysis of a package: what goes on the heap",
        description="Build the Go package in DIR with the compiler's escape diagnostics "
        "(-gcflags=-m with -json where the toolchain has it; nothing is written) and list "
        "the values it puts on the heap, grouped by file and function. With --http, rank "
        "them by the bytes a running build of it allocates (its /debug/pprof/allocs).",
    )
    parser.add_argument("dir", nargs="?", default=".", metavar="DIR", help="the package directory (default .)")
    parser.add_argument("--json", action="store_true",
                        help="every verdict the compiler reported, as a JSON list")
    parser.add_argument("--all", action="store_true",
                        help="text: every kind (does not escape, inlining), not only heap moves")
    parser.add_argument("--http", metavar="ADDR",
                        help="rank by the allocation profile this loopback address serves (host:port)")
    parser.add_argument("--by", choices=(SAMPLE, INUSE), default=SAMPLE,
                        help="with --http: rank by bytes allocated (default) or bytes still in use (a leak)")
    parser.set_defaults(handler=escapes)


@one_line_errors
def escapes(args: argparse.Namespace) -> int:
    found = locate(SourceQuery(src_dir=args.dir))
    if isinstance(found, NoSource):
        raise CommandError(f"gctui: {found.message}")
    try:
        analysis = SHARED.get(found, find_toolchain())
    except EscapeError as err:
        raise CommandError(f"gctui: {err}") from None
    ranking = None
    if args.http:
        try:
            ranking = rank(analysis, fetch_allocs(args.http), args.by)
        except RankingError as err:
            raise CommandError(f"gctui: {err}") from None
    if args.json:
        # File names and compiler messages are quoted: C1 and DEL \u-escaped, ESC ^[ in text.
        json.dump(to_json(analysis, ranking), terminal_stream(sys.stdout, json=True), indent=2,
                  ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        write_text(analysis, ranking, terminal_stream(sys.stdout), every_kind=args.all)
    return 0


def to_json(analysis: Analysis, ranking: Ranking | None = None) -> list[dict[str, Any]]:
    """One object per hint, in the compiler's order."""
    out = []
    for i, placed in enumerate(analysis.hints):
        h = placed.hint
        item: dict[str, Any] = {
            "file": h.file, "line": h.line, "column": h.column, "kind": h.hint,
            "subject": h.subject, "explanation": list(h.explanation), "message": h.message,
            "function": placed.function, "package": h.package,
        }
        if ranking is not None:
            item["profile_bytes"] = ranking.bytes[i]
            item["profile_share"] = round(ranking.share(i), 6)
            item["profile_measure"] = ranking.measure
        out.append(item)
    return out


def write_text(analysis: Analysis, ranking: Ranking | None, out: TextIO, *, every_kind: bool = False) -> None:
    """The grouped listing: a summary line, then files, functions, hints."""
    grouped = group(analysis, ranking, kinds=None if every_kind else HEAP_KINDS)
    heap = sum(n for kind, n in group(analysis, kinds=HEAP_KINDS).counts)
    source = "compiler -json" if analysis.mode == "json" else "compiler -m=2"
    out.write(f"{analysis.directory}: {heap} heap moves ({analysis.go_version}, {source})\n")
    if ranking is not None:
        words = "allocated" if ranking.measure == SAMPLE else "in use"
        out.write(f"ranked by {format_bytes(ranking.total)} {words} in total ({ranking.measure})\n")
    if not grouped.rows:
        out.write("nothing to list: no value of this package goes to the heap\n")
    for row in grouped.rows:
        if row.level == "file":
            out.write(f"\n{row.file}  ({counts_text(row.counts)})\n")
        elif row.level == "function":
            out.write(f"  {row.function}  ({counts_text(row.counts)})\n")
        else:
            assert row.index is not None
            h = analysis.hints[row.index].hint
            where = f"{h.line}:{h.column}" if h.column else str(h.line)
            share = ""
            if ranking is not None and ranking.bytes[row.index]:
                share = f"  {ranking.share(row.index) * 100:5.1f} %  {format_bytes(ranking.bytes[row.index])}"
            out.write(f"    {where:<8} {LABEL.get(h.hint, h.hint):<21} {h.subject or h.message}{share}\n")
