"""Analyses kept per source tree state, so the compiler reruns only on change.

The state of a tree is the name, size and modification time of every Go
file of the module holding the package, plus its ``go.mod``, ``go.sum`` and
``go.work``: a change in another package of the module can change this
package's verdicts (the compiler reads the escape tags of what it imports),
so the whole module counts. Reading the directory entries is far cheaper
than a build, and a file saved with the same size and timestamp is the only
change it misses.

Thread-safe: two workers asking for the same state wait for one build.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable

from tui.escapes.analyze import Analysis, analyse
from tui.escapes.locate import SourceDir, find_module
from tui.escapes.toolchain import Toolchain

MODULE_FILES = frozenset({"go.mod", "go.sum", "go.work", "go.work.sum"})
MAX_FILES = 50_000  # a huge monorepo: the state covers this many files, then stops
SKIP_DIRS = frozenset({"node_modules", "testdata"})


def tree_state(source: SourceDir) -> str:
    """A digest of everything the package's verdicts can depend on."""
    module = find_module(source.path)
    root = str(module[0]) if module else source.path
    digest = hashlib.sha256(f"{source.path}\0{source.targets}\0{root}".encode())
    seen = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")) and d not in SKIP_DIRS)
        for name in sorted(files):
            if not (name.endswith(".go") or name in MODULE_FILES):
                continue
            try:
                st = os.stat(os.path.join(folder, name))
            except OSError:
                continue
            rel = os.path.relpath(os.path.join(folder, name), root)
            digest.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
            seen += 1
            if seen >= MAX_FILES:
                return digest.hexdigest()
    return digest.hexdigest()


class AnalysisCache:
    """The last few analyses, by (toolchain, mode, tree state)."""

    def __init__(self, max_entries: int = 8) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[str, str, str], Analysis] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[tuple[str, str, str], threading.Lock] = {}
        self.builds = 0  # how many times the compiler ran (for tests and the status line)

    def get(self, source: SourceDir, toolchain: Toolchain, *, mode: str = "auto",
            stop: threading.Event | None = None,
            run: Callable[..., Analysis] = analyse) -> Analysis:
        """The cached analysis of this state, or a new one."""
        key = (f"{toolchain.go}\0{toolchain.version}", mode, tree_state(source))
        with self._lock:
            lock = self._building.setdefault(key, threading.Lock())
        with lock:
            with self._lock:
                found = self._entries.get(key)
                if found is not None:
                    self._entries.move_to_end(key)
                    return found
            result = run(source, toolchain=toolchain, mode=mode, stop=stop)
            with self._lock:
                self.builds += 1
                self._entries[key] = result
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
                self._building.pop(key, None)
            return result


SHARED = AnalysisCache()  # one per process: the panel and the command share it
