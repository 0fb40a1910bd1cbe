"""Hypothesis drives ``report``, ``export`` and ``compare`` over flags and the
paths a user can hand them by mistake (issue 12): a directory, a FIFO whose
writer closes, a device, a missing path, an unreadable one, a symlink loop,
an empty file, a 0-byte ``.gz``, a path through a file. Whatever the mix,
gctui exits 0 or 2 with at most one line on stderr and never a traceback.

Each example is a real subprocess (about half a second), so the example
count is bounded to keep this file under a minute.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostile import SAMPLE

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ("good", "dir", "fifo", "devnull", "missing", "unreadable", "loop", "empty", "empty_gz", "through_file",
          "dash")
OUTPUTS = ("new", "dir", "devnull", "devfull", "same", "missing_dir", "dash")
FLAGS = {
    "report": ([], ["--json"], ["--threshold", "stw-long.ms=5"], ["--threshold", "nope"], ["--bogus"]),
    "export": ([], ["--format", "csv"], ["--format", "xml"]),
    "compare": ([], ["--json"], ["--threshold", "gc-frequent.interval_ms=1"]),
}


class Paths:
    """One example's paths, made fresh (a FIFO's writer serves one reader)."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="gctui-fuzz-"))
        self.writers: list[threading.Thread] = []
        self.stop = threading.Event()

    def input(self, kind: str, n: int) -> str:
        d = self.dir
        if kind == "good":
            return str(SAMPLE)
        if kind == "dir":
            return str(d)
        if kind == "fifo":
            path = d / f"fifo{n}"
            os.mkfifo(path)
            writer = threading.Thread(target=self._feed, args=(path,), daemon=True)
            writer.start()
            self.writers.append(writer)
            return str(path)
        if kind == "devnull":
            return os.devnull
        if kind == "missing":
            return str(d / "missing.log")
        if kind == "unreadable":
            # chmod 000 does not stop root; /proc/sys/vm/drop_caches (mode 0200)
            # does. Where neither works this is a second missing path.
            if os.geteuid() != 0:
                path = d / f"locked{n}.log"
                path.write_bytes(SAMPLE.read_bytes())
                path.chmod(0)
                return str(path)
            return "/proc/sys/vm/drop_caches" if Path("/proc/sys/vm/drop_caches").exists() else str(d / "gone")
        if kind == "loop":
            a, b = d / f"loop{n}a", d / f"loop{n}b"
            a.symlink_to(b)
            b.symlink_to(a)
            return str(a)
        if kind in ("empty", "empty_gz"):
            path = d / (f"empty{n}.log" + (".gz" if kind == "empty_gz" else ""))
            path.write_bytes(b"")
            return str(path)
        if kind == "through_file":
            return str(SAMPLE / "child.log")  # ENOTDIR
        return "-"

    def output(self, kind: str, source: str) -> str:
        return {"new": str(self.dir / "out.txt"), "dir": str(self.dir), "devnull": os.devnull,
                "devfull": "/dev/full", "same": source, "missing_dir": str(self.dir / "no" / "out.txt"),
                "dash": "-"}[kind]

    def _feed(self, path: Path) -> None:
        """Open the FIFO once a reader has (never blocking if none comes),
        write a few lines of a real log, and close it."""
        while not self.stop.is_set():
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as e:
                if e.errno != errno.ENXIO:
                    return
                time.sleep(0.01)
                continue
            try:
                os.set_blocking(fd, True)
                os.write(fd, SAMPLE.read_bytes()[:4096])
            except OSError:
                pass  # the reader went away first
            finally:
                os.close(fd)
            return

    def close(self) -> None:
        self.stop.set()
        for writer in self.writers:
            writer.join(timeout=5)
        shutil.rmtree(self.dir, ignore_errors=True)


def _run(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    with open(os.devnull, "rb") as stdin:
        return subprocess.run([sys.executable, "-m", "tui", *args], stdin=stdin, capture_output=True,
                              cwd=ROOT, timeout=60)


def _check(args: list[str], r: subprocess.CompletedProcess[bytes]) -> None:
    err = r.stderr.decode("utf-8", "replace")
    assert r.returncode in (0, 2), (args, r.returncode, err)
    assert err.count("\n") <= 1 and "Traceback" not in err, (args, err)
    if r.returncode == 2:
        assert err.startswith("gctui: ") and r.stdout == b"", (args, err)


@pytest.mark.parametrize("kind", INPUTS)
@pytest.mark.parametrize("command", sorted(FLAGS))
def test_every_kind_of_path_once(command: str, kind: str) -> None:
    """The examples below mix; this makes sure each kind is met at least once."""
    paths = Paths()
    try:
        args = [command, paths.input(kind, 0)] + ([str(SAMPLE)] if command == "compare" else [])
        r = _run(args)
    finally:
        paths.close()
    _check(args, r)


@settings(max_examples=45, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    command=st.sampled_from(sorted(FLAGS)),
    inputs=st.tuples(st.sampled_from(INPUTS), st.sampled_from(INPUTS)),
    output=st.one_of(st.none(), st.sampled_from(OUTPUTS)),
    flag_choice=st.integers(0, 4),
)
def test_any_path_and_flag_mix_is_0_or_2_with_one_line(command: str, inputs: tuple[str, str],
                                                       output: str | None, flag_choice: int) -> None:
    paths = Paths()
    try:
        first = paths.input(inputs[0], 0)
        args = [command, *FLAGS[command][flag_choice % len(FLAGS[command])], first]
        if command == "compare":
            args.append(paths.input(inputs[1], 1))
        if command == "export" and output is not None:
            args += ["-o", paths.output(output, first)]
        r = _run(args)
    finally:
        paths.close()
    _check(args, r)
