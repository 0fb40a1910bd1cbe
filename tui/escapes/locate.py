"""Where the watched program's source is, so its escape hints can be computed.

In order: the directory the user gave (``--src DIR``, ``gctui escapes
DIR``); the package of a ``go run PKG`` command; the package of the binary
being run or attached to, when the current directory (gctui's, or the
attached process's) lies in the module that binary was built from. The
binary's build information names its main package and module
(:mod:`tui.sources.buildinfo`), and ``go.mod`` names the module of a directory, so
the match needs neither the go command nor a guess. When nothing matches,
:class:`NoSource` says how to point gctui at the source.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tui.sources.buildinfo import BuildInfoError, read_buildinfo
from tui.sources.gobuild import GoRunError, is_go_run, parse_go_run

_MODULE = re.compile(r'^\s*module\s+"?([^"\s]+)"?', re.MULTILINE)
HOW_TO = "give gctui the directory of its main package: gctui run --src DIR -- ..., or gctui escapes DIR"


@dataclass(frozen=True, slots=True)
class SourceQuery:
    """What is known about the program: ``src_dir`` as given, the command
    that runs it and where (``command``, ``cwd``), or the ``pid`` of a process
    already running."""

    src_dir: str | None = None
    command: tuple[str, ...] = ()
    cwd: str | None = None
    pid: int | None = None

    @classmethod
    def for_source(cls, source: object, src_dir: str | None = None) -> SourceQuery:
        """The query for a gctui source: a launched command (``argv``,
        ``cwd``) or an attached process (``pid``); others have no program."""
        argv = tuple(getattr(source, "argv", ()) or ())
        pid = getattr(source, "pid", None) if not argv else None
        return cls(src_dir, argv, getattr(source, "cwd", None), pid if isinstance(pid, int) else None)


@dataclass(frozen=True, slots=True)
class SourceDir:
    """A package to analyse: ``path`` is its absolute directory, ``targets``
    what ``go build`` is given there (``.``, or the files of ``go run a.go``),
    ``how`` how it was found, for the panel's status line."""

    path: str
    how: str
    targets: tuple[str, ...] = (".",)


@dataclass(frozen=True, slots=True)
class NoSource:
    """No source found; ``message`` says why and what to do, in one line."""

    message: str


def find_module(directory: str | os.PathLike[str]) -> tuple[Path, str] | None:
    """``(module root, module path)`` of the ``go.mod`` at or above ``directory``."""
    here = Path(os.path.abspath(directory))
    for folder in (here, *here.parents):
        gomod = folder / "go.mod"
        try:
            text = gomod.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        match = _MODULE.search(text)
        return (folder, match.group(1)) if match else None
    return None


def locate(query: SourceQuery) -> SourceDir | NoSource:
    """The package whose escape hints belong to the program of ``query``."""
    cwd = os.path.abspath(query.cwd or os.getcwd())
    if query.src_dir is not None:
        path = os.path.abspath(os.path.join(cwd, query.src_dir))
        if not os.path.isdir(path):
            return NoSource(f"{query.src_dir}: no such directory")
        return SourceDir(path, f"--src {query.src_dir}")
    if query.command and is_go_run(query.command):
        return _go_run_package(query.command, cwd)
    binary, dirs = None, [cwd]
    if query.command:
        binary = _resolve(query.command[0], cwd)
    elif query.pid is not None:
        binary, process_cwd = f"/proc/{query.pid}/exe", _process_cwd(query.pid)
        dirs = [d for d in (process_cwd, cwd) if d]
    if binary is None:
        return NoSource(f"no Go program to find the source of: {HOW_TO}")
    return _binary_package(binary, dirs)


def _go_run_package(command: Sequence[str], cwd: str) -> SourceDir | NoSource:
    """The package ``go run`` builds: a directory, files, or an import path
    inside the module of ``cwd``."""
    try:
        plan = parse_go_run(command, cwd)
    except GoRunError as err:
        return NoSource(f"{str(err).removeprefix('gctui: ')}; {HOW_TO}")
    first = plan.packages[0]
    how = f"go run {' '.join(plan.packages)}"
    if first.endswith(".go"):
        folders = {os.path.dirname(os.path.join(cwd, f)) for f in plan.packages}
        if len(folders) != 1:
            return NoSource(f"{how}: the files are in several directories; {HOW_TO}")
        return SourceDir(os.path.abspath(folders.pop()), how, tuple(os.path.basename(f) for f in plan.packages))
    if first.startswith((".", "/")) or os.path.isabs(first):
        return SourceDir(os.path.abspath(os.path.join(cwd, first)), how)
    module = find_module(cwd)
    if module is not None:
        root, path = module
        if first == path or first.startswith(path + "/"):
            return SourceDir(str(root / first[len(path):].lstrip("/")), how)
    return NoSource(f"{how}: {first} is not a package of the module here; {HOW_TO}")


def _binary_package(binary: str, dirs: Sequence[str]) -> SourceDir | NoSource:
    """The main package of ``binary`` when one of ``dirs`` is in its module."""
    name = os.path.basename(binary)
    try:
        info = read_buildinfo(binary)
    except (OSError, BuildInfoError) as err:
        return NoSource(f"cannot read the build information of {name} ({err}); {HOW_TO}")
    if not info.path or not info.main_module or info.path == "command-line-arguments":
        return NoSource(f"{name} does not record the package it was built from; {HOW_TO}")
    for folder in dirs:
        module = find_module(folder)
        if module is None or module[1] != info.main_module:
            continue
        root, path = module
        if info.path != path and not info.path.startswith(path + "/"):
            continue
        package = root / info.path[len(path):].lstrip("/")
        if package.is_dir():
            where = "the current directory" if os.path.abspath(folder) == str(package) else f"module {path}"
            return SourceDir(str(package), f"{info.path} ({where})")
    return NoSource(f"{name} was built from {info.path}, which is not here; {HOW_TO}")


def _resolve(command: str, cwd: str) -> str | None:
    """The executable a command name runs (as exec looks it up)."""
    if os.sep in command:
        return os.path.join(cwd, command)
    return shutil.which(command)


def _process_cwd(pid: int) -> str | None:
    """The working directory of a running process (None when not allowed)."""
    try:
        return os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        try:
            import psutil

            return str(psutil.Process(pid).cwd())
        except Exception:  # psutil.Error, or no such process any more
            return None
