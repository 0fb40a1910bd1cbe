"""Lower panel 3: the program's own output, crash text and lines gctui could
not parse, searchable.

Drawn virtually (only visible lines are built) over an index of three
compact arrays, so a program that printed a million lines costs a few bytes
a line here. Every line is shown as the characters it holds: ``[bold]``
stays brackets, an escape sequence shows as ``^[[...``.

Search works as in less: every matching line is counted, the current match
is marked and shown whole (wrapped over as many rows as it needs, the lines
after it pushed down), ``n``/``N`` step through the matches. Long lines
are otherwise cut at the panel's edge; ``<``/``>`` pan sideways and ``m``
maximises the panel.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left

from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.model import Model
from tui.ui.view import View
from tui.sanitize import visible

OUTPUT, CRASH, MALFORMED = 0, 1, 2


class OutputLineChosen(Message):
    """The user clicked output entry ``entry``: show it whole, select the cycle nearest it."""

    def __init__(self, entry: int) -> None:
        super().__init__()
        self.entry = entry


class OutputPanel(ScrollView, can_focus=False):
    """Program output in arrival order, with search."""

    ALLOW_MAXIMIZE = True
    COMPONENT_CLASSES = {"output--crash", "output--malformed", "output--match", "output--current",
                         "output--stderr", "output--empty", "output--marker"}
    DEFAULT_CSS = """
    OutputPanel > .output--crash { color: $text-error; }
    OutputPanel > .output--malformed { color: $warning; text-style: italic; }
    OutputPanel:light > .output--malformed { color: $foreground; background: $warning 30%; }
    OutputPanel > .output--match { background: $warning 40%; }
    OutputPanel > .output--current { background: $accent 40%; }
    OutputPanel > .output--stderr { color: $text-muted; }
    OutputPanel > .output--empty { color: $text-muted; }
    OutputPanel > .output--marker { color: $text-accent; text-style: bold; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.model: Model | None = None
        self.kind = array("b")
        self.index = array("I")
        self.sub = array("I")
        self._seen = (0, 0, 0)  # output, crashes, malformed already indexed
        self.pattern = ""  # the search (``query`` would shadow Textual's DOM query())
        self.current: int | None = None  # the entry shown whole: the current match or a clicked line
        self.matches: list[int] = []  # entries holding the pattern, in order
        self._scanned = 0  # entries already searched for the pattern
        self.pan_x = 0  # columns cut off the left of every line but the current one
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
        self._scan()
        self._resize()
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

    # -- the current entry, shown whole --------------------------------------------------

    def _wrapped(self, k: int) -> list[Text]:
        """Entry ``k`` cut into rows of the panel's width (after a marker)."""
        text = self._styled(k)
        text.no_wrap = False
        width = max(8, self.size.width - 2)
        return list(text.wrap(self.app.console, width)) or [Text("")]

    def _extra(self) -> int:
        """Rows the current entry takes beyond its own one."""
        if self.current is None or self.current >= len(self.kind):
            return 0
        return len(self._wrapped(self.current)) - 1

    def _resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.kind) + self._extra())

    def on_resize(self) -> None:
        self._resize()

    def _styled(self, k: int) -> Text:
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
        return text

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        row = round(self.scroll_offset.y) + y
        if not len(self.kind):
            if y == 0:
                text = Text("No program output yet.", style=self.get_component_rich_style("output--empty"))
                return Strip(list(text.render(self.app.console))).crop_extend(0, width, self.rich_style)
            return Strip.blank(width, self.rich_style)
        k, part = row, None
        current = self.current
        if current is not None and row > current:
            extra = self._extra()
            k, part = (current, row - current) if row <= current + extra else (row - extra, None)
        if current is not None and row == current:
            part = 0
        if k >= len(self.kind):
            return Strip.blank(width, self.rich_style)
        if part is not None:  # a row of the current entry: whole, after a marker
            marker = self.get_component_rich_style("output--marker")
            line = Text("▶ " if part == 0 else "  ", style=marker, end="")
            line.append_text(self._wrapped(k)[part])
            segments = [s for s in line.render(self.app.console) if s.text != "\n"]
            return Strip(segments).crop_extend(0, width, self.rich_style)
        x = self.pan_x
        segments = [s for s in self._styled(k).render(self.app.console) if s.text != "\n"]
        return Strip(segments).crop_extend(x, x + width, self.rich_style)

    def pan(self, direction: int) -> None:
        """Move the view sideways by half a panel (never left of column 0)."""
        self.pan_x = max(0, self.pan_x + direction * max(8, self.size.width // 2))
        self.refresh()

    # -- search ---------------------------------------------------------------------------

    def _scan(self) -> None:
        """Search the entries that arrived since the last scan for the pattern."""
        total = len(self.kind)
        if self.pattern and self._scanned < total:
            q = self.pattern.lower()
            self.matches.extend(k for k in range(self._scanned, total)
                                if q in visible(self.line_text(k)[0]).lower())
        self._scanned = total

    def search(self, query: str, *, forward: bool = True) -> int | None:
        """Find every line holding ``query`` (case-insensitive) and make the
        first one at or below the top of the view current (the next one when
        the same query is asked again); returns its entry or None."""
        if query == self.pattern and self.matches:
            return self.step(1 if forward else -1)
        self.pattern, self.matches, self._scanned = query, [], 0
        self.current = None
        if query:
            self._scan()
        if not self.matches:
            self.current = None
            self._resize()
            self.refresh()
            return None
        top = round(self.scroll_offset.y)
        after = [k for k in self.matches if k >= top]
        return self._make_current(after[0] if after else self.matches[0])

    def step(self, delta: int) -> int | None:
        """The next (``delta`` 1) or previous (-1) match, wrapping around."""
        if not self.matches:
            return None
        if self.current in self.matches:
            pos = self.matches.index(self.current) + delta
        else:
            pos = bisect_left(self.matches, self.current or 0) if delta > 0 else \
                bisect_left(self.matches, self.current or 0) - 1
        return self._make_current(self.matches[pos % len(self.matches)])

    def position(self) -> tuple[int, int]:
        """(1-based number of the current match, how many matches): ``3/17``."""
        if self.current in self.matches:
            return self.matches.index(self.current) + 1, len(self.matches)
        return 0, len(self.matches)

    def end_search(self) -> None:
        self.pattern, self.matches, self._scanned, self.current = "", [], 0, None
        self._resize()
        self.refresh()

    def choose(self, k: int) -> None:
        """Show entry ``k`` whole (a click on it)."""
        self._make_current(k)

    def _make_current(self, k: int) -> int:
        self.current = k
        self.follow = False
        self._resize()
        self.scroll_to(y=max(0, k - self.size.height // 3), animate=False, immediate=True)
        self.refresh()
        return k

    def line_no(self, k: int) -> int | None:
        """The input line number of entry ``k`` (for the cycle nearest it)."""
        model = self.model
        if model is None:
            return None
        kind, idx = self.kind[k], self.index[k]
        if kind == OUTPUT:
            return model.output.line_no[idx]
        if kind == CRASH:
            return model.crashes[idx].meta.line_no + self.sub[k]
        return model.malformed[idx].meta.line_no

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not len(self.kind):
            return
        row = round(self.scroll_offset.y) + offset.y
        extra = self._extra()
        if self.current is not None and row > self.current:
            row = self.current if row <= self.current + extra else row - extra
        if 0 <= row < len(self.kind):
            self.post_message(OutputLineChosen(row))

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self.follow = False

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self.follow = new >= self.max_scroll_y
