"""Rerunning the analysis when the source changes (watchfiles).

The watcher covers the module root, as the analysis cache does
(:mod:`.cache`): a change in any Go file of the module, or in go.mod,
go.sum or go.work, can change the package's verdicts. Editors save in
bursts (a temporary file, a rename, a chmod), so changes are debounced and
delivered as one call. Blocking by design: run :meth:`SourceWatcher.run`
in a worker thread and set ``stop`` to end it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from watchfiles import DefaultFilter, watch

from tui.escapes.cache import MODULE_FILES, SKIP_DIRS
from tui.escapes.locate import find_module

DEBOUNCE_MS = 400


class GoSourceFilter(DefaultFilter):
    """Go files and module files only, outside hidden and test-data folders."""

    def __init__(self) -> None:
        super().__init__(ignore_dirs=(*DefaultFilter.ignore_dirs, *SKIP_DIRS))

    def __call__(self, change: object, path: str) -> bool:
        name = os.path.basename(path)
        if not (name.endswith(".go") or name in MODULE_FILES):
            return False
        return super().__call__(change, path)  # type: ignore[arg-type]


def watch_root(package_dir: str) -> str:
    """The folder to watch for a package: its module root, else itself."""
    module = find_module(package_dir)
    return str(module[0]) if module else package_dir


class SourceWatcher:
    """Calls ``on_change(paths)`` after Go source under ``root`` changes."""

    def __init__(self, root: str | Path, debounce_ms: int = DEBOUNCE_MS) -> None:
        self.root = os.fspath(root)
        self.debounce_ms = debounce_ms

    def run(self, on_change: Callable[[list[str]], None], stop: threading.Event) -> None:
        """Watch until ``stop`` is set (checked every 100 ms by watchfiles)."""
        for changes in watch(self.root, watch_filter=GoSourceFilter(), stop_event=stop,
                             debounce=self.debounce_ms, step=100, raise_interrupt=False):
            if stop.is_set():
                return
            on_change(sorted({path for _change, path in changes}))


def start_watching(root: str, on_change: Callable[[list[str]], None],
                   on_error: Callable[[str], None]) -> threading.Event:
    """Watch ``root`` in a daemon thread until the returned event is set.

    A thread of its own rather than a Textual worker: it lives as long as
    the app, and ``app.workers.wait_for_complete()`` would wait for it for
    ever. ``on_error`` gets one line if watching fails (an inotify limit, a
    folder removed); the callbacks run in that thread.
    """
    stop = threading.Event()

    def run() -> None:
        try:
            SourceWatcher(root).run(on_change, stop)
        except Exception as err:
            if not stop.is_set():
                on_error(f"not watching {root} for changes: {err}")

    threading.Thread(target=run, name="gctui-escapes-watch", daemon=True).start()
    return stop
