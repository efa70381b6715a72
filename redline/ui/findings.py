"""The findings pane: every finding, filtered and sorted, and the proposal editor beside it.

The editor shows the vendor's words, the proposal (editable), and a live tracked-change preview
of one becoming the other. Accept, reject and edit go through the document's undo stack.
"""

from __future__ import annotations

from typing import Optional, Tuple

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QGridLayout, QHBoxLayout, QHeaderView,
                               QLabel, QLineEdit, QPlainTextEdit, QPushButton, QScrollArea, QSplitter,
                               QTableView, QTextEdit, QVBoxLayout, QWidget)

from redline.model import AgreementAnalysis, Finding
from redline.spans import clause_text, quote
from redline.ui.decisions import ACCEPT, EDIT, LABELS, OPEN, REJECT, Decision
from redline.ui.document import ReviewDocument
from redline.ui.models import (AGREEMENT_ROLE, OBJECT_ROLE, SEVERITY_STRONG, FindingsFilter,
                               FindingsModel, section_label, short_name, topic_name)
from redline.ui.wordiff import DELETE, INSERT, word_diff


def vendor_words(item: AgreementAnalysis, f: Finding) -> str:
    """Return the words a finding's proposal replaces ("" for an insertion or a comment only)."""
    ag = item.agreement
    if f.replace == "insert" or f.start is None:
        return ""
    if f.replace == "clause" and f.clause:
        try:
            return clause_text(ag, ag.clause(f.clause), own=True).strip()
        except KeyError:
            pass
    try:
        return quote(ag, f.start, f.end or f.start) or f.quote
    except Exception:  # noqa: BLE001 - a bad span from the engine must not break the pane
        return f.quote


def render_preview(view: QTextEdit, old: str, new: str, comment: str = "") -> None:
    """Write into `view` the tracked-change preview of `old` becoming `new` (and the comment)."""
    view.clear()
    cur = QTextCursor(view.document())
    plain = QTextCharFormat()
    deleted = QTextCharFormat()
    deleted.setForeground(QColor("#b3261e"))
    deleted.setFontStrikeOut(True)
    inserted = QTextCharFormat()
    inserted.setForeground(QColor("#1a56b0"))
    inserted.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
    for piece in word_diff(old, new):
        fmt = deleted if piece.op == DELETE else inserted if piece.op == INSERT else plain
        cur.insertText(piece.text, fmt)
    if comment:
        note = QTextCharFormat()
        note.setForeground(QColor("#5f6b7a"))
        note.setFontItalic(True)
        cur.insertText("\n\nMargin comment for the vendor: " + comment, note)


class FindingsPane(QWidget):
    """Findings list (filter, sort, next/previous) and the selected finding's proposal editor."""

    findingSelected = Signal(object, object)
    """(AgreementAnalysis, Finding) that became current."""

    def __init__(self, document: ReviewDocument, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.document = document
        self.model = FindingsModel(document.decisions, self)
        self.proxy = FindingsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.current: Optional[Tuple[AgreementAnalysis, Finding]] = None

        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter findings (words)…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Filter findings")
        self.search.textChanged.connect(lambda t: self.proxy.set_filter(text=t))
        self.severity = QComboBox()
        self.severity.setAccessibleName("Severity filter")
        for label, value in (("All severities", ""), ("High", "high"), ("Medium", "medium"), ("Low", "low")):
            self.severity.addItem(label, value)
        self.severity.currentIndexChanged.connect(
            lambda _i: self.proxy.set_filter(severity=self.severity.currentData()))
        self.state = QComboBox()
        self.state.setAccessibleName("Decision filter")
        for label, value in (("All decisions", ""), ("Open", OPEN), ("Decided", "decided"),
                             ("Accepted", ACCEPT), ("Edited", EDIT), ("Rejected", REJECT)):
            self.state.addItem(label, value)
        self.state.currentIndexChanged.connect(
            lambda _i: self.proxy.set_filter(decision=self.state.currentData()))
        self.agreement = QComboBox()
        self.agreement.setAccessibleName("Agreement filter")
        self.agreement.currentIndexChanged.connect(
            lambda _i: self.proxy.set_filter(agreement=self.agreement.currentData() or ""))
        for box in (self.severity, self.state, self.agreement):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(8)
        filters = QVBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.setSpacing(3)
        filters.addWidget(self.search)
        boxes = QHBoxLayout()
        boxes.setContentsMargins(0, 0, 0, 0)
        boxes.addWidget(self.severity, 1)
        boxes.addWidget(self.state, 1)
        boxes.addWidget(self.agreement, 2)
        filters.addLayout(boxes)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        head = self.table.horizontalHeader()
        head.setStretchLastSection(True)
        head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        fm = self.table.fontMetrics()
        for col, sample in enumerate(("medium", "Provider may change the services at will", "centurylink-boz",
                                      "10.2.1", "Accepted (edited)")):
            self.table.setColumnWidth(col, fm.horizontalAdvance(sample) + 16)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setAccessibleName("Findings")
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.count = QLabel()
        self.count.setWordWrap(True)
        self.count.setStyleSheet("QLabel { color: #5f6b7a; }")

        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(4, 4, 4, 0)
        tl.addLayout(filters)
        tl.addWidget(self.table, 1)
        tl.addWidget(self.count)

        self.title = QLabel("Select a finding to see the vendor's words and the proposal.")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        f = self.title.font()
        f.setPointSizeF(f.pointSizeF() * 1.1)
        f.setBold(True)
        self.title.setFont(f)
        self.meta = QLabel()
        self.meta.setWordWrap(True)
        self.meta.setTextFormat(Qt.TextFormat.PlainText)
        self.why = self._note_label()
        self.ask = self._note_label()
        self.fallback = self._note_label()
        self.vendor = QPlainTextEdit()
        self.vendor.setReadOnly(True)
        self.vendor.setAccessibleName("Vendor's words")
        self.vendor.setMaximumHeight(110)
        self.proposal = QPlainTextEdit()
        self.proposal.setAccessibleName("Proposed words")
        self.proposal.setPlaceholderText("The words to propose instead (edit freely).")
        self.proposal.setMaximumHeight(120)
        self.proposal.setTabChangesFocus(True)
        self.proposal.textChanged.connect(self._update_preview)
        self.preview = QTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName("Tracked-change preview")
        self.preview.setMaximumHeight(140)
        self.decision_label = QLabel()
        self.decision_label.setTextFormat(Qt.TextFormat.PlainText)

        self.accept_btn = QPushButton("&Accept")
        self.accept_btn.setToolTip("Accept the proposal as written (Ctrl+Shift+A)")
        self.accept_btn.clicked.connect(self.accept_current)
        self.edit_btn = QPushButton("Accept &edited")
        self.edit_btn.setToolTip("Accept the proposal with your edits (Ctrl+Shift+E)")
        self.edit_btn.clicked.connect(lambda: self.accept_edited())
        self.reject_btn = QPushButton("&Reject")
        self.reject_btn.setToolTip("Leave the vendor's words as they are (Ctrl+Shift+R)")
        self.reject_btn.clicked.connect(self.reject_current)
        self.reopen_btn = QPushButton("Re&open")
        self.reopen_btn.setToolTip("Undecide this finding")
        self.reopen_btn.clicked.connect(self.reopen_current)
        self.reset_btn = QPushButton("Reset &text")
        self.reset_btn.setToolTip("Put back the playbook's proposal")
        self.reset_btn.clicked.connect(self._reset_text)
        buttons = QGridLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.accept_btn, 0, 0)
        buttons.addWidget(self.edit_btn, 0, 1)
        buttons.addWidget(self.reject_btn, 0, 2)
        buttons.addWidget(self.reopen_btn, 1, 0)
        buttons.addWidget(self.reset_btn, 1, 1)

        form = QVBoxLayout()
        form.setSpacing(2)

        def caption(text: str, buddy=None) -> QLabel:
            label = QLabel(text)
            label.setStyleSheet("QLabel { font-weight: 600; color: #3d4752; margin-top: 4px; }")
            if buddy is not None:
                label.setBuddy(buddy)
            return label

        form.addWidget(caption("Why it matters"))
        form.addWidget(self.why)
        form.addWidget(caption("Ask"))
        form.addWidget(self.ask)
        form.addWidget(caption("Fallback"))
        form.addWidget(self.fallback)
        form.addWidget(caption("&Vendor's words", self.vendor))
        form.addWidget(self.vendor)
        form.addWidget(caption("&Proposal (edit freely)", self.proposal))
        form.addWidget(self.proposal)
        form.addWidget(caption("Preview as tracked changes"))
        form.addWidget(self.preview)

        detail = QWidget()
        dl = QVBoxLayout(detail)
        dl.setContentsMargins(6, 6, 6, 6)
        dl.addWidget(self.title)
        dl.addWidget(self.meta)
        dl.addLayout(form)
        dl.addWidget(self.decision_label)
        dl.addLayout(buttons)
        dl.addStretch(1)
        detail.setMinimumWidth(260)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(detail)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(scroll)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setChildrenCollapsible(False)
        self.splitter = split
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(split)

        QShortcut(QKeySequence("Ctrl+F"), self, self.search.setFocus,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        document.decisions.changed.connect(self._decision_changed)
        document.decisions.reset.connect(lambda: self._show(self.current))
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)
        self._show(None)

    @staticmethod
    def _note_label() -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    # -- data --------------------------------------------------------------------------------

    def set_analysis(self, analysis, playbook) -> None:
        keep = self.current
        self.model.set_analysis(analysis, playbook)
        self.agreement.blockSignals(True)
        chosen = self.agreement.currentData()
        self.agreement.clear()
        self.agreement.addItem("All agreements", "")
        for item in analysis.agreements:
            self.agreement.addItem(short_name(item), item.path)
        i = self.agreement.findData(chosen)
        self.agreement.setCurrentIndex(max(0, i))
        self.agreement.blockSignals(False)
        self.proxy.set_filter(agreement=self.agreement.currentData() or "")
        self._update_count()
        if keep and self.select_finding(keep[0].path, keep[1].id):
            return
        self._show(None)

    def _update_count(self, *_args) -> None:
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        decided = sum(1 for item, f in self.model.rows
                      if self.document.decisions.get((item.path, f.id)).state != OPEN)
        if total == 0:
            self.count.setText("No findings: the review flagged nothing in these agreements.")
        else:
            self.count.setText(f"{shown} of {total} findings shown · {decided} decided · "
                               "F8 next, Shift+F8 previous")

    def select_finding(self, path: str, finding_id: str) -> bool:
        """Make the finding current (clearing filters that hide it); return False if unknown."""
        row = self.model.row_of(path, finding_id)
        if row < 0:
            return False
        src = self.model.index(row, 0)
        index = self.proxy.mapFromSource(src)
        if not index.isValid():
            self.search.clear()
            self.severity.setCurrentIndex(0)
            self.state.setCurrentIndex(0)
            self.agreement.setCurrentIndex(0)
            index = self.proxy.mapFromSource(src)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)
        return True

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self._show(None)
            return
        item = current.data(AGREEMENT_ROLE)
        f = current.data(OBJECT_ROLE)
        self._show((item, f))
        self.findingSelected.emit(item, f)

    def step(self, delta: int) -> bool:
        """Move to the next (`delta` 1) or previous (-1) finding in the list's order."""
        rows = self.proxy.rowCount()
        if rows == 0:
            return False
        cur = self.table.currentIndex()
        row = (cur.row() + delta) if cur.isValid() else (0 if delta > 0 else rows - 1)
        row = max(0, min(rows - 1, row))
        index = self.proxy.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)
        return True

    # -- detail ------------------------------------------------------------------------------

    def _show(self, current) -> None:
        self.current = current
        has = current is not None
        for w in (self.accept_btn, self.edit_btn, self.reject_btn, self.reopen_btn, self.reset_btn,
                  self.proposal):
            w.setEnabled(has)
        if not has:
            self.title.setText("Select a finding to see the vendor's words and the proposal."
                               if self.model.rows else "No findings to review.")
            self.meta.setText("")
            for w in (self.why, self.ask, self.fallback):
                w.setText("")
            self.vendor.setPlainText("")
            self.proposal.blockSignals(True)
            self.proposal.setPlainText("")
            self.proposal.blockSignals(False)
            self.preview.clear()
            self.decision_label.setText("")
            return
        item, f = current
        self.title.setText(f.title)
        self.meta.setText(f"{f.severity.upper()} · {topic_name(self.model.playbook, f.topic)} · "
                          f"{short_name(item)} § {section_label(item, f.clause)} · rule {f.rule}")
        self.meta.setStyleSheet(f"QLabel {{ color: {SEVERITY_STRONG.get(f.severity, '#333')}; }}")
        self.why.setText(f.why or "—")
        self.ask.setText(f.ask or "—")
        self.fallback.setText(f.fallback or "—")
        self.vendor.setPlainText(vendor_words(item, f) or "(nothing: the proposal is a clause to insert)")
        decision = self.document.decision(item, f)
        text = decision.text if decision.state == EDIT else f.proposal
        self.proposal.blockSignals(True)
        self.proposal.setPlainText(text)
        self.proposal.blockSignals(False)
        self._update_preview()
        self._show_decision(decision)

    def _show_decision(self, decision: Decision) -> None:
        self.decision_label.setText(f"Decision: {LABELS.get(decision.state, decision.state)}")
        font = self.decision_label.font()
        font.setBold(decision.state != OPEN)
        self.decision_label.setFont(font)
        self.reopen_btn.setEnabled(decision.state != OPEN)

    def _update_preview(self) -> None:
        if self.current is None:
            return
        item, f = self.current
        new = self.proposal.toPlainText()
        old = vendor_words(item, f)
        if f.apply == "comment" and not new:
            new = old
        render_preview(self.preview, old, new, f.comment)
        self.edit_btn.setEnabled(new.strip() != f.proposal.strip() and bool(new.strip()))

    def _reset_text(self) -> None:
        if self.current:
            self.proposal.setPlainText(self.current[1].proposal)

    def _decision_changed(self, key) -> None:
        self._update_count()
        if self.current and (self.current[0].path, self.current[1].id) == tuple(key):
            self._show(self.current)

    # -- decisions ---------------------------------------------------------------------------

    def accept_current(self) -> bool:
        if not self.current:
            return False
        return self.document.decide(*self.current, Decision(ACCEPT))

    def reject_current(self) -> bool:
        if not self.current:
            return False
        return self.document.decide(*self.current, Decision(REJECT))

    def reopen_current(self) -> bool:
        if not self.current:
            return False
        return self.document.decide(*self.current, Decision(OPEN))

    def accept_edited(self, text: Optional[str] = None) -> bool:
        """Accept the proposal with `text` (default: the editor's words)."""
        if not self.current:
            return False
        if text is not None:
            self.proposal.setPlainText(text)
        words = self.proposal.toPlainText()
        if not words.strip() or words.strip() == self.current[1].proposal.strip():
            return self.accept_current()
        return self.document.decide(*self.current, Decision(EDIT, words))
