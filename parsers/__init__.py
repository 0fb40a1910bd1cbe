"""Sans-I/O readers for what the Go runtime and compiler print.

Bytes in, typed events out (see :mod:`parsers.events`). Nothing here does
I/O or imports a UI library; :mod:`tests.test_layering` enforces it.
"""
