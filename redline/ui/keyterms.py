"""The key terms and cross-references tab: terms across agreements, and the problems to fix.

Top, the key-terms table (terms down, agreements across); below, every dangling reference,
defined-term problem and open item. Double-click (or Enter) on either goes to the place in the
source view.
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QSplitter, QTableView,
                               QTreeView, QVBoxLayout, QWidget)

from redline.model import Analysis
from redline.ui.models import AGREEMENT_ROLE, OBJECT_ROLE, KeyTermsModel, short_name

SPAN_ROLE = Qt.ItemDataRole.UserRole + 10


def problem_rows(analysis: Analysis):
    """Yield (agreement, kind, text, start, end) for every reference and term problem."""
    for item in analysis.agreements:
        for x in item.xrefs:
            if x.dangling:
                yield item, "Dangling reference", x.text, x.start, x.end
        for d in item.defined_terms:
            if not d.defined:
                yield item, "Used but never defined", d.term, d.start, d.end
            elif d.uses == 0:
                yield item, "Defined but never used", d.term, d.start, d.end
        for o in item.open_items:
            yield item, "Blank to fill in", o.text, o.start, o.end


class KeyTermsView(QWidget):
    """Key terms across agreements, and dangling references and defined-term problems."""

    spanActivated = Signal(str, int, int, object)
    """(agreement path, start, end, clause id or None)."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.model = KeyTermsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Key terms")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setMinimumSectionSize(90)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.activated.connect(self._term_activated)
        self.table.doubleClicked.connect(self._term_activated)
        self.terms_empty = QLabel()
        self.terms_empty.setWordWrap(True)
        self.terms_empty.setStyleSheet("QLabel { color: #5f6b7a; padding: 6px; }")

        self.problems = QStandardItemModel(self)
        self.problems.setHorizontalHeaderLabels(["Agreement", "Problem", "Words"])
        self.list = QTreeView()
        self.list.setModel(self.problems)
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        self.list.setAccessibleName("Reference and definition problems")
        self.list.setSortingEnabled(True)
        self.list.activated.connect(self._problem_activated)
        self.list.doubleClicked.connect(self._problem_activated)
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)

        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(4, 4, 4, 4)
        head = QLabel("<b>Key terms</b> — double-click a value to see it in the agreement")
        tl.addWidget(head)
        tl.addWidget(self.terms_empty)
        tl.addWidget(self.table, 1)
        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(4, 4, 4, 4)
        bl.addWidget(self.problems_label)
        bl.addWidget(self.list, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setChildrenCollapsible(False)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([600, 400])
        self.splitter = split
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(split)

    def set_analysis(self, analysis: Analysis) -> None:
        self.model.set_analysis(analysis)
        has_terms = self.model.rowCount() > 0
        self.table.setVisible(has_terms)
        self.terms_empty.setVisible(not has_terms)
        self.terms_empty.setText("No key terms were found in these agreements." if analysis.agreements
                                 else "Open agreements to compare their key terms.")
        self.problems.removeRows(0, self.problems.rowCount())
        n = 0
        for item, kind, text, start, end in problem_rows(analysis):
            cells = [QStandardItem(short_name(item)), QStandardItem(kind),
                     QStandardItem(" ".join(str(text).split())[:200])]
            for c in cells:
                c.setEditable(False)
                c.setData((item.path, start, end), SPAN_ROLE)
                if start is not None:
                    c.setToolTip("Double-click to see it in the agreement.")
            self.problems.appendRow(cells)
            n += 1
        self.problems_label.setText(
            f"<b>Cross-references, defined terms and blanks</b> — {n} to check" if n else
            "<b>Cross-references, defined terms and blanks</b> — nothing to check")
        self.list.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.list.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)

    def _term_activated(self, index: QModelIndex) -> None:
        term = index.data(OBJECT_ROLE)
        item = index.data(AGREEMENT_ROLE)
        if term is not None and item is not None and term.start is not None:
            self.spanActivated.emit(item.path, int(term.start), int(term.end or term.start), term.clause)

    def _problem_activated(self, index: QModelIndex) -> None:
        data = index.data(SPAN_ROLE)
        if data and data[1] is not None:
            path, start, end = data
            self.spanActivated.emit(path, int(start), int(end if end is not None else start), None)
