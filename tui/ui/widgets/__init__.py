"""Textual widgets. Each draws the model; none reads files or parsers.

The contract every view widget follows (the app calls it on the UI thread,
holding the model lock, at most every refresh tick and on every selection
move): ``show(view: tui.ui.view.View) -> None`` copies what it needs out of the
model into plain values and calls ``refresh()``; ``render()`` /
``render_line()`` draw only those values. So a source thread appending to the
model never races a paint, and a redraw never scans a million cycles.
"""
