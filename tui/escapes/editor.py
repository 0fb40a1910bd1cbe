"""The command that opens the user's editor at a file, line and column.

``$VISUAL`` then ``$EDITOR`` (then ``vi``), split as a shell would, so
``EDITOR="code --wait"`` works. Editors disagree on how to be told a line:
most take ``+LINE FILE``; some also take a column, some want
``FILE:LINE:COL`` or a flag. Unknown editors get ``+LINE``, which the vi
and emacs families and most others understand.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping

_GOTO_FLAG = frozenset({"code", "code-insiders", "codium", "cursor", "windsurf"})
_PATH_LINE_COL = frozenset({"subl", "sublime_text", "zed", "hx", "helix"})
_PLUS_LINE_COL = frozenset({"emacs", "emacsclient", "micro"})
_PLUS_LINE_COMMA_COL = frozenset({"nano", "pico"})


def editor_argv(environ: Mapping[str, str] | None = None) -> list[str]:
    """The editor command line from the environment."""
    env = os.environ if environ is None else environ
    text = env.get("VISUAL") or env.get("EDITOR") or "vi"
    try:
        argv = shlex.split(text)
    except ValueError:
        argv = text.split()
    return argv or ["vi"]


def editor_command(path: str, line: int, column: int | None = None,
                   environ: Mapping[str, str] | None = None) -> list[str]:
    """The full command that opens ``path`` at ``line`` (and ``column``)."""
    argv = editor_argv(environ)
    name = os.path.basename(argv[0]).removesuffix(".exe")
    col = column or 1
    if name in _GOTO_FLAG:
        return [*argv, "--goto", f"{path}:{line}:{col}"]
    if name in _PATH_LINE_COL:
        return [*argv, f"{path}:{line}:{col}"]
    if name in _PLUS_LINE_COL:
        return [*argv, f"+{line}:{col}", path]
    if name in _PLUS_LINE_COMMA_COL:
        return [*argv, f"+{line},{col}", path]
    return [*argv, f"+{line}", path]
