"""The keys' effect on the selection, follow mode and chart window, without Textual."""

from __future__ import annotations

import pytest

from kit import model_of
from tui.ui.selection import Cursor


def _lines(ns: list[int]) -> list[str]:
    return [f"gc {n} @{n * 0.01:.3f}s 1%: 0.010+1.0+0.010 ms clock, 0.020+0.1/0.5/1.0+0.020 ms cpu, "
            f"4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 4 P" for n in ns]


def _store(ns: list[int]):  # type: ignore[no-untyped-def]
    return model_of(_lines(ns)).cycles


def test_following_selects_the_newest_as_cycles_arrive() -> None:
    c = Cursor()
    c.on_data(0)
    assert c.selected is None
    c.on_data(5)
    assert c.selected == 4
    c.on_data(9)
    assert c.selected == 8


@pytest.mark.parametrize(
    "steps, expected, following",
    [
        ([("move", -1)], 8, False),
        ([("move", -100)], 0, False),
        ([("move", 5)], 9, True),  # already at the newest: stays following
        ([("first",)], 0, False),
        ([("first",), ("last",)], 9, False),  # G selects the newest; f turns following back on
        ([("move", -3), ("follow",)], 9, True),
        ([("follow",)], 9, False),  # f toggles off
        ([("select", 4)], 4, False),
    ],
    ids=["k", "k-clamped", "j-at-end", "g", "g-then-G", "f-resumes", "f-pauses", "click"],
)
def test_moves(steps: list[tuple], expected: int, following: bool) -> None:  # type: ignore[type-arg]
    c = Cursor()
    c.on_data(10)
    for step in steps:
        if step[0] == "move":
            c.move(step[1], 10)
            c.following = c.following and step[1] > 0
        elif step[0] == "first":
            c.following = False
            c.first(10)
        elif step[0] == "last":
            c.last(10)
        elif step[0] == "follow":
            c.toggle_follow(10)
        elif step[0] == "select":
            c.select(step[1], 10)
    assert (c.selected, c.following) == (expected, following)


def test_paused_selection_stays_put_when_cycles_arrive() -> None:
    c = Cursor()
    c.on_data(10)
    c.following = False
    c.move(-2, 10)
    c.on_data(50)
    assert c.selected == 7


def test_jump_finds_a_cycle_number_in_the_selected_run_first() -> None:
    store = _store([1, 2, 3, 4, 5, 1, 2, 3])  # a restart: two runs
    c = Cursor()
    c.on_data(len(store))
    assert c.jump(store, 2, len(store)) == 6  # the newest run
    c.select(1, len(store))
    assert c.jump(store, 4, len(store)) == 3  # only the first run has gc 4
    assert c.jump(store, 99, len(store)) is None
    assert c.following is False


def test_window_holds_still_while_the_selection_moves_inside_it() -> None:
    store = _store(list(range(1, 101)))
    c = Cursor()
    c.on_data(100)
    assert c.window(store, 100, 20) == range(80, 100)
    c.following = False
    c.move(-5, 100)
    assert c.window(store, 100, 20) == range(80, 100)
    c.move(-30, 100)  # past the left edge: the window moves just enough
    assert c.selected == 64
    assert c.window(store, 100, 20) == range(64, 84)
    c.zoomed_out = True
    assert c.window(store, 100, 20) == range(0, 100)


def test_window_never_mixes_runs() -> None:
    store = _store([1, 2, 3, 4, 5, 6, 1, 2, 3])
    c = Cursor()
    c.on_data(len(store))
    assert c.window(store, len(store), 20) == range(6, 9)
    c.select(2, len(store))
    assert c.window(store, len(store), 20) == range(0, 6)
