"""The layers stay apart: parsers and the Textual-free half of tui never load a UI library."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import parsers
import tui

ROOT = Path(__file__).resolve().parent.parent
# The one subpackage of tui/ allowed to import Textual (and Rich, to render).
UI_MODULES = ("tui.ui",)


def _modules(package: object) -> list[str]:
    return [
        m.name
        for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")  # type: ignore[attr-defined]
        if not m.name.startswith(UI_MODULES)
    ]


def test_pure_modules_do_not_load_textual_or_rich() -> None:
    names = _modules(parsers) + _modules(tui)
    assert "parsers.stream" in names
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "", f"UI libraries loaded by pure modules: {out.stdout}"


def test_parsers_source_never_mentions_ui_imports() -> None:
    for path in (ROOT / "parsers").rglob("*.py"):
        text = path.read_text()
        for word in ("import textual", "from textual", "import rich", "from rich"):
            assert word not in text, f"{path.name} has {word!r}"
