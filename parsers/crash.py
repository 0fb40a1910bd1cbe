"""Recognise a Go crash block: panic, fatal error, signal dump, goroutine dump.

Unlike the trace families, a crash spans many lines, so it is recognised by a
small protocol that a stateful dispatcher drives:

1. a line whose payload matches :data:`START` opens a block;
2. each following raw line is offered to :func:`continues`; the block grows
   while it answers True;
3. on the first False the block closes, :func:`build_crash` turns its lines
   into one :class:`~parsers.events.Crash`, and the refused line is parsed
   as usual (it may open the next block).

What counts as "dump text" is deliberately strict, because a wrong True eats
program output: blank lines, TAB-indented lines (file:line under a frame,
``\\tpanic:`` chain lines, Go 1.23+ multi-line panic values), function frames,
``created by``, goroutine headers, the signal/register lines of a signal dump,
the runtime's fixed markers (``runtime stack:``, ``...N frames elided...``)
and further header lines. Anything else, trace records included, closes the
block.

The one hard case is a multi-line panic value in Go <= 1.22, whose later
lines are printed raw at column 0 (``panic: boom\\nsecond line``). No rule on
a single line can tell those from program output, so :func:`continues`
accepts them only when the caller also passes the block's lines so far: the
runtime always ends a panic's header part with a blank line, so a non-blank
line that arrives before that blank line, in a block opened by ``panic:`` at
column 0, belongs to the value. The allowance is capped at
:data:`PANIC_VALUE_MAX_LINES` so that a stray ``panic:`` cannot swallow a
log; without ``block`` a multi-line value splits into a ``panic`` block and a
``dump`` block.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from parsers.events import Crash, LineMeta

# ``goroutine N [status…]:`` with the optional Go 1.22+ ``gp= m= mp=`` between
# id and bracket, and the post-1.26 master label set ``{k: v}`` after it.
_GOROUTINE = r"goroutine \d+ [^\[]*\[.*\](?: \{.*\})?:"
_GOROUTINE_RE = re.compile(_GOROUTINE)

_PANIC_RE = re.compile(r"panic:(?: |$)")
# ``SIGQUIT: quit``, ``SIGSEGV: segmentation violation``; ``Signal N`` for a
# number outside the runtime's table; ``Exception 0x…`` is the Windows form.
_SIGNAL_RE = re.compile(r"SIG[A-Z0-9]+: |Signal \d+$|Exception 0x[0-9a-f]+ ")
_FATAL_RE = re.compile(
    r"fatal error:(?: |$)|runtime: |runtime/cgo: |unexpected fault address |"
    r"fatal: morestack on g0"
)

# Lines that open a block (matched at the start of the stripped payload).
# ``runtime: `` lines precede a ``fatal error:`` (stack overflow, out of
# memory, bad pointer...), ``unexpected fault address`` precedes
# ``fatal error: fault``; they open the block so it keeps its cause.
START = re.compile(
    "|".join((_PANIC_RE.pattern, _SIGNAL_RE.pattern, _FATAL_RE.pattern, _GOROUTINE + "$"))
)

# A frame line: ``pkg.Func(args)``, ``pkg.(*T).M(...)``, ``pkg.F[...](...)``,
# closures ``main.main.func1()``, and the runtime's bare ``panic({…})``. The
# name has no spaces and a dot; args may be ``...`` or hold spaces.
_FRAME = r"(?:panic|[^\s(]*\.(?:[^\s(]|\(\*[^\s()]+\))*)\(.*\)"

_DUMP_LINE_RE = re.compile(
    "|".join(
        (
            _FRAME,
            r"created by \S.*",
            r"\[signal .*\]",  # [signal SIGSEGV: segmentation violation code=…]
            r"PC=0x[0-9a-f]+ m=-?\d+ sigcode=.*",
            r"signal arrived during (?:cgo|external code) execution",
            r"instruction bytes:.*",  # SIGILL / SIGFPE
            r"[a-z][a-z0-9]{0,7} +0x[0-9a-f]+",  # register dump: rax, r8, lr, rflags
            r"runtime stack:",
            r"\.\.\.additional frames elided\.\.\.",  # <= go1.20 and ancestors
            r"\.\.\.\d+ frames elided\.\.\.",  # go1.21+
            r"\[originating from goroutine \d+\]:",  # tracebackancestors
            r"goroutine running on other thread; stack unavailable",
            r"-----",  # GOTRACEBACK=crash: one thread hands the dump to the next
            r"exit status \d+",  # added by `go run`, not the program
        )
    )
)

# Records of the trace families: never part of a panic value even when they
# interleave before the blank line that ends the panic header.
_TRACE_RECORD_RE = re.compile(
    r"gc \d+ @|gc\d+\(|SCHED \d+ms:|scav \d|scvg|forced scvg|pacer: |GC forced$"
)

# How many lines a Go <= 1.22 multi-line panic value may span (see module doc).
PANIC_VALUE_MAX_LINES = 32


def _in_panic_value(block: Sequence[str]) -> bool:
    """True while a ``panic:`` block is still in its header (no blank line yet)."""
    if not block or len(block) >= PANIC_VALUE_MAX_LINES:
        return False
    # Only the runtime's own ``panic:`` at column 0: a block a dispatcher
    # opened inside a prefixed log line must not grow by this rule.
    if not _PANIC_RE.match(block[0]):
        return False
    return all(line.strip() for line in block)


def continues(line: str, block: Sequence[str] | None = None) -> bool:
    """Whether raw ``line`` belongs to the crash block that is open.

    ``block`` (optional) is the block's raw lines so far; passing it lets a
    Go <= 1.22 multi-line panic value stay in its block (see module doc).
    Blank lines always continue: the runtime separates goroutines with them.
    """
    text = line.rstrip()
    if not text or line.startswith("\t"):
        return True
    if _DUMP_LINE_RE.fullmatch(text) or START.match(text):
        return True
    if block is not None and _in_panic_value(block):
        return not _TRACE_RECORD_RE.match(text)
    return False


def reason_of(headline: str) -> str:
    """``panic``, ``fatal``, ``signal`` or ``dump`` for a block's first header.

    ``runtime: …`` and ``unexpected fault address`` count as ``fatal``: the
    runtime prints them only on the way to a ``fatal error:``. A block that
    begins with a goroutine header (or anything unrecognised) is a ``dump``.
    """
    text = headline.strip()
    if _PANIC_RE.match(text):
        return "panic"
    if _SIGNAL_RE.match(text):
        return "signal"
    if _FATAL_RE.match(text):
        return "fatal"
    return "dump"


def goroutine_headers(lines: Sequence[str]) -> int:
    """How many ``goroutine N [...]:`` headers the lines hold."""
    return sum(1 for line in lines if _GOROUTINE_RE.fullmatch(line.strip()))


def build_crash(lines: list[str], metas: list[LineMeta]) -> Crash:
    """One :class:`Crash` from a closed block's raw lines and their metas.

    The headline is the first line that opens a block (normally the first
    line); ``text`` keeps every line, blank ones included, joined by ``\\n``.
    """
    if not lines or len(lines) != len(metas):
        raise ValueError("a crash block needs one LineMeta per line, at least one line")
    headline = next(
        (line.strip() for line in lines if START.match(line.strip())), lines[0].strip()
    )
    return Crash(
        meta=metas[0],
        reason=reason_of(headline),
        headline=headline,
        text="\n".join(lines),
        goroutines=goroutine_headers(lines),
        first_line=metas[0].line_no,
        last_line=metas[-1].line_no,
    )


# The same builder under the family modules' usual verb.
build = build_crash
