"""The smaller panes of the main window: the first-run empty state, agreements, and the matrix."""

from __future__ import annotations

from typing import List, Optional

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QHBoxLayout, QHeaderView, QLabel,
                               QListWidget, QListWidgetItem, QPushButton, QTableView, QToolButton,
                               QVBoxLayout, QWidget)

from redline.ui.models import (OBJECT_ROLE, REDACTED_COLOR, SEVERITY_COLORS, SILENT_COLOR,
                               AgreementsModel, TopicMatrixModel)


class EmptyState(QWidget):
    """What a first run shows: open the samples, open agreements, or a recent review."""

    openSamples = Signal()
    openFiles = Signal()
    openSession = Signal()
    openRecent = Signal(str)

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        title = QLabel("Redline")
        f = title.font()
        f.setPointSizeF(f.pointSizeF() * 2.2)
        f.setBold(True)
        title.setFont(f)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        blurb = QLabel("Compare vendors' agreements topic by topic,\n"
                       "review every one-sided term from the customer's side,\n"
                       "and send a Word redline with your changes.\n"
                       "Everything stays on this computer.")
        blurb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.samples_btn = QPushButton("Open the &sample agreements")
        self.samples_btn.setDefault(True)
        self.samples_btn.setAutoDefault(True)
        self.samples_btn.setToolTip("The five agreements bundled with Redline")
        self.samples_btn.clicked.connect(self.openSamples)
        self.files_btn = QPushButton("&Open agreements…")
        self.files_btn.setAutoDefault(True)
        self.files_btn.setToolTip("Choose one or more .txt, .md, .docx or .pdf files (Ctrl+O)")
        self.files_btn.clicked.connect(self.openFiles)
        self.session_btn = QPushButton("Open a saved &review…")
        self.session_btn.setAutoDefault(True)
        self.session_btn.clicked.connect(self.openSession)
        for b in (self.samples_btn, self.files_btn, self.session_btn):
            b.setMinimumHeight(b.sizeHint().height() + 10)
            b.setMinimumWidth(260)
        drop = QLabel("…or drop agreement files anywhere on this window.")
        drop.setAlignment(Qt.AlignmentFlag.AlignCenter)
        drop.setStyleSheet("QLabel { color: #5f6b7a; }")
        self.recent = QListWidget()
        self.recent.setAccessibleName("Recent reviews")
        self.recent.setMaximumWidth(560)
        self.recent.setMaximumHeight(150)
        self.recent.itemActivated.connect(lambda it: self.openRecent.emit(it.data(Qt.ItemDataRole.UserRole)))
        self.recent_label = QLabel("Recent reviews:")
        self.recent_label.setBuddy(self.recent)

        col = QVBoxLayout()
        col.addStretch(2)
        col.addWidget(title)
        col.addSpacing(8)
        col.addWidget(blurb, 0, Qt.AlignmentFlag.AlignHCenter)
        col.addSpacing(20)
        for b in (self.samples_btn, self.files_btn, self.session_btn):
            col.addWidget(b, 0, Qt.AlignmentFlag.AlignHCenter)
        col.addSpacing(8)
        col.addWidget(drop)
        col.addSpacing(16)
        col.addWidget(self.recent_label, 0, Qt.AlignmentFlag.AlignHCenter)
        col.addWidget(self.recent, 0, Qt.AlignmentFlag.AlignHCenter)
        col.addStretch(3)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(col, 4)
        outer.addStretch(1)
        self.setAutoFillBackground(True)

    def set_recent(self, paths: List[str]) -> None:
        self.recent.clear()
        for p in paths:
            it = QListWidgetItem(p)
            it.setData(Qt.ItemDataRole.UserRole, p)
            self.recent.addItem(it)
        self.recent.setVisible(bool(paths))
        self.recent_label.setVisible(bool(paths))


class AgreementsPane(QWidget):
    """The loaded agreements: party names editable, add, remove, reorder and reload."""

    addRequested = Signal()
    removeRequested = Signal(int)
    moveRequested = Signal(int, int)
    reloadRequested = Signal(int)
    currentChanged = Signal(int)

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.model = AgreementsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Agreements")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.SelectedClicked)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        head.setStretchLastSection(True)
        self.table.setColumnWidth(0, 150)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self.currentChanged.emit(cur.row() if cur.isValid() else -1))

        def tool(text: str, tip: str) -> QToolButton:
            b = QToolButton()
            b.setText(text)
            b.setToolTip(tip)
            b.setAutoRaise(False)
            return b

        self.add_btn = tool("Add…", "Open more agreements (Ctrl+O)")
        self.remove_btn = tool("Remove", "Remove the selected agreement (Delete)")
        self.up_btn = tool("↑", "Move the selected agreement up (left in the matrix) (Alt+Up)")
        self.down_btn = tool("↓", "Move the selected agreement down (right in the matrix) (Alt+Down)")
        self.up_btn.setAccessibleName("Move up")
        self.down_btn.setAccessibleName("Move down")
        self.reload_btn = tool("Reload", "Read the selected agreement's file again (F5)")
        self.add_btn.clicked.connect(self.addRequested)
        self.remove_btn.clicked.connect(lambda: self._emit_row(self.removeRequested))
        self.up_btn.clicked.connect(lambda: self._move(-1))
        self.down_btn.clicked.connect(lambda: self._move(1))
        self.reload_btn.clicked.connect(lambda: self._emit_row(self.reloadRequested))
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for b in (self.add_btn, self.remove_btn, self.up_btn, self.down_btn, self.reload_btn):
            buttons.addWidget(b)
        buttons.addStretch(1)
        hint = QLabel("Wrong party names? Double-click (or F2) to correct them; the review runs again.")
        hint.setWordWrap(True)
        hint.setStyleSheet("QLabel { color: #5f6b7a; }")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(buttons)
        lay.addWidget(self.table, 1)
        lay.addWidget(hint)
        ctx = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self.table, lambda: self._emit_row(self.removeRequested),
                  context=ctx)
        QShortcut(QKeySequence("Alt+Up"), self.table, lambda: self._move(-1), context=ctx)
        QShortcut(QKeySequence("Alt+Down"), self.table, lambda: self._move(1), context=ctx)
        QShortcut(QKeySequence("F5"), self.table, lambda: self._emit_row(self.reloadRequested), context=ctx)

    def current_row(self) -> int:
        idx = self.table.currentIndex()
        return idx.row() if idx.isValid() else -1

    def select_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.table.selectRow(row)
            self.table.setCurrentIndex(self.model.index(row, 0))

    def _emit_row(self, signal) -> None:
        row = self.current_row()
        if row >= 0:
            signal.emit(row)

    def _move(self, delta: int) -> None:
        row = self.current_row()
        if row >= 0 and 0 <= row + delta < self.model.rowCount():
            self.moveRequested.emit(row, row + delta)


def _swatch(color: str, text: str, pattern: bool = False) -> QLabel:
    label = QLabel(text)
    style = f"background: {color}; color: #1b1f23; padding: 2px 8px; border: 1px solid #c5cbd3;"
    if pattern:
        style += " font-style: italic;"
    label.setStyleSheet(f"QLabel {{ {style} }}")
    return label


class MatrixPane(QWidget):
    """The topic x agreement matrix, its legend, and a note when there are no topics."""

    topicActivated = Signal(str, int)
    """(topic id, agreement column) clicked or entered."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.model = TopicMatrixModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Topic matrix")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setMinimumSectionSize(84)
        self.table.verticalHeader().setMaximumWidth(230)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setShowGrid(True)
        pal = self.table.palette()
        pal.setColor(QPalette.ColorRole.Highlight, QColor("#2f6fb3"))
        self.table.setPalette(pal)
        self.table.clicked.connect(self._activated)
        self.table.activated.connect(self._activated)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setStyleSheet("QLabel { color: #5f6b7a; padding: 24px; }")
        self.note.hide()
        legend = QHBoxLayout()
        legend.setContentsMargins(4, 2, 4, 4)
        legend.addWidget(QLabel("Cells: clauses · worst finding"))
        for sev in ("high", "medium", "low"):
            legend.addWidget(_swatch(SEVERITY_COLORS[sev], sev))
        legend.addWidget(_swatch(SILENT_COLOR, "— silent —", True))
        legend.addWidget(_swatch(REDACTED_COLOR, "redacted", True))
        legend.addStretch(1)
        self.table.setToolTip("Each cell: the number of clauses on the topic and the worst finding. "
                              "Click a cell (or press Enter) to read the topic side by side.")
        frame = QFrame()
        frame.setLayout(legend)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.note, 1)
        lay.addWidget(frame)

    def set_analysis(self, analysis, playbook) -> None:
        self.model.set_analysis(analysis, playbook)
        empty = self.model.rowCount() == 0
        self.table.setVisible(not empty)
        self.note.setVisible(empty)
        if empty:
            self.note.setText("No topics were classified in these agreements yet, so the matrix is "
                              "empty. The findings and the source view still work." if analysis.agreements
                              else "Open agreements to see them topic by topic.")

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            topic = self.model.headerData(index.row(), Qt.Orientation.Vertical, OBJECT_ROLE)
            self.topicActivated.emit(topic, index.column())
