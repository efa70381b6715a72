"""A work-around for a Qt binding bug, applied when `redline.ui` is imported.

PySide6 6.12 on CPython 3.11 gives back `None` (from void methods such as `setText`, or a
model's empty `data()`) and `True` (from `Signal.emit`) without owning the reference it hands
over. Each such call lowers the singleton's reference count by one; long before the app has
done much, the interpreter aborts at exit, or sooner, with "Fatal Python error: none_dealloc"
(or "bool_dealloc"). `None`, `True` and `False` live as long as the interpreter and are never
freed, so we raise their counts far out of reach once. CPython 3.12 made them immortal and
ignores counts, so nothing is done there.
"""

from __future__ import annotations

import ctypes
import sys

PIN = 1 << 40
"""Added to each singleton's reference count (a 64-bit count; never reached by leaks)."""


def pin_singletons() -> bool:
    """Make `None`, `True` and `False` unreachable for refcount underflow; return True if done."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    if ctypes.sizeof(ctypes.c_ssize_t) < 8 or hasattr(sys, "gettotalrefcount"):  # 32-bit or debug build
        return False
    done = False
    for obj in (None, True, False):
        cell = ctypes.c_ssize_t.from_address(id(obj))
        before = sys.getrefcount(obj)
        if cell.value >= PIN:
            continue
        cell.value += PIN
        if sys.getrefcount(obj) - before != PIN:  # not the layout we expected: undo
            cell.value -= PIN
        else:
            done = True
    return done


PINNED = pin_singletons()
