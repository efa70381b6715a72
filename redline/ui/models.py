"""Qt item models over the engine's results: agreements, topic matrix, findings, key terms, clauses.

Each model keeps the engine values it was given and shows them; `OBJECT_ROLE` returns the engine
object behind an index (an `AgreementAnalysis`, `Finding`, `Cell`, `KeyTerm` or `Clause`). No
legal logic: severities, verdicts and cells come from the engine as they are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional, Tuple

from PySide6.QtCore import (QAbstractItemModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex,
                            QSortFilterProxyModel, Qt, Signal)
from PySide6.QtGui import QBrush, QColor, QFont

from redline.model import AgreementAnalysis, Analysis, Cell, Clause, Finding
from redline.ui.decisions import LABELS, OPEN, DecisionStore

OBJECT_ROLE = Qt.ItemDataRole.UserRole + 1
"""Returns the engine object behind an index."""
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
AGREEMENT_ROLE = Qt.ItemDataRole.UserRole + 3
"""Returns the `AgreementAnalysis` an index belongs to."""

SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}
SEVERITY_COLORS = {"high": "#f3b5ae", "medium": "#f8d59c", "low": "#fbefb0"}
"""Light backgrounds, dark text stays readable on each."""
SEVERITY_STRONG = {"high": "#c0392b", "medium": "#d68910", "low": "#b7950b"}
SILENT_COLOR = "#e3e6ea"
REDACTED_COLOR = "#d5d8dc"

_Index = QModelIndex | QPersistentModelIndex


def short_name(item: AgreementAnalysis) -> str:
    return Path(item.path).stem


def header_label(item: AgreementAnalysis, width: int = 15) -> str:
    """Return a column header for `item`: its file name broken over two lines at a hyphen."""
    name = short_name(item)
    if len(name) <= width:
        return name
    cuts = [i for i, ch in enumerate(name) if ch in "-_ ."]
    if not cuts:
        return name
    mid = min(cuts, key=lambda i: abs(i - len(name) / 2))
    return name[: mid + (0 if name[mid] == " " else 1)].strip() + "\n" + name[mid + 1:].strip()


def topic_name(playbook, topic_id: str) -> str:
    """Return the playbook's display name of `topic_id` (a readable form of the id otherwise)."""
    try:
        name = playbook.topic(topic_id).name
        if name:
            return name
    except (KeyError, AttributeError):
        pass
    return topic_id.replace("_", " ").capitalize()


def worst_severity(findings) -> Optional[str]:
    """Return the most severe of `findings`' severities, or None."""
    best = None
    for f in findings:
        if f.severity in SEVERITY_RANK and (best is None or SEVERITY_RANK[f.severity] < SEVERITY_RANK[best]):
            best = f.severity
    return best


def section_label(item: AgreementAnalysis, clause_id: Optional[str]) -> str:
    """Return "7.3 Heading" for a clause id, "(missing)" for None."""
    if not clause_id:
        return "(missing)"
    try:
        c = item.agreement.clause(clause_id)
    except KeyError:
        return clause_id
    return " ".join(x for x in (c.number or "", c.heading or "") if x) or clause_id


# ---------------------------------------------------------------------------------------------


class AgreementsModel(QAbstractTableModel):
    """The loaded agreements; provider and customer editable (the document re-runs the review)."""

    COLUMNS = ("Agreement", "Provider", "Customer", "Clauses", "Findings", "Risk")
    partiesEdited = Signal(int, str, str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.items: List[AgreementAnalysis] = []

    def set_items(self, items) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section]
        return None

    def flags(self, index: _Index):
        f = super().flags(index)
        if index.column() in (1, 2):
            f |= Qt.ItemFlag.ItemIsEditable
        return f

    def data(self, index: _Index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        item = self.items[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == 0:
                return short_name(item)
            if col == 1:
                return item.parties.provider
            if col == 2:
                return item.parties.customer
            if col == 3:
                return len(item.agreement.clauses)
            if col == 4:
                counts = {s: 0 for s in SEVERITY_RANK}
                for f in item.findings:
                    counts[f.severity] = counts.get(f.severity, 0) + 1
                return f"{len(item.findings)} ({counts['high']} high)" if item.findings else "0"
            if col == 5:
                return item.risk_score
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 0:
                return f"{item.agreement.title}\n{item.path}"
            if col in (1, 2):
                how = "guessed by Redline" if item.parties.guessed else "set by you"
                return f"{self.COLUMNS[col]} name ({how}). Double-click or F2 to correct it."
        if role == Qt.ItemDataRole.FontRole and col in (1, 2) and not item.parties.guessed:
            font = QFont()
            font.setBold(True)
            return font
        if role in (OBJECT_ROLE, AGREEMENT_ROLE):
            return item
        return None

    def setData(self, index: _Index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() not in (1, 2):
            return False
        item = self.items[index.row()]
        text = str(value).strip()
        if not text:
            return False
        provider = text if index.column() == 1 else item.parties.provider
        customer = text if index.column() == 2 else item.parties.customer
        self.partiesEdited.emit(index.row(), provider, customer)
        return True


# ---------------------------------------------------------------------------------------------


class TopicMatrixModel(QAbstractTableModel):
    """Topics down, agreements across; a cell shows the clause count, shaded by the worst finding."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.analysis: Optional[Analysis] = None
        self.playbook = None
        self.topics: List[str] = []
        self._worst: Dict[Tuple[str, int], Optional[str]] = {}
        self._count: Dict[Tuple[str, int], int] = {}

    def set_analysis(self, analysis: Analysis, playbook) -> None:
        self.beginResetModel()
        self.analysis, self.playbook = analysis, playbook
        self.topics = list(analysis.matrix.keys())
        self._worst.clear()
        self._count.clear()
        for col, item in enumerate(analysis.agreements):
            by_topic: Dict[str, list] = {}
            for f in item.findings:
                by_topic.setdefault(f.topic, []).append(f)
            for topic, fs in by_topic.items():
                self._worst[(topic, col)] = worst_severity(fs)
                self._count[(topic, col)] = len(fs)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.topics)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        if parent.isValid() or self.analysis is None:
            return 0
        return len(self.analysis.agreements)

    def cell(self, row: int, col: int) -> Optional[Cell]:
        cells = self.analysis.matrix.get(self.topics[row], ()) if self.analysis else ()
        return cells[col] if col < len(cells) else None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if self.analysis is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            item = self.analysis.agreements[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return header_label(item)
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{short_name(item)}\n{item.agreement.title}\nProvider: {item.parties.provider}"
        else:
            topic = self.topics[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return topic_name(self.playbook, topic)
            if role == Qt.ItemDataRole.ToolTipRole:
                return topic
            if role == OBJECT_ROLE:
                return topic
        return None

    def data(self, index: _Index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.analysis is None:
            return None
        row, col = index.row(), index.column()
        topic = self.topics[row]
        cell = self.cell(row, col)
        worst = self._worst.get((topic, col))
        if cell is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if cell.state == "addressed":
                text = str(len(cell.clauses))
                return f"{text} · {worst}" if worst else text
            if cell.state == "silent":
                return f"silent · {worst}" if worst else "silent"
            return f"{cell.state} · {worst}" if worst else cell.state
        if role == Qt.ItemDataRole.BackgroundRole:
            if worst:
                return QBrush(QColor(SEVERITY_COLORS[worst]))
            if cell.state == "silent":
                return QBrush(QColor(SILENT_COLOR), Qt.BrushStyle.Dense4Pattern)
            if cell.state == "redacted":
                return QBrush(QColor(REDACTED_COLOR))
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#1b1f23"))
        if role == Qt.ItemDataRole.FontRole and cell.state != "addressed":
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            item = self.analysis.agreements[col]
            lines = [f"{topic_name(self.playbook, topic)} — {short_name(item)}"]
            if cell.state == "silent":
                lines.append("The agreement says nothing on this topic.")
            elif cell.state == "redacted":
                lines.append("The provision's terms are redacted.")
            for cid in cell.clauses[:8]:
                lines.append("§ " + section_label(item, cid))
            n = self._count.get((topic, col), 0)
            if n:
                lines.append(f"{n} finding(s), worst: {worst}")
            verdict = item.verdicts.get(topic)
            if verdict:
                lines.append(f"Verdict: {verdict}")
            return "\n".join(lines)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self.data(index)}"
        if role == OBJECT_ROLE:
            return cell
        if role == AGREEMENT_ROLE:
            return self.analysis.agreements[col]
        return None


# ---------------------------------------------------------------------------------------------


class FindingsModel(QAbstractTableModel):
    """Every finding of every agreement, with the attorney's decision."""

    COLUMNS = ("Severity", "Finding", "Agreement", "§", "Decision", "Topic")
    DECISION_COLUMN = 4

    def __init__(self, store: DecisionStore, parent=None) -> None:
        super().__init__(parent)
        self.store = store
        self.rows: List[Tuple[AgreementAnalysis, Finding]] = []
        self._row_of: Dict[Tuple[str, str], int] = {}
        self.playbook = None
        store.changed.connect(self._decision_changed)
        store.reset.connect(self._decisions_reset)

    def set_analysis(self, analysis: Analysis, playbook) -> None:
        self.beginResetModel()
        self.playbook = playbook
        self.rows = [(item, f) for item in analysis.agreements for f in item.findings]
        self._row_of = {(item.path, f.id): i for i, (item, f) in enumerate(self.rows)}
        self.endResetModel()

    def _decision_changed(self, key) -> None:
        row = self._row_of.get(tuple(key))
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def _decisions_reset(self) -> None:
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.COLUMNS) - 1))

    def row_of(self, path: str, finding_id: str) -> int:
        return self._row_of.get((path, finding_id), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section]
        return None

    def data(self, index: _Index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        item, f = self.rows[index.row()]
        col = index.column()
        decision = self.store.get((item.path, f.id))
        if role == Qt.ItemDataRole.DisplayRole:
            return (f.severity, f.title, short_name(item), section_label(item, f.clause),
                    LABELS.get(decision.state, decision.state), topic_name(self.playbook, f.topic))[col]
        if role == SORT_ROLE:
            if col == 0:
                return SEVERITY_RANK.get(f.severity, 9)
            if col == 3:
                return f"{short_name(item)}\x00{f.start if f.start is not None else 10 ** 12:013d}"
            return str(self.data(index)).lower()
        if role == Qt.ItemDataRole.BackgroundRole and col == 0:
            return QBrush(QColor(SEVERITY_COLORS.get(f.severity, "#ffffff")))
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == 0:
                return QBrush(QColor("#1b1f23"))
            if decision.state != OPEN:
                return QBrush(QColor("#5f6b7a"))
        if role == Qt.ItemDataRole.FontRole and col == self.DECISION_COLUMN and decision.state != OPEN:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{f.title} ({f.rule})\n{f.why}".strip()
        if role == OBJECT_ROLE:
            return f
        if role == AGREEMENT_ROLE:
            return item
        return None


class FindingsFilter(QSortFilterProxyModel):
    """Filters findings by words, severity, decision and agreement; sorts by `SORT_ROLE`."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.text = ""
        self.severity = ""
        self.decision = ""
        self.agreement = ""
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def set_filter(self, *, text=None, severity=None, decision=None, agreement=None) -> None:
        modern = hasattr(self, "beginFilterChange")  # Qt >= 6.9; invalidateFilter is deprecated
        if modern:
            self.beginFilterChange()
        if text is not None:
            self.text = text.strip().lower()
        if severity is not None:
            self.severity = severity
        if decision is not None:
            self.decision = decision
        if agreement is not None:
            self.agreement = agreement
        if modern:
            self.endFilterChange()
        else:
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: _Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, FindingsModel) or row >= len(model.rows):
            return True
        item, f = model.rows[row]
        if self.severity and f.severity != self.severity:
            return False
        if self.agreement and item.path != self.agreement:
            return False
        if self.decision:
            state = model.store.get((item.path, f.id)).state
            if self.decision == "decided":
                if state == OPEN:
                    return False
            elif state != self.decision:
                return False
        if self.text:
            hay = " ".join((f.title, f.rule, f.topic, f.quote, f.why, short_name(item),
                            section_label(item, f.clause))).lower()
            return all(word in hay for word in self.text.split())
        return True


# ---------------------------------------------------------------------------------------------


class KeyTermsModel(QAbstractTableModel):
    """Key terms down, agreements across; a cell is the term's value as written."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.analysis: Optional[Analysis] = None
        self.names: List[str] = []

    def set_analysis(self, analysis: Analysis) -> None:
        self.beginResetModel()
        self.analysis = analysis
        names: List[str] = []
        for item in analysis.agreements:
            for name in item.key_terms:
                if name not in names:
                    names.append(name)
        self.names = names
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.names)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() or self.analysis is None else len(self.analysis.agreements)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or self.analysis is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return header_label(self.analysis.agreements[section])
        return self.names[section].replace("_", " ")

    def term(self, row: int, col: int):
        if self.analysis is None:
            return None
        return self.analysis.agreements[col].key_terms.get(self.names[row])

    def data(self, index: _Index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.analysis is None:
            return None
        item = self.analysis.agreements[index.column()]
        term = self.term(index.row(), index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if term is None or term.value is None:
                return "—"
            value = term.value
            if isinstance(value, bool):
                return "yes" if value else "no"
            if isinstance(value, (list, tuple)):
                value = ", ".join(map(str, value))
            text = " ".join(str(value).split())
            if len(text) > 60 and isinstance(term.normalized, str) and 0 < len(term.normalized) < len(text):
                text = term.normalized  # the engine's short form; the words as written in the tooltip
            return text if len(text) <= 90 else text[:88].rstrip() + "…"
        if role == Qt.ItemDataRole.ToolTipRole and term is not None:
            lines = [" ".join(str(term.value).split())] if term.value is not None else []
            if term.normalized is not None:
                lines.append(f"Normalised: {term.normalized}")
            if term.clause:
                lines.append("§ " + section_label(item, term.clause))
            for alt in term.alternatives:
                lines.append(f"Also: {alt.value} (§ {section_label(item, alt.clause)})")
            if term.start is not None:
                lines.append("Double-click to see it in the agreement.")
            return "\n".join(lines) or None
        if role == Qt.ItemDataRole.ForegroundRole and (term is None or term.value is None):
            return QBrush(QColor("#8a939e"))
        if role == OBJECT_ROLE:
            return term
        if role == AGREEMENT_ROLE:
            return item
        return None


# ---------------------------------------------------------------------------------------------


class ClauseTreeModel(QAbstractItemModel):
    """One agreement's parts and clauses as a tree (parts at the top, clauses under them)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.item: Optional[AgreementAnalysis] = None
        self._nodes: List[Tuple[object, int, List[int]]] = []  # (object, parent node, children)

    def set_item(self, item: Optional[AgreementAnalysis]) -> None:
        self.beginResetModel()
        self.item = item
        self._nodes = [(None, -1, [])]
        if item is not None:
            ag = item.agreement
            node_of: Dict[str, int] = {}
            for part in ag.parts:
                self._nodes.append((part, 0, []))
                node_of["part:" + part.id] = len(self._nodes) - 1
                self._nodes[0][2].append(len(self._nodes) - 1)
            for clause in ag.clauses:
                parent = node_of.get(clause.parent or "", node_of.get("part:" + clause.part, 0))
                self._nodes.append((clause, parent, []))
                node_of[clause.id] = len(self._nodes) - 1
                self._nodes[parent][2].append(len(self._nodes) - 1)
        self.endResetModel()

    def _node(self, index: _Index) -> int:
        return int(index.internalId()) if index.isValid() else 0

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:
        kids = self._nodes[self._node(parent)][2] if self._nodes else []
        if 0 <= row < len(kids) and column == 0:
            return self.createIndex(row, column, kids[row])
        return QModelIndex()

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        parent = self._nodes[self._node(index)][1]
        if parent <= 0:
            return QModelIndex()
        grand = self._nodes[parent][1]
        return self.createIndex(self._nodes[grand][2].index(parent), 0, parent)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        if not self._nodes or parent.column() > 0:
            return 0
        return len(self._nodes[self._node(parent)][2])

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 1

    def index_of_clause(self, clause_id: str) -> QModelIndex:
        for n, (obj, parent, _kids) in enumerate(self._nodes):
            if isinstance(obj, Clause) and obj.id == clause_id:
                return self.createIndex(self._nodes[parent][2].index(n), 0, n)
        return QModelIndex()

    def data(self, index: _Index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        obj = self._nodes[self._node(index)][0]
        if role == Qt.ItemDataRole.DisplayRole:
            if isinstance(obj, Clause):
                return " ".join(x for x in (obj.number or "•", obj.heading or "") if x)
            return getattr(obj, "title", "") or getattr(obj, "id", "")
        if role == Qt.ItemDataRole.FontRole and not isinstance(obj, Clause):
            font = QFont()
            font.setBold(True)
            return font
        if role == OBJECT_ROLE:
            return obj
        return None
