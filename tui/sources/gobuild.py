"""``go run PKG [ARGS]`` as a build, then a run of the binary.

Launched as is, ``go run`` is two Go programs on one stderr: the go command
(which compiles, and prints its own gc lines under an inherited
``GODEBUG=gctrace=1``) and then the program. Their cycle numbers would
interleave into false restarts, and psutil would sample the go command rather
than the program. So gctui splits the command the way ``go run`` parses it
(build flags, then one package or a list of ``.go`` files, then the program's
arguments), builds with ``go build -o``, and watches the binary alone.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tui.sources.children import die_with_gctui

# Build flags of `go run`/`go build` that take a separate value argument
# (go help build, Go 1.19 to 1.23). Every other flag is boolean, or carries
# its value after '=' in the same argument (-buildvcs=false, -race=true).
VALUE_FLAGS = frozenset(
    {
        "C", "p", "asmflags", "buildmode", "compiler", "gccgoflags", "gcflags",
        "installsuffix", "ldflags", "mod", "modfile", "overlay", "pgo", "pkgdir",
        "tags", "toolexec", "coverpkg", "covermode", "exec",
    }
)  # fmt: skip


class GoRunError(ValueError):
    """The ``go run`` command line cannot be built as given; one line for the user."""


@dataclass(frozen=True, slots=True)
class GoRun:
    """A ``go run`` command split the way the go command splits it.

    ``build_flags`` go to ``go build``; ``exec_prefix`` is ``-exec``'s program,
    which runs the binary; ``name`` is the binary's file name (what the
    program sees as ``os.Args[0]``'s base).
    """

    go: str
    build_flags: tuple[str, ...]
    packages: tuple[str, ...]
    program_args: tuple[str, ...]
    exec_prefix: tuple[str, ...]
    name: str


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What ``go build`` did: ``returncode`` None when stopped before it ended."""

    returncode: int | None
    output: str
    binary: Path
    elapsed_s: float


def is_go_run(argv: Sequence[str]) -> bool:
    """True for ``go run ...`` (the go command called by name or by path)."""
    return len(argv) >= 2 and os.path.basename(argv[0]) in ("go", "go.exe") and argv[1] == "run"


def parse_go_run(argv: Sequence[str], cwd: str | None = None) -> GoRun:
    """Split ``go run [build flags] PKG|FILES.go... [ARGS]`` (see is_go_run).

    Mirrors cmd/go's run: flags end at the first non-flag or at ``--``; then
    leading arguments ending in ``.go`` are files, else the next one is the
    package; the rest belong to the program. ``cwd`` is where the go command
    will run, for naming the binary after a relative package directory.
    """
    args = list(argv[2:])
    flags: list[str] = []
    exec_prefix: tuple[str, ...] = ()
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "-":
        arg = args[i]
        i += 1
        if arg == "--":
            break
        name, eq, value = arg.lstrip("-").partition("=")
        if not eq and name in VALUE_FLAGS:
            if i >= len(args):
                raise GoRunError(f"gctui: go run flag {arg} needs a value")
            value = args[i]
            i += 1
        if name == "exec":  # runs the binary, not a build setting
            exec_prefix = tuple(shlex.split(value))
        elif eq or name not in VALUE_FLAGS:
            flags.append(arg)
        else:
            flags.extend((arg, value))
    files = 0
    while i + files < len(args) and args[i + files].endswith(".go"):
        files += 1
    if files:
        packages = tuple(args[i : i + files])
        name = os.path.basename(packages[0])[: -len(".go")]
    elif i < len(args) and not args[i].startswith("-"):
        packages = (args[i],)
        files = 1
        if "@" in packages[0]:
            # go build cannot fetch a pkg@version; go install can.
            raise GoRunError(
                f"gctui: cannot build {packages[0]}: "
                f"run `go install {packages[0]}` and watch the installed binary"
            )
        name = _package_name(packages[0], cwd)
    else:
        raise GoRunError("gctui: go run needs a package or .go files")
    return GoRun(
        go=argv[0],
        build_flags=tuple(flags),
        packages=packages,
        program_args=tuple(args[i + files :]),
        exec_prefix=exec_prefix,
        name=name or "main",
    )


def _package_name(pkg: str, cwd: str | None) -> str:
    """The binary name go would pick: the last path element, skipping a
    major-version suffix (``example.com/tool/v2`` builds ``tool``)."""
    parts = [p for p in pkg.replace("\\", "/").split("/") if p not in ("", ".")]
    if pkg.startswith((".", "/")) or not parts:
        parts = [p for p in Path(os.path.abspath(os.path.join(cwd or os.getcwd(), pkg))).parts if p != "/"]
    if len(parts) > 1 and parts[-1][:1] == "v" and parts[-1][1:].isdigit():
        parts.pop()
    return parts[-1] if parts else "main"


def build(
    plan: GoRun,
    out_dir: Path,
    *,
    env: Mapping[str, str],
    cwd: str | None,
    stop: threading.Event,
) -> BuildResult:
    """Run ``go build -o out_dir/name``, stopping (and killing the go command's
    process group) if ``stop`` is set meanwhile. Raises OSError when the go
    command cannot be started."""
    binary = out_dir / plan.name
    # -C must come first on go build's command line, so the user's flags do.
    cmd = [plan.go, "build", *plan.build_flags, "-o", str(binary), *plan.packages]
    started = time.monotonic()
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=dict(env),
        cwd=cwd,
        start_new_session=True,
        preexec_fn=die_with_gctui(),
    )
    while True:
        try:
            out, _ = proc.communicate(timeout=0.1)
            break
        except subprocess.TimeoutExpired:
            if stop.is_set():
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                out, _ = proc.communicate()
                text = out.decode("utf-8", "replace")
                return BuildResult(None, text, binary, time.monotonic() - started)
    text = out.decode("utf-8", "replace")
    return BuildResult(proc.returncode, text, binary, time.monotonic() - started)


def first_lines(text: str, limit: int = 10) -> str:
    """The head of the compiler's output, for a notice; says how much was cut."""
    lines = [line for line in text.splitlines() if line.strip()]
    head = "\n".join(lines[:limit])
    if len(lines) > limit:
        head += f"\n... ({len(lines) - limit} more lines)"
    return head
