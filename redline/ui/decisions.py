"""The attorney's decisions on findings: immutable values, a store, and undoable commands.

A `Decision` is a frozen value ("open", "accept", "reject" or "edit" with the edited words). The
`DecisionStore` maps (agreement path, finding id) to a decision; every change goes through a
`SetDecision` command on a `QUndoStack`, whose redo/undo swap one value for another.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, Mapping, Optional, Tuple

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

OPEN, ACCEPT, REJECT, EDIT = "open", "accept", "reject", "edit"
STATES = (OPEN, ACCEPT, REJECT, EDIT)
LABELS = {OPEN: "Open", ACCEPT: "Accepted", REJECT: "Rejected", EDIT: "Accepted (edited)"}

Key = Tuple[str, str]
"""(agreement path, finding id)."""


@dataclass(frozen=True)
class Decision:
    """What the attorney decided about one finding's proposal."""

    state: str = OPEN
    text: str = ""
    """The edited proposal, for state "edit"."""

    def export_value(self) -> str:
        """Return the value `write_redline(decisions=...)` takes: "accept", "reject" or the text."""
        if self.state == ACCEPT:
            return "accept"
        if self.state == EDIT:
            return self.text
        return "reject"

    def to_json(self) -> dict:
        return {"state": self.state, "text": self.text} if self.state == EDIT else {"state": self.state}

    @staticmethod
    def from_json(data: object) -> "Decision":
        if isinstance(data, str):
            return Decision(data if data in STATES else OPEN)
        if isinstance(data, dict):
            state = data.get("state", OPEN)
            if state not in STATES:
                state = OPEN
            return Decision(state, str(data.get("text", "")) if state == EDIT else "")
        return Decision()


class DecisionStore(QObject):
    """Decisions by (agreement path, finding id); emits `changed(key)` on every change."""

    changed = Signal(object)
    reset = Signal()

    def __init__(self, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self._values: Dict[Key, Decision] = {}

    def get(self, key: Key) -> Decision:
        return self._values.get(key, Decision())

    def set(self, key: Key, value: Decision) -> None:
        if value.state == OPEN:
            self._values.pop(key, None)
        else:
            self._values[key] = value
        self.changed.emit(key)

    def replace_all(self, values: Mapping[Key, Decision]) -> None:
        self._values = {k: v for k, v in values.items() if v.state != OPEN}
        self.reset.emit()

    def items(self) -> Iterable[Tuple[Key, Decision]]:
        return list(self._values.items())

    def for_agreement(self, path: str) -> Dict[str, Decision]:
        return {fid: d for (p, fid), d in self._values.items() if p == path}

    def drop_agreement(self, path: str) -> None:
        self._values = {k: v for k, v in self._values.items() if k[0] != path}
        self.reset.emit()

    def __len__(self) -> int:
        return len(self._values)


class SetDecision(QUndoCommand):
    """Swap the decision of one finding: redo puts `new`, undo puts back `old`."""

    def __init__(self, store: DecisionStore, key: Key, new: Decision, title: str = "") -> None:
        label = {ACCEPT: "Accept", REJECT: "Reject", EDIT: "Edit", OPEN: "Reopen"}[new.state]
        super().__init__(f"{label} {title}".strip())
        self.store = store
        self.key = key
        self.old = store.get(key)
        self.new = new

    def redo(self) -> None:
        self.store.set(self.key, self.new)

    def undo(self) -> None:
        self.store.set(self.key, self.old)


def decide(stack: QUndoStack, store: DecisionStore, key: Key, new: Decision, title: str = "") -> bool:
    """Push a command setting `key` to `new` (nothing if unchanged); return True if pushed."""
    if store.get(key) == new:
        return False
    stack.push(SetDecision(store, key, new, title))
    return True
