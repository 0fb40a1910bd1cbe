"""Record the demo capture: ``python -m tui.demo.record [--act 12s]``.

Builds the bundled demo program (tui/data/demo) with the local Go toolchain,
runs it with gctrace, schedtrace and scheddetail on, and writes every line of
its stdout and stderr in the CRI log format kubelet uses
(``<RFC3339Nano> <stream> F <line>``), stamped when the line arrived. gctui's
parser reads that format natively, and the replay uses the stamps to keep the
recorded pace. Output: tui/data/demo/story.log.gz.
"""

from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"
GODEBUG = "gctrace=1,schedtrace=1000,scheddetail=1"


def stamp(t: float) -> str:
    whole = datetime.fromtimestamp(int(t), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{whole}.{int((t % 1) * 1e9):09d}Z"


def record(act: str, out: Path) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        binary = Path(tmp) / "demo"
        subprocess.run(["go", "build", "-o", str(binary), "."], cwd=DEMO_DIR, check=True)
        env = dict(os.environ, GODEBUG=GODEBUG, GOMAXPROCS="2")
        env.pop("GOGC", None)
        env.pop("GOMEMLIMIT", None)
        proc = subprocess.Popen(
            [str(binary), "-act", act], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        )
        lines: list[tuple[float, str, bytes]] = []
        lock = threading.Lock()

        def pump(fd: int, stream: str) -> None:
            pending = b""
            while chunk := os.read(fd, 65536):
                now = time.time()
                pending += chunk
                *complete, pending = pending.split(b"\n")
                with lock:
                    lines.extend((now, stream, line) for line in complete)
            if pending:
                with lock:
                    lines.append((time.time(), stream, pending))

        assert proc.stdout is not None and proc.stderr is not None
        threads = [
            threading.Thread(target=pump, args=(proc.stdout.fileno(), "stdout")),
            threading.Thread(target=pump, args=(proc.stderr.fileno(), "stderr")),
        ]
        for t in threads:
            t.start()
        status = proc.wait()
        for t in threads:
            t.join()
    lines.sort(key=lambda item: item[0])
    with gzip.open(out, "wb", compresslevel=9) as f:
        for when, stream, line in lines:
            f.write(f"{stamp(when)} {stream} F ".encode() + line + b"\n")
    print(f"wrote {len(lines)} lines to {out} (program exit status {status})")
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--act", default="12s", help="length of each of the four acts")
    parser.add_argument("--out", type=Path, default=DEMO_DIR / "story.log.gz")
    args = parser.parse_args(argv)
    return record(args.act, args.out)


if __name__ == "__main__":
    sys.exit(main())
