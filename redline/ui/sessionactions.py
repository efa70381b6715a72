"""The window's review-file actions: save, open, recent reviews, crash recovery; the settings dialog.

`SessionActions` is mixed into `MainWindow` (it uses its `document`, `settings`, `autosaver`,
`compare`, `recent_menu`, `show_message` and `_action`); the file format lives in `session.py`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QLineEdit, QMessageBox, QPushButton)

from redline.ui.session import SUFFIX, changed_files, missing_files, read_session, recoverable, write_session

SESSION_FILTER = f"Redline reviews (*{SUFFIX});;All files (*)"


class SessionActions:
    """Save, open and recover the review shown in the window."""

    def save_session(self, path: Optional[str] = None) -> bool:
        """Save the review to `path` (the current session file, or ask); return True if saved."""
        path = path or self.document.session_path
        if not path:
            return self.save_session_as()
        try:
            write_session(path, self.document)
        except Exception as exc:  # noqa: BLE001 - shown, never lost
            from redline.ui.document import _explain

            self.show_message("error", "The review was not saved",
                              _explain(exc) + "\n\nChoose another folder with Save review as….")
            return False
        self.document.mark_saved(str(path))
        self.autosaver.discard()
        self.settings.add_recent(str(path))
        self._update_recent_menu()
        self.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def save_session_as(self, path: Optional[str] = None) -> bool:
        if path is None:
            start = self.document.session_path or str(Path(self._last_dir()) / f"review{SUFFIX}")
            path, _ = QFileDialog.getSaveFileName(self, "Save review", start, SESSION_FILTER)
            if not path:
                return False
            if not path.endswith(SUFFIX):
                path += SUFFIX
        return self.save_session(path)

    def open_session_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a saved review", self._last_dir(), SESSION_FILTER)
        if path:
            self.open_session(path)

    def open_session(self, path: str, *, recovered: bool = False):
        """Start opening the review saved at `path`; return the loading task (or None)."""
        try:
            data = read_session(path)
        except Exception as exc:  # noqa: BLE001
            from redline.ui.document import _explain

            self.show_message("error", "The review could not be opened", _explain(exc))
            return None
        missing = missing_files(data)
        if missing:
            self.show_message("warning", "Some agreements are missing",
                              "These files are no longer where the review left them:\n"
                              + "\n".join(f"• {p}" for p in missing)
                              + "\n\nMove them back, or add them again with Open agreements….")
        doc = self.document
        doc.clear()
        if data.playbook and data.playbook != doc.playbook_path:
            doc.set_playbook(data.playbook)
        doc.user_parties.update(data.parties())
        present = [p for p in data.paths if p not in missing]

        def after() -> None:
            changed = changed_files(data, doc.items)  # the engine hashed each file as it read it
            if changed:
                self.show_message("warning", "Some agreements changed",
                                  "These files changed since the review was saved:\n"
                                  + "\n".join(f"• {p}" for p in changed)
                                  + "\n\nDecisions were kept for the findings that are still there; "
                                  "check the others again.")
            # Every decision is kept, even one whose finding is not there now (the playbook or
            # the file may have changed): nothing the attorney decided is dropped silently.
            doc.set_decisions(dict(data.decisions))
            doc.reference = data.reference if data.reference in {i.path for i in doc.items} else None
            self.compare.set_reference(doc.reference)
            if recovered:
                doc.session_path = None
                doc._structure_dirty = True
                doc.modifiedChanged.emit(True)
                self.autosaver.save_now()
            else:
                doc.mark_saved(path)
                self.settings.add_recent(path)
                self._update_recent_menu()
            self._update_title()
            self._update_status()

        task = doc.load_paths(present, after=after)
        return task

    def _update_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent()
        for p in recent:
            self._action(self.recent_menu, p, lambda p=p: self.open_session(p))
        self.recent_menu.setEnabled(bool(recent))

    def offer_recovery(self) -> Optional[str]:
        """If an earlier run crashed with unsaved work, offer to recover it; return its path."""
        files = recoverable()
        if not files:
            return None
        path = files[0]
        if self.interactive:
            answer = QMessageBox.question(
                self, "Recover unsaved review?",
                "Redline did not close normally last time, and a review had unsaved decisions.\n\n"
                "Recover it now? (No discards it.)")
            if answer != QMessageBox.StandardButton.Yes:
                for f in files:
                    f.unlink(missing_ok=True)
                return None
        self.recover(str(path))
        return str(path)

    def recover(self, path: str):
        """Open the autosave at `path` as an unsaved review, then remove that file."""
        task = self.open_session(path, recovered=True)

        def cleanup() -> None:
            Path(path).unlink(missing_ok=True)

        if task is None:
            cleanup()
        else:
            task.finished.connect(cleanup)
        return task


def settings_dialog(window) -> None:
    """Open the settings dialog (author, matter, playbook, opening exports) of `window`."""
    dlg = QDialog(window)
    dlg.setWindowTitle("Settings")
    author = QLineEdit(window.settings.author)
    matter = QLineEdit(window.settings.matter)
    playbook = QLineEdit(window.settings.playbook)
    playbook.setPlaceholderText("(the bundled customer-side playbook)")
    opened = QCheckBox("Open each export when it is written")
    opened.setChecked(window.settings.open_results)
    form = QFormLayout(dlg)
    form.addRow("Tracked-change &author:", author)
    form.addRow("&Matter (memo title):", matter)
    browse = QPushButton("Choose…")

    def choose() -> None:
        path, _ = QFileDialog.getOpenFileName(dlg, "Choose a playbook", playbook.text() or str(Path.home()),
                                              "Playbooks (*.yaml *.yml);;All files (*)")
        if path:
            playbook.setText(path)

    browse.clicked.connect(choose)
    row = QHBoxLayout()
    row.addWidget(playbook, 1)
    row.addWidget(browse)
    form.addRow("&Playbook file:", row)
    form.addRow(opened)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dlg.accept)
    buttons.rejected.connect(dlg.reject)
    form.addRow(buttons)

    def apply() -> None:
        window.settings.author = author.text()
        window.settings.matter = matter.text()
        window.settings.open_results = opened.isChecked()
        if playbook.text().strip() != window.settings.playbook:
            window.settings.playbook = playbook.text().strip()
            window.document.set_playbook(window.settings.playbook or None)

    dlg.accepted.connect(apply)
    dlg.open()
