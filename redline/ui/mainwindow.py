"""The main window: agreements on the left, matrix / compare / source / key terms in the middle,
findings and the proposal editor on the right; menus, shortcuts, drag and drop, session and export.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (QDockWidget, QFileDialog, QMainWindow, QMessageBox, QStackedWidget,
                               QTabWidget, QWidget)

from redline import __version__, api
from redline.ui import exports
from redline.ui.compareview import CompareView
from redline.ui.document import AGREEMENT_SUFFIXES, ReviewDocument
from redline.ui.findings import FindingsPane
from redline.ui.keyterms import KeyTermsView
from redline.ui.panes import AgreementsPane, EmptyState, MatrixPane
from redline.ui.session import SUFFIX, Autosaver, Settings
from redline.ui.sessionactions import SessionActions, settings_dialog
from redline.ui.sourceview import SourceView
from redline.ui.worker import ProgressDialog, Task

from redline.ingest import SUPPORTED as _SUPPORTED  # noqa: E402

FILE_FILTER = "Agreements (" + " ".join("*" + s for s in _SUPPORTED) + ");;All files (*)"
TAB_MATRIX, TAB_COMPARE, TAB_SOURCE, TAB_TERMS = range(4)


class MainWindow(SessionActions, QMainWindow):
    """Redline's one window."""

    def __init__(self, *, interactive: bool = True, settings: Optional[Settings] = None) -> None:
        super().__init__()
        self.interactive = interactive and not os.environ.get("REDLINE_NONINTERACTIVE")
        self.settings = settings or Settings()
        self.messages: List[Tuple[str, str, str]] = []
        self.last_export: list = []
        self.last_compare = None
        self.compare_dialog = None
        self._docks_for: Optional[bool] = None
        self.tasks: List[Task] = []
        self.document = ReviewDocument(self, playbook_path=self.settings.playbook or None)
        self.autosaver = Autosaver(self.document, self)
        self.setWindowTitle("Redline")
        self.setAcceptDrops(True)
        self.resize(1280, 760)

        # central: empty state or the tabs
        self.empty = EmptyState()
        self.matrix = MatrixPane()
        self.compare = CompareView()
        self.source = SourceView()
        self.keyterms = KeyTermsView()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.matrix, "&Matrix")
        self.tabs.addTab(self.compare, "&Compare")
        self.tabs.addTab(self.source, "&Source")
        self.tabs.addTab(self.keyterms, "&Key terms && references")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.tabs)
        self.setCentralWidget(self.stack)

        # docks
        self.agreements = AgreementsPane()
        self.findings = FindingsPane(self.document)
        self.agreements_dock = QDockWidget("Agreements", self)
        self.agreements_dock.setObjectName("agreements")
        self.agreements_dock.setWidget(self.agreements)
        self.findings_dock = QDockWidget("Findings", self)
        self.findings_dock.setObjectName("findings")
        self.findings_dock.setWidget(self.findings)
        for dock in (self.agreements_dock, self.findings_dock):
            dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                             | QDockWidget.DockWidgetFeature.DockWidgetClosable
                             | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.agreements_dock)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.findings_dock)
        self.resizeDocks([self.agreements_dock, self.findings_dock], [225, 390], Qt.Orientation.Horizontal)

        self._build_actions()
        self._connect()
        self.statusBar().showMessage("Ready")
        self._restore_layout()
        self._refresh_all()
        from redline.ui.analysing import warm_up

        warm_up()  # helper processes start while the user looks at the window

    # -- construction ------------------------------------------------------------------------

    def _action(self, menu, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        act = QAction(text, self)
        if shortcut:
            if isinstance(shortcut, (list, tuple)):
                act.setShortcuts([QKeySequence(s) for s in shortcut])
            else:
                act.setShortcut(QKeySequence(shortcut))
        if tip:
            act.setStatusTip(tip)
            act.setToolTip(tip)
        act.triggered.connect(lambda _checked=False: slot())
        menu.addAction(act)
        return act

    def _build_actions(self) -> None:
        bar = self.menuBar()
        m = bar.addMenu("&File")
        self.act_samples = self._action(m, "Open the &sample agreements", self.open_samples,
                                        tip="Open the five agreements bundled with Redline")
        self.act_open = self._action(m, "&Open agreements…", self.open_files_dialog, QKeySequence.StandardKey.Open)
        m.addSeparator()
        self.act_open_session = self._action(m, "Open a saved &review…", self.open_session_dialog, "Ctrl+Shift+O")
        self.recent_menu = m.addMenu("Recent re&views")
        self.act_save = self._action(m, "&Save review", self.save_session, QKeySequence.StandardKey.Save)
        self.act_save_as = self._action(m, "Save review &as…", self.save_session_as, "Ctrl+Shift+S")
        m.addSeparator()
        ex = m.addMenu("&Export")
        self.act_export_redline = self._action(ex, "Word &redline of this agreement…",
                                               lambda: self.export_redline(clean=False), "Ctrl+Shift+W",
                                               "The selected agreement with your accepted proposals as tracked changes")
        self.act_export_clean = self._action(ex, "Word redline and &clean copy…",
                                             lambda: self.export_redline(clean=True))
        self.act_compare = self._action(ex, "Co&mpare two versions…", self.compare_versions, "Ctrl+Shift+C")
        self.act_memo = self._action(ex, "&Negotiation memo…", self.export_memo, "Ctrl+Shift+M")
        m.addSeparator()
        self.act_close_all = self._action(m, "&Close all agreements", self.close_all)
        self._action(m, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        m = bar.addMenu("&Edit")
        self.act_undo = self.document.undo.createUndoAction(self, "&Undo")
        self.act_undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.act_redo = self.document.undo.createRedoAction(self, "&Redo")
        self.act_redo.setShortcuts([QKeySequence.StandardKey.Redo, QKeySequence("Ctrl+Shift+Z")])
        m.addAction(self.act_undo)
        m.addAction(self.act_redo)
        m.addSeparator()
        self._action(m, "&Settings…", lambda: settings_dialog(self), "Ctrl+,")

        m = bar.addMenu("&Review")
        self.act_next = self._action(m, "&Next finding", lambda: self.findings.step(1), ["F8", "Alt+Down"])
        self.act_prev = self._action(m, "&Previous finding", lambda: self.findings.step(-1), ["Shift+F8", "Alt+Up"])
        m.addSeparator()
        self.act_accept = self._action(m, "&Accept proposal", self.findings.accept_current, "Ctrl+Shift+A")
        self.act_accept_edit = self._action(m, "Accept &edited proposal", self.findings.accept_edited, "Ctrl+Shift+E")
        self.act_reject = self._action(m, "&Reject proposal", self.findings.reject_current, "Ctrl+Shift+R")
        m.addSeparator()
        self._action(m, "Edit the &proposal", self._focus_proposal, "Ctrl+Shift+P")
        self._action(m, "&Filter findings", self._focus_filter, "Ctrl+F")

        m = bar.addMenu("&View")
        for i, name in enumerate(("&Matrix", "&Compare", "&Source", "&Key terms")):
            self._action(m, name, lambda i=i: self.tabs.setCurrentIndex(i), f"Ctrl+{i + 1}")
        m.addSeparator()
        self._action(m, "Go to &agreements", lambda: self._focus_dock(self.agreements_dock, self.agreements.table), "Ctrl+Shift+G")
        self._action(m, "Go to &findings", lambda: self._focus_dock(self.findings_dock, self.findings.table), "Ctrl+Shift+F")
        m.addAction(self.agreements_dock.toggleViewAction())
        m.addAction(self.findings_dock.toggleViewAction())

        m = bar.addMenu("&Help")
        self._action(m, "&Keyboard shortcuts", self.show_shortcuts, "F1")
        self._action(m, "&About Redline", lambda: self.show_message(
            "info", "About Redline", f"Redline {__version__}\nOffline review of vendors' agreements "
            "from the customer's side. Nothing leaves this computer."))
        self._update_recent_menu()

    def _connect(self) -> None:
        doc = self.document
        doc.analysisChanged.connect(self._refresh_all)
        doc.failed.connect(lambda title, text: self.show_message("error", title, text))
        if doc.startup_error:
            title, text = doc.startup_error
            QTimer.singleShot(0, lambda: self.show_message("error", title, text))
        doc.taskStarted.connect(self.track_task)
        doc.busyChanged.connect(self._busy_changed)
        doc.modifiedChanged.connect(lambda _m: self._update_title())
        doc.decisions.changed.connect(lambda _k: self._update_status())
        doc.decisions.reset.connect(self._update_status)
        e = self.empty
        e.openSamples.connect(self.open_samples)
        e.openFiles.connect(self.open_files_dialog)
        e.openSession.connect(self.open_session_dialog)
        e.openRecent.connect(self.open_session)
        a = self.agreements
        a.addRequested.connect(self.open_files_dialog)
        a.removeRequested.connect(self.remove_agreement)
        a.moveRequested.connect(self.move_agreement)
        a.reloadRequested.connect(lambda row: doc.reload(row))
        a.currentChanged.connect(self._agreement_selected)
        a.model.partiesEdited.connect(lambda row, p, c: doc.set_parties(row, p, c))
        self.matrix.topicActivated.connect(self.open_topic)
        self.compare.findingActivated.connect(self.go_to_finding)
        self.compare.ref_box.currentIndexChanged.connect(self._reference_changed)
        self.source.findingActivated.connect(self.go_to_finding)
        self.keyterms.spanActivated.connect(self.show_span)
        self.findings.findingSelected.connect(self._finding_selected)

    # -- messages ----------------------------------------------------------------------------

    def show_message(self, kind: str, title: str, text: str) -> None:
        """Tell the user something (kind "info", "warning" or "error"); never blocks."""
        self.messages.append((kind, title, text))
        if kind != "info":
            print(f"redline-gui: {title}: {text}", file=sys.stderr)
        if not self.interactive:
            self.statusBar().showMessage(f"{title}: {text.splitlines()[0] if text else ''}", 8000)
            return
        icon = {"info": QMessageBox.Icon.Information, "warning": QMessageBox.Icon.Warning,
                "error": QMessageBox.Icon.Critical}.get(kind, QMessageBox.Icon.NoIcon)
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def confirm(self, title: str, text: str) -> bool:
        """Ask a yes/no question (always yes when not interactive)."""
        if not self.interactive:
            return True
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def track_task(self, task: Task, title: str) -> None:
        """Show a progress dialog (with cancel) for `task` if it takes long."""
        self.tasks = [t for t in self.tasks if not t.is_finished] + [task]
        ProgressDialog(self, title, task)

    def wait_idle(self, timeout_ms: int = 60000) -> bool:
        """Spin the event loop until every task this window started is done (tests, selftest)."""
        for task in list(self.tasks):
            if not task.wait(timeout_ms):
                return False
        self.tasks = [t for t in self.tasks if not t.is_finished]
        return not self.tasks

    # -- loading -----------------------------------------------------------------------------

    def open_samples(self) -> None:
        self.load_paths([str(p) for p in api.sample_paths()])

    def open_files_dialog(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Open agreements", self._last_dir(), FILE_FILTER)
        if files:
            self.load_paths(files)

    def load_paths(self, paths: Sequence[str]):
        """Start loading agreements (and open a `.redline` file among them as a session)."""
        sessions = [p for p in paths if str(p).endswith(SUFFIX)]
        if sessions:
            self.open_session(sessions[0])
            return None
        files = [str(p) for p in paths]
        if files:
            self.settings.qs.setValue("last_dir", str(Path(files[0]).parent))
        return self.document.load_paths(files, after=self._after_load)

    def _after_load(self) -> None:
        if self.document.items and self.agreements.current_row() < 0:
            self.agreements.select_row(0)
        if self.document.items and self.tabs.currentIndex() == TAB_MATRIX and self.matrix.model.rowCount() == 0:
            self.tabs.setCurrentIndex(TAB_SOURCE)

    def _last_dir(self) -> str:
        return str(self.settings.qs.value("last_dir", str(Path.home())))

    def remove_agreement(self, row: int) -> None:
        if not 0 <= row < len(self.document.items):
            return
        item = self.document.items[row]
        n = len(self.document.decisions.for_agreement(item.path))
        if n and not self.confirm("Remove agreement",
                                  f"Remove {Path(item.path).name} and your {n} decision(s) on it?"):
            return
        self.document.remove(row)
        self.agreements.select_row(min(row, len(self.document.items) - 1))

    def move_agreement(self, row: int, to: int) -> None:
        self.document.move(row, to)
        self.agreements.select_row(to)

    def close_all(self) -> None:
        if self.document.is_modified() and not self.confirm(
                "Close all agreements", "Close every agreement? Unsaved decisions will be lost."):
            return
        self.document.clear()
        self.autosaver.discard()

    # -- drag and drop -----------------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:
        if any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = []
        for url in event.mimeData().urls():
            if url.isLocalFile():
                p = Path(url.toLocalFile())
                if p.is_dir():
                    paths += [str(f) for f in sorted(p.iterdir())
                              if f.suffix.lower() in AGREEMENT_SUFFIXES and not f.name.startswith((".", "~$"))]
                else:
                    paths.append(str(p))
        if paths:
            event.acceptProposedAction()
            self.load_paths(paths)

    # -- refreshing --------------------------------------------------------------------------

    def _refresh_all(self) -> None:
        doc = self.document
        analysis = doc.analysis
        row = self.agreements.current_row()
        self.stack.setCurrentIndex(1 if doc.items else 0)
        if not doc.items:
            self.empty.samples_btn.setFocus()
        if self._docks_for != bool(doc.items):  # the docks have nothing to show on the first-run page
            self._docks_for = bool(doc.items)
            self.agreements_dock.setVisible(self._docks_for)
            self.findings_dock.setVisible(self._docks_for)
        self.empty.set_recent(self.settings.recent())
        self.agreements.model.set_items(analysis.agreements)
        self.matrix.set_analysis(analysis, doc.playbook)
        self.compare.set_analysis(analysis, doc.playbook, doc.reference)
        self.source.set_analysis(analysis)
        self.keyterms.set_analysis(analysis)
        self.findings.set_analysis(analysis, doc.playbook)
        if doc.items:
            self.agreements.select_row(max(0, min(row, len(doc.items) - 1)))
        has = bool(doc.items)
        for act in (self.act_save, self.act_save_as, self.act_export_redline, self.act_export_clean,
                    self.act_memo, self.act_close_all):
            act.setEnabled(has)
        self._update_title()
        self._update_status()

    def _update_title(self) -> None:
        name = Path(self.document.session_path).name if self.document.session_path else "Untitled review"
        if not self.document.items:
            name = ""
        mark = "*" if self.document.is_modified() and self.document.items else ""
        self.setWindowTitle(f"{name}{mark} — Redline" if name else "Redline")

    def _update_status(self) -> None:
        items = self.document.items
        if not items:
            self.statusBar().showMessage("Open agreements to begin.")
            return
        total = sum(len(i.findings) for i in items)
        decided = sum(1 for i in items for f in i.findings if self.document.decision(i, f).state != "open")
        self.statusBar().showMessage(f"{len(items)} agreement(s) · {total} finding(s) · {decided} decided"
                                     + (" · working…" if self.document.is_busy() else ""))

    def _busy_changed(self, busy: bool) -> None:
        self._update_status()
        if busy:
            self.statusBar().showMessage("Working…")

    def _agreement_selected(self, row: int) -> None:
        if 0 <= row < len(self.document.items):
            self.source.show_agreement(self.document.items[row])

    def _reference_changed(self, _index: int) -> None:
        self.document.reference = self.compare.reference()

    def current_item(self):
        row = self.agreements.current_row()
        items = self.document.items
        if 0 <= row < len(items):
            return items[row]
        return items[0] if items else None

    # -- navigation --------------------------------------------------------------------------

    def open_topic(self, topic: str, column: int = -1) -> None:
        """Show `topic` side by side in the Compare tab."""
        self.compare.show_topic(topic)
        self.tabs.setCurrentIndex(TAB_COMPARE)
        if 0 <= column < len(self.compare.columns):
            self.compare.columns[column].text.setFocus()

    def go_to_finding(self, item, finding) -> None:
        if item is not None and finding is not None:
            self.findings_dock.show()
            self.findings.select_finding(item.path, finding.id)

    def _finding_selected(self, item, finding) -> None:
        row = self.document.index_of(item.path)
        if row >= 0 and row != self.agreements.current_row():
            self.agreements.select_row(row)  # the agreement of the finding becomes the current one
        if finding.start is not None:
            self.source.show_span(item.path, finding.start, finding.end or finding.start, finding.clause)
        elif finding.clause:
            self.source.show_clause(item.path, finding.clause)
        else:
            self.source.show_agreement(item)
        if self.compare.topic != finding.topic and finding.topic in self.document.analysis.matrix:
            if self.tabs.currentIndex() == TAB_COMPARE:
                self.compare.show_topic(finding.topic)
        if finding.start is not None:
            self.compare.scroll_column_to(item.path, finding.start)

    def show_span(self, path: str, start: int, end: int, clause_id=None) -> None:
        self.source.show_span(path, start, end, clause_id)
        self.tabs.setCurrentIndex(TAB_SOURCE)

    def _focus_dock(self, dock: QDockWidget, widget: QWidget) -> None:
        dock.show()
        dock.raise_()
        widget.setFocus()

    def _focus_proposal(self) -> None:
        self._focus_dock(self.findings_dock, self.findings.proposal)

    def _focus_filter(self) -> None:
        self._focus_dock(self.findings_dock, self.findings.search)

    def show_shortcuts(self) -> None:
        self.show_message("info", "Keyboard shortcuts", "\n".join([
            "Ctrl+O  open agreements    Ctrl+S  save the review",
            "Ctrl+1..4  matrix, compare, source, key terms",
            "Ctrl+Shift+G  agreements    Ctrl+Shift+F  findings    Ctrl+F  filter findings",
            "F8 / Shift+F8  next / previous finding",
            "Ctrl+Shift+A  accept    Ctrl+Shift+E  accept edited    Ctrl+Shift+R  reject",
            "Ctrl+Shift+P  edit the proposal    Ctrl+Z / Ctrl+Shift+Z  undo / redo",
            "In the matrix: arrows to move, Enter to open the topic side by side",
            "In the agreements: F2 to correct a party name, Delete, Alt+Up/Down, F5 reload",
            "Ctrl+Shift+W  Word redline    Ctrl+Shift+M  memo    Ctrl+Shift+C  compare versions",
        ]))

    # -- exports -----------------------------------------------------------------------------

    def _ask_save(self, title: str, suggested: str, filt: str = "Word documents (*.docx)") -> Optional[str]:
        path, _ = QFileDialog.getSaveFileName(self, title, str(Path(self._last_dir()) / suggested), filt)
        return path or None

    def export_redline(self, path: Optional[str] = None, *, clean: bool = False):
        item = self.current_item()
        if item is None:
            self.show_message("info", "No agreement", "Open an agreement first, then export its redline.")
            return None
        path = path or self._ask_save("Save the Word redline", f"{Path(item.path).stem}.redline.docx")
        if not path:
            return None
        return exports.export_redline(self, item, path, clean=clean)

    def export_memo(self, path: Optional[str] = None, matter: Optional[str] = None):
        if not self.document.items:
            self.show_message("info", "No agreements", "Open agreements first, then write the memo.")
            return None
        path = path or self._ask_save("Save the negotiation memo", "negotiation-memo.docx")
        if not path:
            return None
        return exports.export_memo(self, path, matter=matter or self.settings.matter)

    def compare_versions(self, old: Optional[str] = None, new: Optional[str] = None,
                         out: Optional[str] = None):
        if old is None:
            old, _ = QFileDialog.getOpenFileName(self, "Compare: the OLD version", self._last_dir(), FILE_FILTER)
            if not old:
                return None
        if new is None:
            new, _ = QFileDialog.getOpenFileName(self, "Compare: the NEW version", str(Path(old).parent), FILE_FILTER)
            if not new:
                return None
        if out is None:
            out = self._ask_save("Save the comparison", f"{Path(old).stem}-vs-{Path(new).stem}.compare.docx")
            if not out:
                return None
        return exports.compare_versions(self, old, new, out)

    # -- layout ----------------------------------------------------------------------------
    def _restore_layout(self) -> None:
        geometry, state = self.settings.window()
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.document.is_modified() and self.document.items and self.interactive:
            answer = QMessageBox.question(
                self, "Unsaved review", "Save your decisions before closing?",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel)
            if answer == QMessageBox.StandardButton.Cancel:
                event.ignore()
                return
            if answer == QMessageBox.StandardButton.Save and not self.save_session():
                event.ignore()
                return
        for task in self.tasks:
            task.cancel()
        self.settings.save_window(self.saveGeometry(), self.saveState())
        self.settings.sync()
        self.autosaver.enabled = False
        self.autosaver.timer.stop()
        self.autosaver.discard()
        event.accept()


def start_recovery_check(window: MainWindow) -> None:
    """Offer recovery once the event loop runs (so the window is up first)."""
    QTimer.singleShot(300, window.offer_recovery)
