"""The Export menu's work: Word redline (and clean copy), Compare two versions, negotiation memo.

The export modules are imported when an export is asked for, so a build without one shows a
clear "not available" message instead of failing to start. The writing runs on the worker with
a progress dialog; the result is opened (or its folder shown) unless the settings say not to.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Callable, Optional

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from redline.ui.worker import Task, TaskProgress, run_task

NOT_AVAILABLE = ("{what} is not available in this build of Redline (the module {module} could not "
                 "be loaded: {error}).\n\nUse a complete build, or run `redline {command}` from the "
                 "command line if it works there.")


def load_export(window, module: str, name: str, what: str, command: str) -> Optional[Callable]:
    """Return `module.name`, or show a "not available in this build" message and return None."""
    try:
        return getattr(importlib.import_module(module), name)
    except Exception as exc:  # noqa: BLE001 - ImportError or a broken module: never crash the app
        window.show_message("warning", f"{what} not available",
                            NOT_AVAILABLE.format(what=what, module=module, error=exc, command=command))
        return None


def open_result(window, path) -> bool:
    """Open the written file with the system's program (unless disabled); return True if asked."""
    if not window.settings.open_results or os.environ.get("REDLINE_NO_OPEN"):
        return False
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def show_folder(window, path) -> bool:
    if not window.settings.open_results or os.environ.get("REDLINE_NO_OPEN"):
        return False
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path).parent)))


def _start(window, title: str, fn, done) -> Task:
    def failed(exc: BaseException) -> None:
        from redline.ui.document import _explain

        window.show_message("error", f"{title} failed",
                            _explain(exc) + "\n\nNothing was written; any earlier file is untouched.")

    def cancelled() -> None:
        window.statusBar().showMessage(f"{title}: cancelled; nothing was written.", 8000)

    task = run_task(fn, on_done=done, on_error=failed, on_cancel=cancelled, name=title)
    window.track_task(task, title)
    return task


def export_redline(window, item, out: str, *, clean: bool = False) -> Optional[Task]:
    """Start writing the Word redline of `item` with the accepted proposals; return the task."""
    write_redline = load_export(window, "redline.export.redline_docx", "write_redline",
                                "The Word redline", "redline")
    if write_redline is None:
        return None
    decisions = window.document.export_decisions(item)
    author = window.settings.author

    def work(progress: TaskProgress):
        progress.step(0, 1, f"Writing {Path(out).name}")
        try:
            return write_redline(item, out, author=author, decisions=decisions, clean=clean, force=True)
        except TypeError as exc:
            if "decisions" not in str(exc):
                raise
            from redline.errors import RedlineError

            raise RedlineError("this build's redline writer cannot take your decisions yet",
                               hint="update Redline; the command line `redline redline` applies "
                                    "every proposal") from None

    def done(report) -> None:
        outputs = list(getattr(report, "outputs", None) or [out])
        changes = getattr(report, "changes", None)
        comments = getattr(report, "comments", None)
        accepted = sum(1 for v in decisions.values() if v != "reject")
        summary = f"Wrote {', '.join(str(p) for p in outputs)}."
        if changes is not None:
            summary += f"\n{changes} tracked changes and {comments} comments from {accepted} accepted proposal(s)."
        window.last_export = outputs
        window.show_message("info", "Word redline written", summary)
        open_result(window, outputs[0])

    return _start(window, "Writing the Word redline", work, done)


def export_memo(window, out: str, *, matter: str) -> Optional[Task]:
    """Start writing the negotiation memo of the loaded agreements; return the task."""
    write_memo = load_export(window, "redline.export.memo", "write_memo", "The negotiation memo", "memo")
    if write_memo is None:
        return None
    analysis = window.document.analysis

    def work(progress: TaskProgress):
        progress.step(0, 1, f"Writing {Path(out).name}")
        return write_memo(analysis, out, matter=matter, fmt="docx", force=True,
                          playbook=window.document.playbook)

    def done(result) -> None:
        path = result or out
        window.last_export = [path]
        window.show_message("info", "Negotiation memo written", f"Wrote {path}.")
        open_result(window, path)

    return _start(window, "Writing the negotiation memo", work, done)


def text_diff(old: str, new: str, limit: int = 600_000):
    """Return the word diff of the two files' texts for the in-app view (None if too large)."""
    from redline import api
    from redline.ui.wordiff import word_diff

    a = api.read_agreement(old).text
    b = api.read_agreement(new).text
    if len(a) + len(b) > limit:
        return None
    return word_diff(a, b, timeout=2.0)


def compare_versions(window, old: str, new: str, out: str) -> Optional[Task]:
    """Start comparing two versions into a Word document, then show the changes in the app."""
    compare_paths = load_export(window, "redline.export.compare", "compare_paths",
                                "Compare two versions", "compare")
    if compare_paths is None:
        return None
    author = window.settings.author

    def work(progress: TaskProgress):
        progress.step(0, 1, f"Comparing {Path(old).name} with {Path(new).name}")
        try:
            report = compare_paths(old, new, out, author=author, force=True, progress=progress)
        except TypeError as exc:
            if "progress" not in str(exc):
                raise
            report = compare_paths(old, new, out, author=author, force=True)
        progress.step(1, 2, "Showing the differences")
        return report, text_diff(old, new)

    def done(result) -> None:
        report, pieces = result
        window.last_export = [out]
        window.last_compare = report
        from redline.ui.comparedialog import CompareResultDialog

        dialog = CompareResultDialog(window, old, new, out, report, pieces)
        window.compare_dialog = dialog
        if window.interactive:
            dialog.open()
        open_result(window, out)

    return _start(window, "Comparing two versions", work, done)
