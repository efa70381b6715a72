"""The source view: the selected clause in the context of the whole agreement, furniture greyed.

Left, the agreement's parts and clauses as a tree; right, its whole text with the current clause
tinted, page furniture (headers, page numbers, web chrome) greyed, and the findings highlighted.
"""

from __future__ import annotations

from typing import List, Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QSplitter, QTreeView, QVBoxLayout,
                               QWidget)

from redline.model import AgreementAnalysis, Analysis, Clause
from redline.ui.compareview import finding_note
from redline.ui.models import OBJECT_ROLE, SEVERITY_COLORS, SEVERITY_RANK, ClauseTreeModel, short_name
from redline.ui.textviews import Mark, MarkerBar, SourceText

CURRENT_COLOR = "#cfe2ff"
CLAUSE_COLOR = "#eef4fb"
FURNITURE_FG = "#a0a7b0"
REDACTION_COLOR = "#d5d8dc"


class SourceView(QWidget):
    """One agreement whole: clause tree and text, with the current clause shown in context."""

    findingActivated = Signal(object, object)

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.analysis: Optional[Analysis] = None
        self.item: Optional[AgreementAnalysis] = None
        self.clause_id: Optional[str] = None
        self.span: Optional[tuple] = None

        self.picker = QComboBox()
        self.picker.setAccessibleName("Agreement shown")
        self.picker.setMinimumContentsLength(20)
        self.picker.activated.connect(self._picked)
        pick_label = QLabel("A&greement:")
        pick_label.setBuddy(self.picker)
        self.where = QLabel()
        self.where.setTextFormat(Qt.TextFormat.PlainText)
        self.where.setStyleSheet("QLabel { color: #5f6b7a; }")
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 4, 4, 2)
        bar.addWidget(pick_label)
        bar.addWidget(self.picker)
        bar.addWidget(self.where, 1)

        self.tree_model = ClauseTreeModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.tree_model)
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Clauses")
        self.tree.setUniformRowHeights(True)
        self.tree.selectionModel().currentChanged.connect(self._tree_changed)
        self.text = SourceText()
        self.text.setAccessibleName("Agreement text")
        self.text.markActivated.connect(lambda f: self.findingActivated.emit(self.item, f))
        self.bar = MarkerBar(self.text)
        right = QWidget()
        rl = QHBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.setSpacing(1)
        rl.addWidget(self.text, 1)
        rl.addWidget(self.bar)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.tree)
        split.addWidget(right)
        self.tree.setMinimumWidth(170)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        split.setSizes([220, 900])
        split.setChildrenCollapsible(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(bar)
        lay.addWidget(split, 1)

    def set_analysis(self, analysis: Analysis) -> None:
        self.analysis = analysis
        keep = self.item.path if self.item else None
        self.picker.clear()
        for item in analysis.agreements:
            self.picker.addItem(short_name(item), item.path)
        target = next((i for i in analysis.agreements if i.path == keep), None)
        if target is None and analysis.agreements:
            target = analysis.agreements[0]
        self.show_agreement(target, force=True)

    def _picked(self, index: int) -> None:
        if self.analysis and 0 <= index < len(self.analysis.agreements):
            self.show_agreement(self.analysis.agreements[index])

    def show_agreement(self, item: Optional[AgreementAnalysis], *, force: bool = False) -> None:
        """Show `item` whole (nothing when None)."""
        if item is self.item and not force:
            return
        self.item = item
        self.clause_id = None
        self.span = None
        self.tree_model.set_item(item)
        if item is None:
            self.text.load_text("")
            self.where.setText("")
            return
        i = self.picker.findData(item.path)
        if i >= 0:
            self.picker.setCurrentIndex(i)
        self.text.load_text(item.agreement.text)
        self.tree.expandToDepth(0)
        self.where.setText(f"{len(item.agreement.clauses)} clauses · {len(item.agreement.furniture)} "
                           "pieces of page furniture (greyed)")
        self._mark()

    def _find_item(self, path: str) -> Optional[AgreementAnalysis]:
        if self.analysis is None:
            return None
        return next((i for i in self.analysis.agreements if i.path == path), None)

    def show_clause(self, path: str, clause_id: str) -> bool:
        """Show clause `clause_id` of agreement `path` in context; return False if unknown."""
        item = self._find_item(path)
        if item is None:
            return False
        try:
            clause = item.agreement.clause(clause_id)
        except KeyError:
            return False
        self.show_agreement(item)
        self.clause_id = clause_id
        self.span = (clause.start, clause.end)
        index = self.tree_model.index_of_clause(clause_id)
        if index.isValid():
            self.tree.blockSignals(True)
            self.tree.selectionModel().blockSignals(True)
            self.tree.setCurrentIndex(index)
            self.tree.scrollTo(index)
            self.tree.selectionModel().blockSignals(False)
            self.tree.blockSignals(False)
        label = " ".join(x for x in (clause.number or "", clause.heading or "") if x)
        self.where.setText(f"§ {label or clause.id}")
        self._mark()
        self.text.show_span(clause.start, clause.end)
        return True

    def show_span(self, path: str, start: int, end: int, clause_id: Optional[str] = None) -> bool:
        """Show `start:end` of agreement `path` (tinted) in context; return False if unknown."""
        item = self._find_item(path)
        if item is None:
            return False
        if clause_id and self.show_clause(path, clause_id):
            pass
        else:
            self.show_agreement(item)
        self.span = (start, end)
        self._mark()
        self.text.show_span(start, end)
        return True

    def _tree_changed(self, current, _previous) -> None:
        obj = current.data(OBJECT_ROLE) if current.isValid() else None
        if isinstance(obj, Clause) and self.item is not None:
            self.show_clause(self.item.path, obj.id)
        elif obj is not None and hasattr(obj, "start") and self.item is not None:
            self.span = (obj.start, obj.start)
            self.text.show_span(obj.start, obj.start)

    def _mark(self) -> None:
        item = self.item
        if item is None:
            self.text.set_marks([])
            return
        ag = item.agreement
        marks: List[Mark] = []
        if self.clause_id:  # the clause in context, tinted; the exact words on top of it
            try:
                c = ag.clause(self.clause_id)
                marks.append(Mark(c.start, c.end, CLAUSE_COLOR))
            except KeyError:
                pass
        if self.span:
            marks.append(Mark(self.span[0], self.span[1], CURRENT_COLOR))
        for f in ag.furniture:
            marks.append(Mark(f.start, f.end, "", f"Page furniture ({f.kind.replace('_', ' ')}): "
                              "not part of the agreement's text", foreground=FURNITURE_FG))
        for s, e in ag.redactions:
            marks.append(Mark(s, e, REDACTION_COLOR, "Redacted in this copy"))
        for f in sorted((f for f in item.findings if f.start is not None and f.end is not None),
                        key=lambda f: -SEVERITY_RANK.get(f.severity, 3)):
            marks.append(Mark(f.start, f.end, SEVERITY_COLORS.get(f.severity, "#eeeeee"),
                              finding_note(f), payload=f))
        self.text.set_marks(marks)
