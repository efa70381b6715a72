"""The open review: agreements analysed, party names, decisions and their undo stack.

`ReviewDocument` is the one object the panes share. It calls the engine (`redline.api`) on the
worker thread, keeps the latest `Analysis`, and says what changed through signals; the panes
decide what to redraw. No legal logic here: every verdict comes from the engine.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from redline import api
from redline.errors import Cancelled, RedlineError
from redline.model import AgreementAnalysis, Analysis, Finding, Parties
from redline.ui.analysing import analyse_many
from redline.ui.decisions import Decision, DecisionStore, Key, decide
from redline.ui.worker import Task, TaskProgress, run_task

from redline.ingest import SUPPORTED as AGREEMENT_SUFFIXES  # noqa: E402 - one list, the reader's


class LoadResult:
    """What a background load returns: the new analyses and the files that failed."""

    def __init__(self) -> None:
        self.items: List[AgreementAnalysis] = []
        self.errors: List[Tuple[str, str]] = []
        self.combined: Optional[Analysis] = None


def display_name(item: AgreementAnalysis) -> str:
    """Return a short name for an agreement: its file name without the extension."""
    return Path(item.path).stem


class ReviewDocument(QObject):
    """The review being worked on; the model every pane reads."""

    analysisChanged = Signal()
    busyChanged = Signal(bool)
    failed = Signal(str, str)
    """(title, message) of an error the window should show."""
    taskStarted = Signal(object, str)
    """(Task, title) so the window can show a progress dialog."""
    modifiedChanged = Signal(bool)

    def __init__(self, parent: Optional[QObject] = None, *, playbook_path: Optional[str] = None) -> None:
        super().__init__(parent)
        self.playbook_path = playbook_path or ""
        self.startup_error: Optional[Tuple[str, str]] = None
        """An error met while constructing (no window is listening yet); the window shows it."""
        self.playbook = self._load_playbook(playbook_path)
        self.items: List[AgreementAnalysis] = []
        self.analysis: Analysis = api.combine([], self.playbook)
        self.user_parties: Dict[str, Tuple[str, str]] = {}
        self.decisions = DecisionStore(self)
        self.undo = QUndoStack(self)
        self.reference: Optional[str] = None
        self.session_path: Optional[str] = None
        self._structure_dirty = False
        self._busy = 0
        self.undo.cleanChanged.connect(lambda _clean: self.modifiedChanged.emit(self.is_modified()))

    # -- engine calls ------------------------------------------------------------------------

    def _load_playbook(self, path: Optional[str]):
        try:
            return api.load_playbook(path or None)
        except RedlineError as exc:
            # Not emitted: nothing is connected yet during __init__. The path is dropped so a
            # saved session does not carry the broken playbook as if it had been used.
            self.startup_error = ("Playbook not loaded",
                                  f"{exc}\n\nThe default playbook is used instead. Fix the file "
                                  "and choose it again in Settings.")
            self.playbook_path = ""
            return api.load_playbook(None)

    def set_playbook(self, path: Optional[str]) -> None:
        """Load the playbook at `path` (default when None) and review every agreement again."""
        try:
            book = api.load_playbook(path or None)
        except RedlineError as exc:
            self.failed.emit("Playbook not loaded", f"{exc}\n\nFix the file, then choose it again.")
            return
        self.playbook, self.playbook_path = book, path or ""
        self.reload_all()

    def _start(self, title: str, fn: Callable[[TaskProgress], object], done: Callable[[object], None],
               after: Optional[Callable[[], None]] = None) -> Task:
        self._busy += 1
        self.busyChanged.emit(True)

        def finish() -> None:
            self._busy -= 1
            self.busyChanged.emit(self._busy > 0)
            if after:
                after()

        def ok(result) -> None:
            try:
                done(result)
            finally:
                finish()

        def err(exc: BaseException) -> None:
            try:
                self.failed.emit(f"{title} failed", _explain(exc))
            finally:
                finish()

        task = run_task(fn, on_done=ok, on_error=err, on_cancel=finish, name=title)
        self.taskStarted.emit(task, title)
        return task

    def is_busy(self) -> bool:
        return self._busy > 0

    def load_paths(self, paths: Sequence, *, after: Optional[Callable[[], None]] = None) -> Optional[Task]:
        """Start reading and analysing `paths` (already loaded ones are skipped); return the task."""
        known = {os.path.abspath(i.path) for i in self.items}
        todo: List[str] = []
        for p in paths:
            ap = os.path.abspath(str(p))
            if ap not in known and ap not in todo:
                todo.append(ap)
        if not todo:
            if after:
                after()
            return None
        book = self.playbook
        parties = dict(self.user_parties)
        current = list(self.items)

        def work(progress: TaskProgress) -> LoadResult:
            out = LoadResult()
            for path, outcome in analyse_many(todo, book, parties, progress):
                if isinstance(outcome, RedlineError):
                    out.errors.append((path, str(outcome)))
                else:
                    out.items.append(outcome)
            progress.step(len(todo), len(todo), "Aligning")
            if out.items:  # the alignment runs here too, not on the window's thread
                out.combined = api.combine(current + out.items, book)
            return out

        def done(result: LoadResult) -> None:
            if result.items:
                same = [i.path for i in self.items] == [i.path for i in current] and book is self.playbook
                self._set_items(self.items + result.items, combined=result.combined if same else None)
                self._structure_dirty = True
                self.modifiedChanged.emit(self.is_modified())
            if result.errors:
                lines = "\n".join(f"• {Path(p).name}: {m}" for p, m in result.errors)
                self.failed.emit("Some files could not be read",
                                 f"{lines}\n\nCheck that each file is an agreement in .txt, .md, "
                                 ".docx or .pdf form (not encrypted, not empty), then add it again.")

        return self._start("Loading agreements", work, done, after)

    def _set_items(self, items: List[AgreementAnalysis], *, combined: Optional[Analysis] = None) -> None:
        self.items = list(items)
        self.analysis = combined if combined is not None else api.combine(self.items, self.playbook)
        paths = {i.path for i in self.items}
        if self.reference not in paths:
            self.reference = None
        self.analysisChanged.emit()

    def remove(self, index: int) -> None:
        """Remove agreement `index` and its decisions."""
        if 0 <= index < len(self.items):
            path = self.items[index].path
            items = list(self.items)
            del items[index]
            self.decisions.drop_agreement(path)
            self.user_parties.pop(path, None)
            self.undo.clear()
            self._structure_dirty = True
            self._set_items(items)
            self.modifiedChanged.emit(True)

    def move(self, index: int, to: int) -> None:
        """Move agreement `index` to position `to`."""
        if 0 <= index < len(self.items) and 0 <= to < len(self.items) and index != to:
            items = list(self.items)
            items.insert(to, items.pop(index))
            self._structure_dirty = True
            self._set_items(items)
            self.modifiedChanged.emit(True)

    def reload(self, index: int, *, after: Optional[Callable[[], None]] = None) -> Optional[Task]:
        """Start reading agreement `index` again from its file (it may have changed)."""
        if not 0 <= index < len(self.items):
            return None
        return self._reanalyse([index], "Reloading", after=after, fresh=True)

    def reload_all(self, *, after: Optional[Callable[[], None]] = None) -> Optional[Task]:
        return self._reanalyse(list(range(len(self.items))), "Reviewing again", after=after)

    def _reanalyse(self, indexes: List[int], title: str, *, after=None, fresh: bool = False) -> Optional[Task]:
        if not indexes:
            if after:
                after()
            return None
        book = self.playbook
        paths = [self.items[i].path for i in indexes]
        parties = dict(self.user_parties)

        def work(progress: TaskProgress):
            out = {}
            for path, outcome in analyse_many(paths, book, parties, progress, fresh=fresh):
                if isinstance(outcome, RedlineError):
                    raise outcome
                out[path] = outcome
            return out

        def done(result) -> None:
            self._set_items([result.get(i.path, i) for i in self.items])

        return self._start(title, work, done, after)

    def set_parties(self, index: int, provider: str, customer: str, *,
                    after: Optional[Callable[[], None]] = None) -> Optional[Task]:
        """Start reviewing agreement `index` again with the user's party names."""
        if not 0 <= index < len(self.items):
            return None
        item = self.items[index]
        provider = provider.strip() or item.parties.provider
        customer = customer.strip() or item.parties.customer
        if (provider, customer) == (item.parties.provider, item.parties.customer):
            if after:
                after()
            return None
        self.user_parties[item.path] = (provider, customer)
        self._structure_dirty = True
        analysis, book = self.analysis, self.playbook
        parties = Parties(provider=provider, customer=customer, guessed=False)

        def work(progress: TaskProgress):
            progress.step(0, 1, f"Reviewing {Path(item.path).name} again")
            return api.replace_parties(analysis, index, parties, book)

        def done(result: Analysis) -> None:
            if len(result.agreements) == len(self.items):
                self.items = list(result.agreements)
                self.analysis = result
                self.analysisChanged.emit()
            self.modifiedChanged.emit(True)

        return self._start("Reviewing with new party names", work, done, after)

    # -- decisions ---------------------------------------------------------------------------

    def decide(self, item: AgreementAnalysis, finding: Finding, decision: Decision) -> bool:
        """Record `decision` on `finding` as an undoable command; return True if it changed."""
        return decide(self.undo, self.decisions, (item.path, finding.id), decision, finding.title)

    def decision(self, item: AgreementAnalysis, finding: Finding) -> Decision:
        return self.decisions.get((item.path, finding.id))

    def export_decisions(self, item: AgreementAnalysis) -> Dict[str, str]:
        """Return {finding id: "accept" | "reject" | edited text} for every finding of `item`."""
        return {f.id: self.decisions.get((item.path, f.id)).export_value() for f in item.findings}

    # -- state -------------------------------------------------------------------------------

    def is_modified(self) -> bool:
        return self._structure_dirty or not self.undo.isClean()

    def mark_saved(self, path: Optional[str]) -> None:
        self.session_path = path
        self._structure_dirty = False
        self.undo.setClean()
        self.modifiedChanged.emit(False)

    def index_of(self, path: str) -> int:
        for i, item in enumerate(self.items):
            if item.path == path:
                return i
        return -1

    def clear(self) -> None:
        self.items = []
        self.user_parties.clear()
        self.decisions.replace_all({})
        self.undo.clear()
        self.reference = None
        self.session_path = None
        self._structure_dirty = False
        self.analysis = api.combine([], self.playbook)
        self.analysisChanged.emit()
        self.modifiedChanged.emit(False)

    def set_decisions(self, values: Dict[Key, Decision]) -> None:
        self.decisions.replace_all(values)


def _explain(exc: BaseException) -> str:
    """Return an error as a message that says what happened and what to do."""
    if isinstance(exc, RedlineError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return "Redline ran out of memory. Close other agreements or programs and try again."
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc} ({getattr(exc, 'filename', '') or ''})\n\nCheck the file and its folder, then try again."
    return (f"An unexpected error occurred: {type(exc).__name__}: {exc}\n\n"
            "Try again; if it happens again, save your session and report this message.")
