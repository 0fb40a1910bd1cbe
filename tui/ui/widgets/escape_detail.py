"""The selected escape hint, explained: source around it and the compiler's why.

Everything shown comes from the analysis (the source lines it kept when it
ran), so nothing here reads a file; compiler and program text goes through
``rich.text.Text`` with control characters made visible, never markup.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.style import Style
from rich.text import Text

from tui.escapes.analyze import Analysis
from tui.escapes.grouping import display_file, function_name
from tui.escapes.kinds import HEAP_KINDS, LABEL, MEANING
from tui.escapes.ranking import Ranking
from tui.sanitize import visible

CONTEXT_LINES = 2  # source lines shown above and below the hint's line
StyleOf = Callable[[str], Style]


def _caret_offset(line: str, column: int) -> int:
    """Cells before byte column ``column`` (1-based, as the compiler counts)
    once tabs are expanded the way :func:`visible` expands them."""
    prefix = line.encode("utf-8")[: max(0, column - 1)].decode("utf-8", "ignore")
    return len(visible(prefix))


def hint_detail(analysis: Analysis, index: int, ranking: Ranking | None, style: StyleOf) -> Text:
    """The detail of hint ``index``. ``style(name)`` gives the rich style of
    a component class (``escapes--heap``, ``escapes--lineno`` ...)."""
    placed = analysis.hints[index]
    h = placed.hint
    heap = h.hint in HEAP_KINDS
    text = Text(no_wrap=False, end="")
    text.append(LABEL.get(h.hint, h.hint), style=style("escapes--heap" if heap else "escapes--stack"))
    if h.subject:
        text.append(": ")
        text.append(visible(h.subject), style=style("escapes--subject"))
    where = f"{display_file(placed)}:{h.line}" + (f":{h.column}" if h.column else "")
    text.append(f"\n{visible(where)} in {visible(function_name(placed))}", style=style("escapes--muted"))
    if ranking is not None and h.hint in ("moved_to_heap", "escapes_to_heap"):
        text.append("\n" + ranking.describe(index), style=style("escapes--share"))
    _source(text, analysis, index, style)
    if h.explanation:
        text.append("\nWhy, as the compiler explains it:", style=style("escapes--heading"))
        for line in h.explanation:
            text.append("\n  " + visible(line))
    elif h.message and h.message != f"{LABEL.get(h.hint)}: {h.subject}":
        text.append("\nThe compiler says: ", style=style("escapes--heading"))
        text.append(visible(h.message))
    text.append("\n" + MEANING.get(h.hint, ""), style=style("escapes--muted"))
    return text


def _source(text: Text, analysis: Analysis, index: int, style: StyleOf) -> None:
    placed = analysis.hints[index]
    lines = analysis.sources.get(placed.path or "", ())
    line_no = placed.hint.line
    if not lines or not 1 <= line_no <= len(lines):
        return
    first, last = max(1, line_no - CONTEXT_LINES), min(len(lines), line_no + CONTEXT_LINES)
    width = len(str(last))
    text.append("\n")
    for n in range(first, last + 1):
        mark = "▶" if n == line_no else " "
        text.append(f"\n{mark}{n:>{width}} │ ", style=style("escapes--lineno"))
        text.append(visible(lines[n - 1]), style=style("escapes--current") if n == line_no else "")
        if n == line_no and placed.hint.column:
            offset = _caret_offset(lines[n - 1], placed.hint.column)
            text.append(f"\n {' ' * width} │ " + " " * offset, style=style("escapes--lineno"))
            text.append("^", style=style("escapes--caret"))
    text.append("\n")
