"""Fixtures shared by the whole suite; the helpers behind them live in gorun.py."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from gorun import build_workload


@pytest.fixture(scope="session")
def go_build(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """Return `build(name) -> Path`, which compiles a tests/go workload once per session.

    Without a Go toolchain the tests that use this are skipped on a developer's
    machine, but fail under CI (CI set and non-empty), where Go is installed on
    purpose and a silent skip would hide every real-process test.
    """
    go = shutil.which("go")
    if go is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but `go` is not on PATH: the Go workload tests cannot run", pytrace=False)
        pytest.skip("the Go toolchain (`go`) is not on PATH")
    out_dir = tmp_path_factory.mktemp("go-workloads")
    built: dict[str, Path] = {}

    def build(name: str) -> Path:
        if name not in built:
            built[name] = build_workload(name, out_dir, go=go)
        return built[name]

    return build


@pytest.fixture(scope="session")
def big_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated log big enough that `gctui open` loads it in worker
    processes, shows its tail first, and runs a findings scan of seconds
    (160 MiB: three 64 MiB ranges; written once per test run, in ~4 s)."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("big-log") / "big.log"
    gen = Path(__file__).parent / "bench" / "gen_log.py"
    subprocess.run([sys.executable, str(gen), str(out), "--size", "160M"], check=True, capture_output=True)
    return out
