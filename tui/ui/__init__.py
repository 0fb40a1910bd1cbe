"""The terminal UI: the Textual app, its screens and widgets.

The only layer that imports Textual; it reads the model through a session
and never parses or reads files itself.
"""
