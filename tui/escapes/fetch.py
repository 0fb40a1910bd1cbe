"""Fetching a running program's allocation profile over loopback.

``/debug/pprof/allocs`` (``net/http/pprof``) answers with the gzipped
profile, read by :mod:`.pprof` and summed per line by :mod:`.ranking`. The
address is one the user gave (``--http``) or, for a process gctui knows the
PID of, one of its loopback listening ports. As for expvar polling
(:mod:`tui.sources.httppoll`), only loopback addresses are contacted and
proxies are ignored.
"""

from __future__ import annotations

from tui.escapes.pprof import ProfileError, decode_profile
from tui.escapes.ranking import AllocSites, RankingError, alloc_sites

ALLOCS_PATH = "/debug/pprof/allocs"
FETCH_TIMEOUT_S = 10.0  # a big program takes a while to write its profile


def fetch_allocs(addr: str, timeout_s: float = FETCH_TIMEOUT_S) -> AllocSites:
    """Fetch and read the allocation profile a loopback address serves."""
    from tui.sources.httppoll import NET_ERRORS, fetch, loopback_base

    try:
        url = loopback_base(addr) + ALLOCS_PATH
    except ValueError as err:
        raise RankingError(str(err)) from None
    try:
        body = fetch(url, timeout=timeout_s)
    except NET_ERRORS as err:
        raise RankingError(f"cannot fetch {url}: {err}") from None
    if body is None:
        raise RankingError(f"{url} is not served (does the program import net/http/pprof?)")
    try:
        return alloc_sites(decode_profile(body, leaf_only=True), url=url)
    except ProfileError as err:
        raise RankingError(f"{url}: {err}") from None


def fetch_for(addr: str | None, pid: int | None) -> AllocSites:
    """The profile at ``addr``, else at the first loopback port of ``pid``
    that serves one; RankingError (one line) when there is none."""
    if addr is not None:
        return fetch_allocs(addr)
    if pid is None:
        raise RankingError("no pprof address: give --http ADDR")
    from tui.sources.httppoll import listening_bases

    try:
        bases = listening_bases(pid)
    except Exception as err:  # psutil.Error: gone, or not ours to inspect
        raise RankingError(f"cannot list the ports of PID {pid}: {err}") from None
    for base in bases:
        try:
            return fetch_allocs(base)
        except RankingError:
            continue
    raise RankingError(f"PID {pid} serves no {ALLOCS_PATH} on loopback: give --http ADDR")
