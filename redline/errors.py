"""One base error, a few precise kinds. The engine raises; the CLI and the UI present.

Every message reads as one line: what is wrong, then what to do. Input errors carry the path
(and where known the line), so the user knows which file to fix.
"""

from __future__ import annotations

from typing import Optional


class RedlineError(Exception):
    """Base class of every error Redline reports to a user."""

    def __init__(self, message: str, *, path: Optional[str] = None, hint: str = "",
                 line: Optional[int] = None) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.hint = hint
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}"
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        text = f"{where}{self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class InputError(RedlineError):
    """An input file cannot be read as an agreement (missing, empty, corrupt, encrypted...)."""


class PlaybookError(RedlineError):
    """A playbook is not valid YAML or does not follow the playbook schema."""


class OutputError(RedlineError):
    """An output cannot be written (exists without --force, folder missing, same as an input)."""


class Cancelled(RedlineError):
    """The user cancelled the work; not an error to show."""

    def __init__(self, message: str = "cancelled") -> None:
        super().__init__(message)
