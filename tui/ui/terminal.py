"""Textual's terminal driver, made to survive a terminal that goes away.

When the terminal closes (tmux kill-session, an ssh drop, a closed window)
the kernel hangs it up: writes fail with EIO, reads return end-of-file, and
gctui gets SIGHUP *and* SIGCONT. Three things in Textual's Linux driver
then kept gctui alive for good, spinning on ``read(0) = 0``:

* its writer thread died on the first EIO, the app's next 30 writes filled
  its queue, and the event loop blocked forever on the 31st: no signal
  handler registered with the loop ran again, so SIGTERM did nothing;
* its SIGCONT handler (meant for ``fg`` after Ctrl-Z) started the terminal
  over, with a second writer thread that died the same way;
* its key reader treated EIO as a crash and asked the app to print a
  traceback on a terminal that no longer exists.

:class:`TerminalDriver` writes through :class:`_Writes`, which drops what a
dead terminal refuses, ignores SIGCONT once the terminal hung up, and ends
the key reader quietly then. Noticing the hangup and quitting is
:mod:`tui.ingest.ending`'s job; this only keeps the way out open.
"""

from __future__ import annotations

import os
import termios
from typing import IO, Any

from textual.drivers.linux_driver import LinuxDriver

from tui.ingest.ending import hung_up

# Leave the alternate screen, show the cursor, stop mouse reports and focus
# events, pop the Kitty keyboard mode: what Textual undoes on a clean exit.
LEAVE = "\x1b[<u\x1b[?1049l\x1b[?25h\x1b[?1000l\x1b[?1003l\x1b[?1006l\x1b[?1015l\x1b[?1004l\x1b[?2004l"


class _Writes:
    """The driver's output file; after a failed write it becomes a sink."""

    def __init__(self, file: IO[str]) -> None:
        self._file = file
        self.failed = False

    def write(self, text: str) -> int:
        if not self.failed:
            try:
                return self._file.write(text)
            except (OSError, ValueError):
                self.failed = True
        return len(text)

    def flush(self) -> None:
        if not self.failed:
            try:
                self._file.flush()
            except (OSError, ValueError):
                self.failed = True

    def fileno(self) -> int:
        return self._file.fileno()

    def isatty(self) -> bool:
        return self._file.isatty()


class TerminalDriver(LinuxDriver):
    """:class:`LinuxDriver` that a hangup cannot wedge (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._file = _Writes(self._file)  # type: ignore[arg-type,assignment]

    def _sigcont_application(self, *args: Any) -> None:
        if hung_up(self.fileno):
            return  # the kernel's SIGCONT after a hangup, not a `fg`: nothing to resume
        super()._sigcont_application(*args)

    def _run_input_thread(self) -> None:
        try:
            self.run_input_thread()
        except BaseException as error:
            if isinstance(error, OSError) and hung_up(self.fileno):
                return  # EIO from a terminal that hung up: the ending quits the app
            import rich.traceback

            self._app.call_later(self._app.panic, rich.traceback.Traceback())  # as Textual does


def saved_terminal(fd: int = 0) -> list[Any] | None:
    """The terminal's modes before the app changes them, for :func:`give_back`."""
    try:
        return termios.tcgetattr(fd)
    except (termios.error, OSError):
        return None


def give_back(modes: list[Any] | None, fd: int = 0) -> None:
    """Leave the app's screen and modes when gctui must end without Textual's
    clean exit (best effort: the terminal may be gone)."""
    if modes is not None:
        try:
            termios.tcsetattr(fd, termios.TCSANOW, modes)
        except (termios.error, OSError):
            pass
    try:
        os.write(2, LEAVE.encode())
    except OSError:
        pass
