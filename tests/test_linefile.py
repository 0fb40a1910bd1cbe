"""Reading line N back from a log file (the raw line of a cycle loaded in bulk)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.ingest import linefile
from tui.ingest.linefile import LineIndex


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(linefile, "BLOCK", 64)  # many blocks, so seams are tested


def test_every_line_reads_back(tmp_path: Path) -> None:
    lines = [f"line {i} " + "x" * (i % 37) for i in range(1, 500)]
    path = tmp_path / "log"
    path.write_bytes(("\n".join(lines) + "\n").encode())
    lf = LineIndex(path)
    for n in (1, 2, 63, 64, 65, 250, 499):
        assert lf.line(n) == lines[n - 1]
    assert lf.line(0) is None and lf.line(500) is None


def test_a_growing_file_and_a_line_still_being_written(tmp_path: Path) -> None:
    path = tmp_path / "log"
    path.write_bytes(b"a\r\nb\npartial")
    lf = LineIndex(path)
    assert lf.line(1) == "a" and lf.line(2) == "b"
    assert lf.line(3) is None  # no newline yet
    with open(path, "ab") as f:
        f.write(b" line\nnext\n")
    assert lf.line(3) == "partial line" and lf.line(4) == "next"


def test_a_vanished_file_is_none_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "log"
    path.write_bytes(b"a\nb\n")
    lf = LineIndex(path)
    path.unlink()
    assert lf.line(1) is None
