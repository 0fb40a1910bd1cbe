"""The two header lines: what is watched and how it is going.

Line one names the program and its settings (Go version, GOMAXPROCS, GOGC,
GOMEMLIMIT) when known; line two the state of the source, cycles so far,
lines per second and whether the view follows the newest cycle.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from tui.model.extras import gomaxprocs_at
from tui.units import format_bytes
from tui.ui.view import View
from tui.sanitize import visible

class StatusBar(Widget):
    """Header: watched program, settings, state, counts."""

    COMPONENT_CLASSES = {"status--name", "status--state", "status--ended", "status--paused", "status--dim"}
    # The light theme's green and orange are too pale for text on its panel
    # (1.1:1 to 1.3:1): there the state is dark text on a tint of its colour.
    DEFAULT_CSS = """
    StatusBar { height: 2; background: $panel; padding: 0 1; }
    StatusBar > .status--name { text-style: bold; color: $text-accent; }
    StatusBar > .status--state { text-style: bold; color: $success; }
    StatusBar > .status--ended { text-style: bold; color: $warning; }
    StatusBar > .status--paused { text-style: bold; color: $warning; }
    StatusBar > .status--dim { color: $foreground 75%; }
    StatusBar:light > .status--name { color: $text-primary; }
    StatusBar:light > .status--state { color: $foreground; background: $success 35%; }
    StatusBar:light > .status--ended { color: $foreground; background: $warning 50%; }
    StatusBar:light > .status--paused { color: $foreground; background: $warning 50%; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._lines: tuple[Text, Text] = (Text("gctui"), Text(""))
        self._state = Text("")  # the start of line two: what the source is doing

    def show(self, view: View, *, state: str, lines_per_s: float, pods: str = "") -> None:
        """``pods``: what a multi-pod stream shows now (the whole, or one pod)."""
        model = view.model
        env = model.env
        name = self.get_component_rich_style("status--name")
        dim = self.get_component_rich_style("status--dim")
        first = Text.assemble(("gctui ", name), visible(env.description or "?"))
        settings = []
        if env.pid:
            settings.append(f"PID {env.pid}")
        if env.go_version:
            settings.append(env.go_version)
        # The gc lines' P count is the runtime's own, after any runtime.GOMAXPROCS
        # call or container-aware change; the environment's is only the start.
        procs = (gomaxprocs_at(model.cycles, view.count - 1) if view.count else None) or env.gomaxprocs or 0
        if procs:
            was = env.gomaxprocs
            settings.append(f"GOMAXPROCS {procs}" + (f" (started {was})" if was and was != procs else ""))
        if env.gogc:
            settings.append(f"GOGC {env.gogc}")
        if env.gomemlimit_b:
            settings.append(f"GOMEMLIMIT {format_bytes(env.gomemlimit_b)}")
        if settings:
            first.append("  ·  " + "  ".join(settings), style=dim)
        if pods:
            first.append("  ·  " + pods, style=dim)
        ended = state.startswith(("ended", "failed"))
        self._state = self._state_text(state)
        second = Text()
        if not view.following and view.count:
            second.append("  paused", self.get_component_rich_style("status--paused"))
            second.append(" (f follows)", style=dim)
        elif view.count and not ended:
            second.append("  following", style=dim)
        second.append(f"   {view.count:,} cycles")
        segments = len(model.segments)
        if segments > 1:
            second.append(f" in {segments} runs")
        second.append(f"   {model.lines:,} lines")
        if lines_per_s >= 0.5 and not ended:
            second.append(f" ({lines_per_s:,.0f}/s)", style=dim)
        if model.malformed:
            second.append(f"   {len(model.malformed)} unparsed", style=dim)
        self._lines = (first, second)
        self.refresh()

    def set_state(self, state: str) -> None:
        """Say what the source is doing now (a load's progress, a findings
        scan), between the redraws that copy the model: those wait for the
        model's lock, which the scan holds."""
        self._state = self._state_text(state)
        self.refresh()

    def _state_text(self, state: str) -> Text:
        ended = state.startswith(("ended", "failed"))
        return Text(state, style=self.get_component_rich_style("status--ended" if ended else "status--state"))

    @property
    def state(self) -> str:
        """What line two says the source is doing."""
        return self._state.plain

    def render(self) -> Text:
        width = max(1, self.content_size.width)
        first, second = self._lines[0].copy(), self._state + self._lines[1]
        for line in (first, second):  # one row each: cut, never wrap into the next
            line.truncate(width, overflow="ellipsis")
        return Text("\n").join([first, second])
