"""One row per GC cycle, drawn virtually: only the rows on screen are built.

A million cycles cost nothing until they scroll into view; each visible row
is formatted from the columns on demand (``render_line``), so a redraw is
O(height) whatever the store holds. Columns that do not fit are dropped,
least useful first, so the table reads at 80 columns as at 200.

Where the program restarted (its cycle numbers start over) a separator row
says so, so ``gc 171`` followed by ``gc 1`` never reads as a glitch: visual
rows are store rows shifted by the separators above them.

The whole stream of several pods interleaves their cycles: a ``pod`` column
then names each row's pod, and its numbers are that pod's own
(:mod:`tui.ui.pod_rows`), so the interval is to the same pod's previous
cycle, not to whichever pod printed the line before.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from parsers.columns import FORCED, LEAK_CHECK, MISSING_U32
from tui.model import Model
from tui.model.cycles import CycleStore
from tui.ui.pod_rows import PodRows
from tui.ui.runs import hms
from tui.ui.view import View
from tui.ui.widgets.messages import CycleChosen


def _ms(v: float) -> str:
    if math.isnan(v):
        return "-"
    return f"{v:.3f}" if v < 10 else f"{v:.1f}" if v < 1000 else f"{v:.0f}"


def clock(t_s: float) -> str:
    """A cycle's start for the table: ``47.806s``, ``2m30.5s``, ``65h45m``
    (a bare ``236734`` seconds reads as nothing)."""
    if t_s < 60:
        return f"{t_s:.3f}s"
    if t_s < 3600:
        minutes, secs = divmod(t_s, 60)
        return f"{int(minutes)}m{secs:04.1f}s"
    return hms(t_s)


def _mb(v: int) -> str:
    return "?" if v == MISSING_U32 else str(v)


def _cell(store: CycleStore, name: str, i: int) -> str:
    c = store.cols
    if name == "n":
        return str(c.n[i])
    if name == "t":
        t = c.t_ms[i]
        return "-" if t == MISSING_U32 else clock(t / 1000)
    if name == "interval":
        v = store.interval_s[i] * 1000
        return "-" if math.isnan(v) else f"{v:.1f}" if v < 1000 else f"{v:.0f}"
    if name == "stw":
        return _ms(c.stw_ms[i])
    if name == "mark":
        return _ms(c.mark_ms[i])
    if name == "assist":
        v = store.assist_share[i]
        return "-" if math.isnan(v) else f"{v * 100:.0f}%"
    if name == "heap":
        return f"{_mb(c.heap_start_mb[i])}→{_mb(c.heap_end_mb[i])}→{_mb(c.heap_live_mb[i])}"
    if name == "goal":
        return _mb(c.heap_goal_mb[i])
    if name == "cpu":
        v = store.gc_cpu[i]
        return "-" if math.isnan(v) else f"{v * 100:.1f}"
    if name == "forced":
        # One cell for the two marks: a Go 1.26 leak-check cycle (``L``) is
        # usually forced too (a leak profile asks for it); the detail says both.
        flags = c.flags[i]
        return "L" if flags & LEAK_CHECK else "F" if flags & FORCED else ""
    raise KeyError(name)


# (name, header, width, priority: lower is dropped last), in display order.
COLUMNS: tuple[tuple[str, str, int, int], ...] = (
    ("pod", "pod", 0, 1),  # only for a stream of several pods: its width is their short names'
    ("n", "gc", 6, 0),
    ("t", "at", 8, 3),
    ("interval", "intvl ms", 8, 4),
    ("stw", "STW ms", 6, 0),
    ("mark", "mark", 5, 5),
    ("assist", "asst", 4, 6),
    ("heap", "heap s→e→live", 14, 1),
    ("goal", "goal", 5, 2),
    ("cpu", "GC%", 5, 5),
    ("forced", "F", 1, 7),
)
RIGHT = {"n", "t", "interval", "stw", "mark", "assist", "goal", "cpu"}


POD_WIDTH = (3, 10)  # the pod column's least and most cells (longer names are cut, marked …)


@lru_cache(maxsize=16)
def fit_columns(width: int, pod_width: int = 0) -> tuple[tuple[str, str, int], ...]:
    """The columns that fit ``width`` cells, dropping the least useful first;
    a ``pod`` column ``pod_width`` wide when that is not 0."""
    pod = min(max(pod_width, POD_WIDTH[0]), POD_WIDTH[1])
    chosen = [(n, h, pod, p) if n == "pod" else (n, h, w, p) for n, h, w, p in COLUMNS if n != "pod" or pod_width]
    while chosen and sum(c[2] + 1 for c in chosen) > width and len(chosen) > 1:
        worst = max(chosen, key=lambda c: (c[3], -[n for n, *_ in COLUMNS].index(c[0])))
        chosen.remove(worst)
    return tuple((name, head, w) for name, head, w, _ in chosen)


class CycleTable(ScrollView, can_focus=False):
    """The cycle table. The app moves the selection; the table keeps it in view."""

    ALLOW_MAXIMIZE = True  # `m` fills the screen with it

    COMPONENT_CLASSES = {"cycle-table--header", "cycle-table--cursor", "cycle-table--long",
                         "cycle-table--forced", "cycle-table--run"}
    DEFAULT_CSS = """
    CycleTable { height: 1fr; overflow-x: hidden; }
    CycleTable > .cycle-table--header { text-style: bold; color: $text-accent; }
    CycleTable > .cycle-table--cursor { background: $accent 40%; text-style: bold; }
    CycleTable > .cycle-table--long { color: $text-error; text-style: bold; }
    CycleTable > .cycle-table--forced { color: $warning; }
    CycleTable:light > .cycle-table--header { color: $text-primary; }
    CycleTable:light > .cycle-table--forced { color: $foreground; background: $warning 40%; }
    CycleTable:light > .cycle-table--run { color: $text-primary; }
    CycleTable > .cycle-table--run { color: $text-accent; text-style: bold; }
    """

    def __init__(self, *, long_pause_ms: float = 10.0, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.store: CycleStore | None = None
        self.count = 0
        self.selected: int | None = None
        self.long_pause_ms = long_pause_ms
        self._styles: dict[str, Style] | None = None
        self.model: Model | None = None
        self.breaks: list[int] = []  # visual body rows of the run separators, rising
        self._break_key: tuple[object, ...] = ()
        self.pods: PodRows | None = None  # the pods of a multi-pod stream's whole stream

    def show(self, view: View) -> None:
        if not view.sources:
            self.pods = None
        elif self.pods is None or self.pods.model is not view.model or self.pods.sources.keys() != view.sources.keys():
            self.pods = PodRows(view.model, view.sources)
        self.model = view.model
        self.store = view.model.cycles
        self.count = view.count
        self.selected = view.selected
        self._find_breaks()
        self.virtual_size = Size(self.size.width, self.count + len(self.breaks) + 1)
        if self.selected is not None:
            self._keep_in_view(self.selected)
            # Again once the new virtual size is laid out: a scroll asked for
            # before then is clamped to the old size (seen as a table showing
            # gc 1 with the newest cycle selected, off screen).
            self.call_after_refresh(self._keep_in_view, self.selected)
        self.refresh()

    def _find_breaks(self) -> None:
        """Where each run after the first starts, as visual rows (one separator each)."""
        store, count = self.store, self.count
        last = store.cols.segment[count - 1] if store is not None and count else 0
        key = (id(store), count if last else 0, last)
        if key == self._break_key or store is None:
            return
        self._break_key = key
        starts = [store.segment_range(seg)[0] for seg in range(1, last + 1)]
        self.breaks = [start + j for j, start in enumerate(starts) if start < count]

    def visual_row(self, index: int) -> int:
        """The body row (0 = first under the header) that shows store row ``index``."""
        j = 0
        while j < len(self.breaks) and self.breaks[j] - j <= index:
            j += 1
        return index + j

    def store_row(self, row: int) -> int | None:
        """The store row at body row ``row``; None for a run separator."""
        j = bisect_left(self.breaks, row)
        if j < len(self.breaks) and self.breaks[j] == row:
            return None
        return row - bisect_right(self.breaks, row)

    def _keep_in_view(self, index: int) -> None:
        y = self.visual_row(index) + 1  # the header takes the first line
        top = round(self.scroll_offset.y)
        body = max(1, self.scrollable_content_region.height - 1)
        if y - 1 < top:
            above = y - 2 if y >= 2 and self.store_row(y - 2) is None else y - 1  # its run's separator too
            self.scroll_to(y=above, animate=False, immediate=True)
        elif y > top + body:
            self.scroll_to(y=y - body, animate=False, immediate=True)

    def page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 2)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None

    def _style(self, name: str) -> Style:
        """Component styles, looked up once per theme change, not per cell."""
        if self._styles is None:
            self._styles = {c: self.get_component_rich_style(c) for c in self.COMPONENT_CLASSES}
        return self._styles[name]

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width  # the scrollbar is not room for a column
        pods = self.pods
        columns = fit_columns(width, pods.width if pods is not None else 0)
        if y == 0:
            return self._row_strip([(h, n) for n, h, _ in columns], columns, self._style("cycle-table--header"), width)
        store = self.store
        index = self.store_row(round(self.scroll_offset.y) + y - 1)
        if index is None and store is not None:
            return self._separator(round(self.scroll_offset.y) + y - 1, width)
        if store is None or index is None or index >= self.count:
            return Strip.blank(width, self.rich_style)
        found = pods.find(index) if pods is not None else None
        if found is not None:  # the pod's own row: its interval and GC CPU are to its own previous cycle
            pod, pod_store, j = found
            cells = [(pod if name == "pod" else _cell(pod_store, name, j), name) for name, _, _ in columns]
        else:
            cells = [("?" if name == "pod" else _cell(store, name, index), name) for name, _, _ in columns]
        base = self.rich_style
        if index == self.selected:
            base = base + self._style("cycle-table--cursor")
        strip = self._row_strip(cells, columns, base, width, index)
        return strip

    def _row_strip(self, cells: list[tuple[str, str]], columns: tuple[tuple[str, str, int], ...],
                   base: Style, width: int, index: int | None = None) -> Strip:
        segments: list[Segment] = []
        long_style = self._style("cycle-table--long")
        forced_style = self._style("cycle-table--forced")
        for (text, name), (_, _, w) in zip(cells, columns):
            if len(text) > w:  # never a cut number that reads as another: mark the cut
                text = text[: w - 1] + "…"
            text = text.rjust(w) if name in RIGHT else text.ljust(w)
            style = base
            if index is not None and self.store is not None:
                if name == "stw" and self.store.cols.stw_ms[index] >= self.long_pause_ms:
                    style = base + long_style
                elif name == "forced" and text.strip():
                    style = base + forced_style
            segments.append(Segment(text, style))
            segments.append(Segment(" ", base))
        used = sum(w + 1 for _, _, w in columns)
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        return Strip(segments).crop(0, width)

    def _separator(self, row: int, width: int) -> Strip:
        """``── run 2 · restart at line 323 ──``: where the cycle numbers start over."""
        segment = self.breaks.index(row) + 1
        text = f"── run {segment + 1}"
        model = self.model
        if model is not None and segment < len(model.segments):
            info = model.segments[segment]
            text += f" · {info.reason} at line {info.line_no:,}"
        text = (text + " ").ljust(width, "─")
        return Strip([Segment(text, self.rich_style + self._style("cycle-table--run"))]).crop(0, width)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)  # the border above the header is not a row
        if offset is None or offset.y <= 0:
            return
        index = self.store_row(round(self.scroll_offset.y) + offset.y - 1)
        if index is not None and 0 <= index < self.count:
            self.post_message(CycleChosen(index))
