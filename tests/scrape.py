"""Scraping a running gctui's ``--metrics`` endpoint, as Prometheus would.

gctui prints ``metrics at http://HOST:PORT/metrics`` on stderr once it
listens (port 0: the kernel picks one); the tests then scrape until what
they wait for is there, since cycles keep arriving after the first scrape.
"""

from __future__ import annotations

import re
import subprocess
import time
import urllib.request
from typing import Callable

DEADLINE_S = 20.0


def metrics_url(proc: subprocess.Popen[str]) -> str:
    """The URL gctui said it serves, from its first stderr line."""
    assert proc.stderr is not None
    line = proc.stderr.readline()
    m = re.search(r"metrics at (http://\S+/metrics)", line)
    assert m, line
    return m.group(1)


def scrape_until(url: str, ready: Callable[[str], bool], deadline_s: float = DEADLINE_S) -> str:
    """Scrape ``url`` until ``ready(body)``; the last body. Fails at the deadline."""
    deadline = time.monotonic() + deadline_s
    while True:
        body = urllib.request.urlopen(url, timeout=5).read().decode()
        if ready(body):
            return body
        assert time.monotonic() < deadline, body[-2000:]
        time.sleep(0.1)
