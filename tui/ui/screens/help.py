"""``?``: what the screen shows, what each gctrace field means, every key.

Written for someone who has never read a gctrace line: each term is
explained in a sentence the first time it appears. The field list comes
from :mod:`tui.ui.explain`, the key list from the main screen's bindings, so
neither can drift from what the app does.
"""

from __future__ import annotations

from typing import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from tui.ui.explain import DERIVED_TEXT, FIELDS

SCREEN = """\
# gctui: the Go garbage collector, cycle by cycle

Go's collector runs in **cycles**. Each cycle briefly **stops the world** (STW:
every goroutine waits) twice, marks what is still reachable while your program
keeps running, then sweeps the rest. With `GODEBUG=gctrace=1` the runtime
prints one line per cycle; gctui reads those lines (and `schedtrace` for the
scheduler) and shows them here.

## The screen
- **Header**: what is watched, Go version and GC settings (GOGC: how much the
  heap may grow over the live heap before the next cycle; GOMEMLIMIT: a soft
  memory cap), the state of the source (live, following, ended with its exit
  status), cycles so far and lines per second. *paused* means the view no
  longer follows the newest cycle: press `f`.
- **STW pause**: each cycle's total stop-the-world pause. p50/p99/max are
  over the cycles on the chart; pauses above the `stw-long` threshold stand
  out in the warning colour, above `stw-long.critical_ms` in the error colour.
- **Heap**: heap at GC start, at end of mark, the live heap (what survived)
  and the **heap goal** (where the pacer planned to finish the cycle). A heap
  that ends above its goal is an overshoot; a live heap that keeps rising is a
  leak. The memory limit, when set, is a line across.
- **GC CPU**: the share of CPU the collector took, window by window (25 % is
  the background workers' budget; more means your goroutines were drafted
  into **mark assists**).
- **Goroutines**: goroutine count on the charts' axis, under the pauses of
  the same moment (needs `schedtrace` with `scheddetail=1`, or pprof).
- **Cycle table** and **cycle detail**: every cycle, and every field of the
  selected one explained, with the raw line.
- **Lower panels**: `1` findings (gctui's diagnosis, worst first), `2`
  scheduler (threads, idle Ps, run queues, wait reasons), `3` the program's
  own output (searchable with `/`), `4` escape hints from the compiler, and
  three over the cycles charted (or the range marked with `v`): `5` the STW
  pauses in log-scaled buckets, sweep and mark termination apart; `6` the
  **MMU** (minimum mutator utilisation: the least share of the CPU your
  goroutines got in any window of 1 ms to 10 s); `7` a what-if of GOGC 50 to
  400 and GOGC=off with a limit, or why the cycles cannot support one.

The charts cover a window of cycles around the selection; `z` zooms out to
the whole run. A range marked with `v` is tinted on every chart.
"""


def _fields_markdown() -> str:
    lines = ["## The fields of a gctrace line",
             "`gc 7 @1.23s 4%: 0.01+1.2+0.02 ms clock, 0.04+0.3/1.1/2.0+0.08 ms cpu, "
             "4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 8 P`", "",
             "| field | meaning |", "|---|---|"]
    for _, label, unit, text in FIELDS:
        lines.append(f"| {label}{' (' + unit + ')' if unit else ''} | {text} |")
    lines += ["", "## Numbers gctui derives", "", "| number | meaning |", "|---|---|"]
    lines += [f"| {label} | {text} |" for label, text in DERIVED_TEXT.items()]
    return "\n".join(lines)


def _keys_markdown(bindings: list[Binding], display: Callable[[Binding], str]) -> str:
    lines = ["## Keys", "", "| key | does |", "|---|---|"]
    seen: set[str] = set()
    for b in bindings:
        if not b.description or b.description in seen:
            continue
        seen.add(b.description)
        keys = ", ".join(f"`{display(Binding(k, b.action))}`" for k in b.key.split(","))
        lines.append(f"| {keys} | {b.description} |")
    lines.append("| `ctrl+p` | the command palette: every action by name |")
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    """The help text over the main screen; any of ``?``, ``escape``, ``q`` closes it."""

    BINDINGS = [
        Binding("escape,question_mark,q", "close", "Close help", id="help.close"),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; background: $background 50%; }
    HelpScreen MarkdownH1, HelpScreen MarkdownH2 { color: $text-primary; }
    HelpScreen > VerticalScroll { width: 90%; max-width: 110; height: 90%;
        border: round $accent; background: $panel; padding: 0 1; }
    """

    def __init__(self, bindings: list[Binding]) -> None:
        super().__init__()
        self.bindings_shown = bindings

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            keys = _keys_markdown(self.bindings_shown, self.app.get_key_display)
            yield Markdown(SCREEN + "\n" + keys + "\n\n" + _fields_markdown())

    def action_close(self) -> None:
        self.dismiss(None)
