"""Ingest: bytes from a source, through the parsers, into a model.

One runner for every front end, one whole-file loader, one ``open``.
"""
