"""Standard output and error that cannot end gctui in a traceback.

Three things go wrong with them in real use, none of them gctui's bug:

* an encoding that cannot hold a character (``PYTHONIOENCODING=ascii``, a
  ``LANG=C`` box): ``µs`` or ``…`` in a report raised UnicodeEncodeError.
  Text streams are reconfigured once, at start, to replace what they cannot
  encode (``?``), so even ``--help`` prints;
* a closed pipe (``gctui export LOG | head -1``): the reader is done, which
  is not an error to report. gctui stops quietly with status 141 (128 +
  SIGPIPE), as ``cat`` killed by SIGPIPE would;
* a failed write (a full disk, ``> /dev/full``, an I/O error): one line on
  stderr and status 2.

After a failure the descriptor is pointed at /dev/null, so the interpreter's
own flush at exit has nowhere left to fail ("Exception ignored in ...").
Standard error is also wrapped in :class:`tui.sanitize.TerminalStream`:
everything gctui writes there is for a person at a terminal, and notices
quote what the program printed (compiler messages, crash text).
"""

from __future__ import annotations

import os
import sys

from tui.sanitize import TerminalStream, terminal_text

OUTPUT_ERROR = 2
CLOSED_PIPE = 128 + 13  # SIGPIPE


def prepare() -> None:
    """Replace unencodable characters on stdout and stderr; sanitise stderr."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):  # closed, or not a text file after all
                pass
    if sys.stderr is not None and not isinstance(sys.stderr, TerminalStream):
        sys.stderr = TerminalStream(sys.stderr)  # type: ignore[assignment]


def flush_stdout() -> None:
    """Flush stdout now, inside the error handling, not at interpreter exit."""
    if sys.stdout is not None:
        sys.stdout.flush()


def closed_pipe() -> int:
    """The reader of stdout went away: stop quietly."""
    _silence(1)
    return CLOSED_PIPE


def output_failed(err: OSError) -> int:
    """An OSError no command turned into a message of its own: in practice a
    write to stdout that failed (``ENOSPC``, ``EIO``). One line on stderr."""
    _silence(1)
    if err.filename:
        say(f"gctui: {err.filename}: {err.strerror or err}")
    else:
        say(f"gctui: cannot write the output: {err.strerror or err}")
    return OUTPUT_ERROR


def say(line: str) -> None:
    """One line on stderr, if stderr itself still works."""
    try:
        print(terminal_text(line), file=sys.stderr, flush=True)
    except (OSError, ValueError):
        _silence(2)


def _silence(fd: int) -> None:
    """Point ``fd`` at /dev/null so what is still buffered for it goes nowhere."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    try:
        os.dup2(null, fd)
    except OSError:
        pass
    finally:
        os.close(null)
