"""Lower panel 3: the program's own output, crash text and lines gctui could
not parse, searchable.

Drawn virtually (only visible lines are built) over an index of three
compact arrays, so a program that printed a million lines costs a few bytes
a line here. Every line is shown as the characters it holds: ``[bold]``
stays brackets, an escape sequence shows as ``^[[...``.
"""

from __future__ import annotations

from array import array

from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.model import Model
from tui.ui.view import View
from tui.sanitize import visible

OUTPUT, CRASH, MALFORMED = 0, 1, 2


class OutputPanel(ScrollView, can_focus=False):
    """Program output in arrival order, with search."""

    COMPONENT_CLASSES = {"output--crash", "output--malformed", "output--match", "output--current",
                         "output--stderr", "output--empty"}
    DEFAULT_CSS = """
    OutputPanel > .output--crash { color: $error; }
    OutputPanel > .output--malformed { color: $warning; text-style: italic; }
    OutputPanel > .output--match { background: $warning 40%; }
    OutputPanel > .output--current { background: $accent 40%; }
    OutputPanel > .output--stderr { color: $text-muted; }
    OutputPanel > .output--empty { color: $text-muted; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.model: Model | None = None
        self.kind = array("b")
        self.index = array("I")
        self.sub = array("I")
        self._seen = (0, 0, 0)  # output, crashes, malformed already indexed
        self.pattern = ""  # the search (``query`` would shadow Textual's DOM query())
        self.current: int | None = None
        self.follow = True

    def show(self, view: View) -> None:
        model = view.model
        if model is not self.model:
            self.model = model
            self.kind, self.index, self.sub = array("b"), array("I"), array("I")
            self._seen = (0, 0, 0)
        n_out, n_crash, n_bad = len(model.output), len(model.crashes), len(model.malformed)
        seen_out, seen_crash, seen_bad = self._seen
        if (n_out, n_crash, n_bad) == self._seen:
            return
        added = n_out - seen_out
        self.kind.extend(array("b", bytes(added)))
        self.index.extend(range(seen_out, n_out))
        self.sub.extend(array("I", bytes(4 * added)))
        for c in range(seen_crash, n_crash):
            lines = model.crashes[c].text.count("\n") + 1
            self.kind.extend([CRASH] * lines)
            self.index.extend([c] * lines)
            self.sub.extend(range(lines))
        for m in range(seen_bad, n_bad):
            self.kind.append(MALFORMED)
            self.index.append(m)
            self.sub.append(0)
        self._seen = (n_out, n_crash, n_bad)
        self.virtual_size = Size(self.size.width, len(self.kind))
        if self.follow:
            self.scroll_end(animate=False, immediate=True)
        self.refresh()

    def line_text(self, k: int) -> tuple[str, str]:
        """The text of entry ``k`` and its component class (or "")."""
        model = self.model
        assert model is not None
        kind, idx = self.kind[k], self.index[k]
        if kind == OUTPUT:
            out = model.output[idx]
            style = "output--stderr" if out.meta.stream == "stderr" else ""
            return out.text, style
        if kind == CRASH:
            return model.crashes[idx].text.split("\n")[self.sub[k]], "output--crash"
        bad = model.malformed[idx]
        return f"[unparsed {bad.family}] {bad.meta.raw}", "output--malformed"

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        k = round(self.scroll_offset.y) + y
        if not len(self.kind):
            if y == 0:
                text = Text("No program output yet.", style=self.get_component_rich_style("output--empty"))
                return Strip(list(text.render(self.app.console))).crop_extend(0, width, self.rich_style)
            return Strip.blank(width, self.rich_style)
        if k >= len(self.kind):
            return Strip.blank(width, self.rich_style)
        raw, cls = self.line_text(k)
        text = Text(visible(raw), style=self.rich_style + self.get_component_rich_style(cls) if cls else self.rich_style,
                    no_wrap=True, end="")
        if self.pattern:
            match = self.get_component_rich_style("output--current" if k == self.current else "output--match")
            low, q = text.plain.lower(), self.pattern.lower()
            start = low.find(q)
            while start >= 0:
                text.stylize(match, start, start + len(q))
                start = low.find(q, start + len(q))
        x = round(self.scroll_offset.x)
        segments = [s for s in text.render(self.app.console) if s.text != "\n"]
        return Strip(segments).crop_extend(x, x + width, self.rich_style)

    def search(self, query: str, *, forward: bool = True) -> int | None:
        """Select the next line holding ``query`` (case-insensitive) after the
        current match, or from the top of the view for a new query; returns
        its entry or None."""
        if query != self.pattern:
            self.current = None  # a new query starts from the top of the view
        self.pattern = query
        if not query or not len(self.kind):
            self.current = None
            self.refresh()
            return None
        q = query.lower()
        total = len(self.kind)
        start = self.current if self.current is not None else round(self.scroll_offset.y) - 1
        for step in range(1, total + 1):
            k = (start + (step if forward else -step)) % total
            if q in visible(self.line_text(k)[0]).lower():
                self.current = k
                self.follow = False
                self.scroll_to(y=max(0, k - self.size.height // 2), animate=False, immediate=True)
                self.refresh()
                return k
        self.current = None
        self.refresh()
        return None

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self.follow = False

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self.follow = new >= self.max_scroll_y
