"""The main screen's keys, in one table: the footer, the help screen and the
command palette all read it.

``?`` and ``q`` come first: the footer shows bindings in this order and cuts
what does not fit, and at 80 columns help and quit must still be there.
Every binding has an ``id`` so a user can remap it.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

MAIN_BINDINGS: list[BindingType] = [
    Binding("question_mark,f1", "help", "Help", id="app.help", key_display="?"),
    Binding("q", "quit", "Quit", id="app.quit"),
    Binding("j,down", "move(1)", "Next cycle", id="cycle.next", show=False),
    Binding("k,up", "move(-1)", "Previous cycle", id="cycle.previous", show=False),
    Binding("g,home", "first", "First cycle", id="cycle.first", show=False),
    Binding("G,end", "last", "Last cycle", id="cycle.last", show=False),
    Binding("pagedown", "page(1)", "Page down", id="cycle.page_down", show=False),
    Binding("pageup", "page(-1)", "Page up", id="cycle.page_up", show=False),
    Binding("f", "follow", "Follow", id="cycle.follow"),
    Binding("colon", "jump", "Jump", id="cycle.jump"),
    Binding("r", "runs", "Runs", id="cycle.runs"),
    Binding("s", "sources", "Sources (pods)", id="app.sources", show=False),
    Binding("n", "next(1)", "Next finding/match", id="finding.next"),
    Binding("p", "finding(-1)", "Prev finding", id="finding.previous"),
    Binding("N", "next(-1)", "Previous match", id="output.previous_match", show=False),
    Binding("slash", "search", "Search", id="output.search"),
    Binding("m", "maximize", "Maximise", id="panel.maximize"),
    Binding("M", "maximize_next", "Maximise next panel", id="panel.maximize_next", show=False),
    Binding("1", "panel(0)", "Findings", id="panel.findings", show=False),
    Binding("2", "panel(1)", "Scheduler", id="panel.scheduler", show=False),
    Binding("3", "panel(2)", "Output", id="panel.output", show=False),
    Binding("4,e", "escapes", "Escape hints", id="panel.escapes", show=False),
    Binding("5", "panel(4)", "Pause histogram", id="panel.pause_histogram", show=False),
    Binding("6", "panel(5)", "MMU (least CPU left to the program)", id="panel.mmu", show=False),
    Binding("7", "panel(6)", "What-if GOGC / GOMEMLIMIT", id="panel.whatif", show=False),
    Binding("w", "worst", "Worst pause", id="cycle.worst"),
    Binding("z", "zoom", "Zoom", id="chart.zoom"),
    Binding("less_than_sign", "pan(-1)", "Output left", id="output.left", show=False),
    Binding("greater_than_sign", "pan(1)", "Output right", id="output.right", show=False),
    Binding("right_curly_bracket", "scroll('#detail', 1)", "Scroll detail down", id="detail.down", show=False),
    Binding("left_curly_bracket", "scroll('#detail', -1)", "Scroll detail up", id="detail.up", show=False),
    Binding("right_square_bracket", "scroll('#panels', 1)", "Scroll panel down", id="panel.down", show=False),
    Binding("left_square_bracket", "scroll('#panels', -1)", "Scroll panel up", id="panel.up", show=False),
    Binding("escape", "escape", "Restore / end search", id="screen.escape", show=False),
]
