"""The kinds of compiler verdicts, in the order the user should read them.

Kind names are those of :class:`parsers.events.EscapeHint` (``hint``). Heap
moves come first: a value the compiler put on the heap costs an allocation
each time the line runs, and allocations are what make the collector run.
"""

from __future__ import annotations

# Every kind, heap moves first; the order groups and sorts hints everywhere.
KIND_ORDER = (
    "moved_to_heap",
    "escapes_to_heap",
    "leaking_param",
    "leaking_param_content",
    "leaking_param_to_result",
    "does_not_escape",
    "cannot_inline",
    "can_inline",
    "inlining_call",
    "other",
)
RANK = {kind: i for i, kind in enumerate(KIND_ORDER)}

# What the panel shows by default and what the counts call "heap moves".
HEAP_KINDS = frozenset(KIND_ORDER[:5])
# Only these allocate at their own line; a leaking parameter is reported at
# the parameter, and the allocation happens wherever the caller makes it.
ALLOCATING_KINDS = frozenset({"moved_to_heap", "escapes_to_heap"})

LABEL = {
    "moved_to_heap": "moved to heap",
    "escapes_to_heap": "escapes to heap",
    "leaking_param": "leaking param",
    "leaking_param_content": "leaking param content",
    "leaking_param_to_result": "leaks to result",
    "does_not_escape": "does not escape",
    "cannot_inline": "cannot inline",
    "can_inline": "can inline",
    "inlining_call": "inlined call",
    "other": "other",
}

# Narrow columns (the panel is ~50 cells wide): the same labels, shorter.
SHORT = {
    "moved_to_heap": "moved",
    "escapes_to_heap": "escapes",
    "leaking_param": "leak",
    "leaking_param_content": "leak *",
    "leaking_param_to_result": "to result",
    "does_not_escape": "stays",
    "cannot_inline": "no inline",
    "can_inline": "inline ok",
    "inlining_call": "inlined",
    "other": "note",
}

# One sentence per kind, for the detail view: what the verdict means for GC.
MEANING = {
    "moved_to_heap": "A variable the compiler had to put on the heap, because something may use "
    "it after the function returns (its address is returned, stored, or captured by a closure). "
    "Every call allocates it, and the garbage collector must later find and free it.",
    "escapes_to_heap": "A value (make, new, a composite literal, an interface conversion, a "
    "closure) that outlives the expression creating it, so it is allocated on the heap each "
    "time this line runs.",
    "leaking_param": "The parameter's value is stored where it outlives the call (a global, the "
    "heap), so callers must allocate what they pass here on the heap.",
    "leaking_param_content": "What the parameter points to outlives the call, so callers must "
    "allocate that on the heap.",
    "leaking_param_to_result": "The parameter flows into a result: whether it escapes depends "
    "on what each caller does with the result.",
    "does_not_escape": "Stays on the stack: no heap allocation, nothing for the collector.",
    "cannot_inline": "The function is not inlined, so values its callers pass by pointer may "
    "have to escape.",
    "can_inline": "The function can be inlined: its callers' escape analysis sees into it.",
    "inlining_call": "This call was inlined: escapes inside it are reported at this line.",
    "other": "Another compiler note about this line.",
}


def kind_rank(kind: str) -> int:
    """Sort key: heap moves first, unknown kinds last."""
    return RANK.get(kind, len(KIND_ORDER))
