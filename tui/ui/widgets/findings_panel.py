"""Lower panel 1: the findings, most severe and newest first.

Each finding is one entry: severity, title and the cycles it covers; the
chosen one also shows its sentence with numbers and the advice. ``n``/``p``
(bound by the screen) walk them and select each one's first cycle; a click
does the same. Findings about allocation pressure say where to look next:
the escape hints (panel 4).
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from tui.analysis.findings import Finding
from tui.sanitize import visible

# Findings whose cause is how much the program allocates: the escape hints
# say which allocations those are.
ALLOCATION_PRESSURE = frozenset({"gc-frequent", "gc-cpu-high", "live-heap-growing", "heap-overshoot",
                                 "mark-assist-heavy"})
_ICON = {"critical": "✖", "warning": "▲", "info": "●"}


class FindingChosen(Message):
    """The user chose finding ``index`` (of the panel's current list)."""

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index


class _Entry(Static):
    def __init__(self, index: int, text: Text, classes: str) -> None:
        super().__init__(text, classes=classes)
        self.index = index

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(FindingChosen(self.index))


class FindingsPanel(VerticalScroll, can_focus=False):
    """The list of findings with the chosen one opened."""

    ALLOW_MAXIMIZE = True
    DEFAULT_CSS = """
    FindingsPanel > _Entry { padding: 0 1; margin-bottom: 1; }
    FindingsPanel > _Entry.-chosen { background: $accent 25%; }
    FindingsPanel > _Entry.-critical { border-left: thick $error; }
    FindingsPanel > _Entry.-warning { border-left: thick $warning; }
    FindingsPanel > _Entry.-info { border-left: thick $primary; }
    FindingsPanel > .empty { color: $text-muted; padding: 0 1; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.findings: list[Finding] = []
        self.chosen: int | None = None
        self.earlier: set[int] = set()
        self.runs = 1  # with more than one, every cycle span says its run
        self.empty_text = "No findings yet: the GC looks healthy so far."

    def set_findings(self, findings: list[Finding], earlier: set[int] | None = None, *, runs: int = 1) -> None:
        """Show a new list (``earlier``: indices no longer active live).

        A live finding's numbers change every tick; what the user chose is
        kept by rule and run, and the list is only rebuilt when what it says
        changed."""
        earlier = earlier or set()
        if findings == self.findings and earlier == self.earlier and runs == self.runs and self.children:
            return
        self.runs = runs
        keep = self.findings[self.chosen] if self.chosen is not None and self.chosen < len(self.findings) else None
        self.findings, self.earlier = findings, earlier
        keys = [(f.id, f.segment) for f in findings]
        self.chosen = keys.index((keep.id, keep.segment)) if keep is not None and (keep.id, keep.segment) in keys else None
        self._rebuild()

    def choose(self, index: int | None) -> Finding | None:
        if index is None or not self.findings:
            self.chosen = None
            self._rebuild()
            return None
        self.chosen = index % len(self.findings)
        self._rebuild()
        # Once the rebuilt entries are laid out (the chosen one opens to its
        # full text), bring its title to the top: scrolling before then used
        # the old heights and could leave the title above the panel.
        self.call_after_refresh(self._show_chosen)
        return self.findings[self.chosen]

    def _show_chosen(self) -> None:
        entries = self.query(_Entry)
        if self.chosen is not None and self.chosen < len(entries):
            self.scroll_to_widget(entries[self.chosen], animate=False, top=True, immediate=True)

    def _rebuild(self) -> None:
        with self.app.batch_update():
            self.remove_children()
            if not self.findings:
                self.mount(Static(self.empty_text, classes="empty"))
                return
            self.mount_all(_Entry(i, self._entry_text(f, i), self._entry_classes(f, i)) for i, f in enumerate(self.findings))

    def _entry_classes(self, f: Finding, i: int) -> str:
        return f"-{f.severity}" + (" -chosen" if i == self.chosen else "")

    def _entry_text(self, f: Finding, i: int) -> Text:
        text = Text()
        text.append(f"{_ICON.get(f.severity, '●')} {f.severity.upper()}  ", style="bold")
        # A finding quotes what the program printed (a panic message): shown
        # as its characters, never as escapes the terminal would act on.
        text.append(visible(f.title), style="bold")
        if f.first_cycle is not None:
            run = f"run {f.segment + 1} · " if self.runs > 1 and f.segment is not None else ""
            span = f"{run}gc {f.first_cycle}" + (f"–{f.last_cycle}" if f.last_cycle not in (None, f.first_cycle) else "")
            text.append(f"  {span}", style="dim")
        if i in self.earlier:
            text.append("  (earlier)", style="dim italic")
        if i == self.chosen:
            text.append("\n" + visible(f.message))
            if f.advice:
                text.append("\n→ " + visible(f.advice), style="italic")
            if f.id in ALLOCATION_PRESSURE:
                text.append("\nPress 4 (or e) for the escape hints: which allocations cause this.", style="dim")
        return text
