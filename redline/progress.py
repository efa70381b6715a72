"""Progress and cancel, as a plain protocol the engine polls (no Qt here).

Long engine functions take an optional `progress` argument. They call `progress.step(done,
total, label)` as work moves and raise `Cancelled` when `progress.cancelled()` is true. The CLI
passes a terminal bar, the app a thread-safe object its worker thread reads.
"""

from __future__ import annotations

from typing import Optional, Protocol

from redline.errors import Cancelled


class Progress(Protocol):
    def step(self, done: int, total: int, label: str = "") -> None: ...

    def cancelled(self) -> bool: ...


class NoProgress:
    """A progress that shows nothing and never cancels."""

    def step(self, done: int, total: int, label: str = "") -> None:
        pass

    def cancelled(self) -> bool:
        return False


def check(progress: Optional[Progress], done: int = 0, total: int = 0, label: str = "") -> None:
    """Report a step to `progress` (if any) and raise `Cancelled` if the user asked to stop."""
    if progress is None:
        return
    if progress.cancelled():
        raise Cancelled()
    if total:
        progress.step(done, total, label)
