"""Escape hints: which of the program's values the compiler put on the heap.

Textual-free (tests/test_layering.py checks it): finding the source
(:mod:`.locate`), running the compiler (:mod:`.toolchain`), reading its
verdicts into hints placed in their functions (:mod:`.analyze`, cached per
source tree state), rerunning on change (:mod:`.watch`), and ranking the
hints by the bytes the running program allocates at their lines
(:mod:`.pprof`, :mod:`.ranking`). :mod:`.grouping` orders them for the
panel and the ``gctui escapes`` command (:mod:`.command`).
"""
