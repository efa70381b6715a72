"""The comparison view: one topic's clauses side by side, one column per agreement.

Each column shows the clauses the engine put under the topic, with their numbers and headings;
the words a finding flags are highlighted by severity (tooltip: rule and why); scrolling one
column brings the others to their closest matching clause; a toggle marks each column's words
that differ from a reference agreement; marks also appear beside each scroll bar.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QScrollArea, QSplitter,
                               QVBoxLayout, QWidget)
from rapidfuzz import fuzz

from redline.model import AgreementAnalysis, Analysis, Finding
from redline.spans import clean_pieces
from redline.ui.models import SEVERITY_COLORS, SEVERITY_RANK, short_name, topic_name
from redline.ui.textviews import Mark, MarkerBar, SpanText
from redline.ui.wordiff import changed_spans
from redline.ui.worker import run_task

DIFF_COLOR = "#cfe3ff"
DIFF_TIMEOUT = 0.5
"""Seconds diff-match-patch may spend on one column before settling for a coarser diff."""
COLUMN_MIN_WIDTH = 128
"""Narrower than this, the columns scroll sideways instead of squeezing the text."""


@dataclass
class Column:
    """What one column shows: its text, where each piece came from, and its clauses."""

    item: AgreementAnalysis
    state: str
    chunks: List[Tuple[str, str]] = field(default_factory=list)
    segments: List[Tuple[int, int, int]] = field(default_factory=list)
    """(view start, agreement start, length)."""
    clauses: List[Tuple[str, int, int]] = field(default_factory=list)
    """(clause id, view start, view end)."""
    text: str = ""

    def view_spans(self, start: int, end: int) -> List[Tuple[int, int]]:
        """Return the view spans showing agreement text `start:end`."""
        out = []
        for vs, ds, n in self.segments:
            s, e = max(start, ds), min(end, ds + n)
            if s < e:
                out.append((vs + s - ds, vs + e - ds))
        return out

    def clause_text(self, k: int) -> str:
        _cid, s, e = self.clauses[k]
        return self.text[s:e]


def build_column(item: AgreementAnalysis, state: str, clause_ids: Sequence[str]) -> Column:
    """Return the column for `item` showing `clause_ids` (descendants of a shown clause skipped)."""
    col = Column(item=item, state=state)
    ag = item.agreement
    wanted = []
    for cid in clause_ids:
        try:
            wanted.append(ag.clause(cid))
        except KeyError:
            continue
    ids = {c.id for c in wanted}

    def has_shown_ancestor(c) -> bool:
        seen = 0
        p = c.parent
        while p and seen < 200:
            if p in ids:
                return True
            try:
                p = ag.clause(p).parent
            except KeyError:
                return False
            seen += 1
        return False

    wanted = sorted((c for c in wanted if not has_shown_ancestor(c)), key=lambda c: c.start)
    pos = 0
    parts: List[str] = []
    for c in wanted:
        label = " ".join(x for x in (c.number or "", c.heading or "") if x) or "(unnumbered clause)"
        head = f"§ {label}\n"
        col.chunks.append((head, "heading"))
        parts.append(head)
        pos += len(head)
        clause_start = pos
        for i, (s, e) in enumerate(clean_pieces(ag, c.start, c.end)):
            piece = ag.text[s:e]
            if i and parts and not parts[-1][-1:].isspace() and not piece[:1].isspace():
                col.chunks.append((" ", ""))
                parts.append(" ")
                pos += 1
            col.chunks.append((piece, ""))
            col.segments.append((pos, s, e - s))
            parts.append(piece)
            pos += len(piece)
        col.clauses.append((c.id, clause_start, pos))
        col.chunks.append(("\n\n", ""))
        parts.append("\n\n")
        pos += 2
    if not wanted:
        if state == "silent":
            msg = "This agreement says nothing on this topic."
        elif state == "redacted":
            msg = "The terms of this provision are redacted in this copy."
        else:
            msg = "No clause of this agreement is on this topic."
        col.chunks.append((msg, ""))
        parts.append(msg)
    col.text = "".join(parts)
    return col


def finding_note(f: Finding) -> str:
    """Return the tooltip of a flagged span: title, rule, severity and why."""
    lines = [f"{f.title}  [{f.severity}, rule {f.rule}]"]
    if f.why:
        lines.append(f"Why: {f.why}")
    if f.ask:
        lines.append(f"Ask: {f.ask}")
    return "\n".join(lines)


class ColumnView(QWidget):
    """One agreement's column: a header line, the text, and its marker strip."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.header.setStyleSheet("QLabel { font-weight: 600; padding: 3px 2px; }")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setStyleSheet("QLabel { color: #8e2a1e; padding: 0 2px 3px 2px; }")
        self.note.hide()
        self.text = SpanText()
        self.bar = MarkerBar(self.text)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(1)
        row.addWidget(self.text, 1)
        row.addWidget(self.bar)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 0, 2, 0)
        lay.setSpacing(0)
        lay.addWidget(self.header)
        lay.addWidget(self.note)
        lay.addLayout(row, 1)
        self.column: Optional[Column] = None
        self.finding_marks: List[Mark] = []


class CompareView(QWidget):
    """The selected topic's clauses side by side, with highlights, sync scrolling and diff."""

    findingActivated = Signal(object, object)
    """(AgreementAnalysis, Finding) double-clicked in a column."""
    topicChosen = Signal(str)

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.analysis: Optional[Analysis] = None
        self.playbook = None
        self.topic: Optional[str] = None
        self.columns: List[ColumnView] = []
        self._match_cache: Dict[Tuple[int, int, int], int] = {}
        self._syncing = False
        self._diff_gen = 0
        self.diff_task = None

        self.topic_box = QComboBox()
        self.topic_box.setMinimumContentsLength(12)
        self.topic_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.topic_box.setAccessibleName("Topic")
        self.topic_box.activated.connect(self._topic_box_chosen)
        topic_label = QLabel("&Topic:")
        topic_label.setBuddy(self.topic_box)
        self.sync_box = QCheckBox("Scroll in &step")
        self.sync_box.setChecked(True)
        self.sync_box.setToolTip("Scrolling one column brings the others to their closest matching clause.")
        self.diff_box = QCheckBox("&Differences vs.")
        self.diff_box.setToolTip("Mark, in each column, the words that differ from the reference agreement.")
        self.diff_box.toggled.connect(lambda _on: self.refresh_marks())
        self.ref_box = QComboBox()
        self.ref_box.setAccessibleName("Reference agreement")
        self.ref_box.setMinimumContentsLength(10)
        self.ref_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.ref_box.currentIndexChanged.connect(lambda _i: self.refresh_marks())
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 4, 4, 2)
        bar.addWidget(topic_label)
        bar.addWidget(self.topic_box, 1)
        bar.addSpacing(6)
        bar.addWidget(self.sync_box)
        bar.addSpacing(6)
        bar.addWidget(self.diff_box)
        bar.addWidget(self.ref_box)
        self.diff_note = QLabel()
        self.diff_note.setStyleSheet("QLabel { color: #8e2a1e; padding: 0 4px; }")
        self.diff_note.setWordWrap(True)
        self.diff_note.hide()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroller.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroller.setWidget(self.splitter)
        self.empty = QLabel("Choose a topic in the matrix (or above) to read its clauses side by side.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("QLabel { color: #5f6b7a; padding: 24px; }")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(bar)
        lay.addWidget(self.diff_note)
        lay.addWidget(self.empty, 1)
        lay.addWidget(self.scroller, 1)
        self.scroller.hide()

    # -- data --------------------------------------------------------------------------------

    def set_analysis(self, analysis: Analysis, playbook, reference: Optional[str] = None) -> None:
        self.analysis, self.playbook = analysis, playbook
        self.topic_box.blockSignals(True)
        self.topic_box.clear()
        for topic in analysis.matrix:
            self.topic_box.addItem(topic_name(playbook, topic), topic)
        self.topic_box.blockSignals(False)
        self.ref_box.blockSignals(True)
        self.ref_box.clear()
        for item in analysis.agreements:
            self.ref_box.addItem(short_name(item), item.path)
        if reference:
            i = self.ref_box.findData(reference)
            if i >= 0:
                self.ref_box.setCurrentIndex(i)
        self.ref_box.blockSignals(False)
        topic = self.topic if self.topic in analysis.matrix else None
        self.show_topic(topic)

    def set_reference(self, path: Optional[str]) -> None:
        i = self.ref_box.findData(path) if path else -1
        if i >= 0:
            self.ref_box.setCurrentIndex(i)

    def reference(self) -> Optional[str]:
        return self.ref_box.currentData()

    def _topic_box_chosen(self, index: int) -> None:
        topic = self.topic_box.itemData(index)
        if topic:
            self.show_topic(topic)
            self.topicChosen.emit(topic)

    def show_topic(self, topic: Optional[str]) -> None:
        """Show `topic`'s clauses, one column per agreement (an empty note when None)."""
        self.topic = topic
        self._match_cache.clear()
        for cv in self.columns:
            cv.setParent(None)
            cv.deleteLater()
        self.columns = []
        if not topic or self.analysis is None or topic not in self.analysis.matrix:
            self.scroller.hide()
            self.empty.show()
            if self.analysis is not None and not self.analysis.matrix:
                self.empty.setText("No topics were found in these agreements, so there is nothing "
                                   "to compare yet. The source view shows each agreement whole.")
            return
        i = self.topic_box.findData(topic)
        if i >= 0 and i != self.topic_box.currentIndex():
            self.topic_box.setCurrentIndex(i)
        cells = self.analysis.matrix[topic]
        for n, item in enumerate(self.analysis.agreements):
            cell = cells[n] if n < len(cells) else None
            ids = list(cell.clauses) if cell else []
            # the clauses holding this topic's flagged words are shown too, so the reader sees them
            ids += [f.clause for f in item.findings
                    if f.topic == topic and f.clause and f.start is not None and f.clause not in ids]
            col = build_column(item, cell.state if cell else "silent", ids)
            cv = ColumnView()
            cv.column = col
            cv.text.load(col.chunks)
            state = {"silent": "silent", "redacted": "redacted"}.get(col.state, f"{len(col.clauses)} clause(s)")
            if col.state != "addressed" and col.clauses:
                state += f" · {len(col.clauses)} flagged clause(s)"
            cv.header.setText(f"{short_name(item)}\n{state}")
            cv.header.setToolTip(f"{item.agreement.title}\n{item.path}\nProvider: {item.parties.provider}")
            missing = [f for f in item.findings if f.topic == topic and f.start is None]
            if missing:
                cv.note.setText("; ".join(f"{f.severity}: {f.title}" for f in missing))
                cv.note.show()
            cv.text.verticalScrollBar().valueChanged.connect(lambda _v, k=n: self._sync_from(k))
            cv.text.markActivated.connect(lambda f, it=item: self.findingActivated.emit(it, f))
            cv.setMinimumWidth(COLUMN_MIN_WIDTH)
            self.columns.append(cv)
            self.splitter.addWidget(cv)
        self.empty.hide()
        self.scroller.show()
        self.splitter.setSizes([1000] * len(self.columns))
        self.refresh_marks()

    def refresh_marks(self) -> None:
        """Recompute each column's highlights: findings by severity now, differences (if on) from
        the worker, drawn over the findings when they arrive."""
        self._diff_gen += 1
        self.diff_task = None
        if not self.columns:
            return
        ref_path = self.reference() if self.diff_box.isChecked() else None
        ref_col = next((cv.column for cv in self.columns if cv.column and cv.column.item.path == ref_path), None)
        for cv in self.columns:
            col = cv.column
            if col is None:
                continue
            marks: List[Mark] = []
            findings = sorted((f for f in col.item.findings if f.start is not None and f.end is not None),
                              key=lambda f: -SEVERITY_RANK.get(f.severity, 3))
            for f in findings:
                for vs, ve in col.view_spans(f.start, f.end):
                    marks.append(Mark(vs, ve, SEVERITY_COLORS.get(f.severity, "#eeeeee"), finding_note(f),
                                      payload=f))
            cv.finding_marks = marks
            cv.text.set_marks(marks)
        if ref_path and (ref_col is None or not ref_col.clauses):
            self.diff_note.setText("The reference says nothing on this topic: pick another.")
            self.diff_note.show()
        else:
            self.diff_note.hide()
        if ref_col is None or not ref_col.clauses:
            return
        ref_text = "\n\n".join(ref_col.clause_text(k) for k in range(len(ref_col.clauses)))
        jobs = [(n, [(s, cv.column.text[s:e]) for _cid, s, e in cv.column.clauses])
                for n, cv in enumerate(self.columns)
                if cv.column is not None and cv.column is not ref_col and cv.column.clauses]
        gen = self._diff_gen
        ref_name = short_name(ref_col.item)
        self.diff_note.setText(f"Marking the words that are not in {ref_name}…")
        self.diff_note.show()

        def work(progress) -> Dict[int, List[Tuple[int, int]]]:
            out: Dict[int, List[Tuple[int, int]]] = {}
            for i, (n, pieces) in enumerate(jobs):
                if progress.cancelled() or gen != self._diff_gen:
                    break
                progress.step(i, len(jobs), "comparing words")
                # one diff per column: its clauses joined, offsets mapped back to the view
                body, starts, pos = [], [], 0
                for view_start, text in pieces:
                    starts.append((pos, view_start, len(text)))
                    body.append(text)
                    pos += len(text) + 2
                spans = changed_spans(ref_text, "\n\n".join(body), timeout=DIFF_TIMEOUT)
                mapped = []
                for ds, de in spans:
                    for bs, vs, n_chars in starts:
                        s0, e0 = max(ds, bs), min(de, bs + n_chars)
                        if s0 < e0:
                            mapped.append((vs + s0 - bs, vs + e0 - bs))
                out[n] = mapped
            return out

        def done(result: Dict[int, List[Tuple[int, int]]]) -> None:
            if gen != self._diff_gen:
                return  # the topic or the reference changed meanwhile
            for n, spans in result.items():
                if n < len(self.columns):
                    cv = self.columns[n]
                    extra = [Mark(s, e, DIFF_COLOR, f"Not in {ref_name}", underline=True) for s, e in spans]
                    cv.text.set_marks(list(cv.finding_marks) + extra)
            self.diff_note.hide()

        self.diff_task = run_task(work, on_done=done, name="differences")

    # -- sync scrolling ----------------------------------------------------------------------

    def _clause_y(self, cv: ColumnView, k: int) -> Tuple[float, float]:
        _cid, s, e = cv.column.clauses[k]
        top = cv.text.y_of(max(0, s - 1))
        bottom = cv.text.y_of(max(s, e - 1)) + cv.text.fontMetrics().lineSpacing()
        return top, max(bottom, top + 1)

    def _match(self, a: int, k: int, b: int) -> int:
        """Return the clause of column `b` closest to clause `k` of column `a`."""
        key = (a, k, b)
        if key not in self._match_cache:
            src = self.columns[a].column
            dst = self.columns[b].column
            text = src.clause_text(k)[:4000]
            best, best_score = min(k, len(dst.clauses) - 1), -1.0
            for j in range(len(dst.clauses)):
                score = fuzz.token_set_ratio(text, dst.clause_text(j)[:4000])
                if score > best_score:
                    best, best_score = j, score
            self._match_cache[key] = best
        return self._match_cache[key]

    def _sync_from(self, a: int) -> None:
        if self._syncing or not self.sync_box.isChecked() or a >= len(self.columns):
            return
        src = self.columns[a]
        if src.column is None or not src.column.clauses:
            return
        y = src.text.verticalScrollBar().value()
        k, frac = 0, 0.0
        for i in range(len(src.column.clauses)):
            top, bottom = self._clause_y(src, i)
            if y >= top:
                k, frac = i, min(1.0, (y - top) / (bottom - top))
        self._syncing = True
        try:
            for b, dst in enumerate(self.columns):
                if b == a or dst.column is None or not dst.column.clauses:
                    continue
                j = self._match(a, k, b)
                top, bottom = self._clause_y(dst, j)
                dst.text.verticalScrollBar().setValue(int(top + frac * (bottom - top)))
        finally:
            self._syncing = False

    def scroll_column_to(self, path: str, start: int) -> bool:
        """Scroll the column of agreement `path` to its text at agreement offset `start`."""
        for cv in self.columns:
            if cv.column and cv.column.item.path == path:
                spans = cv.column.view_spans(start, start + 1)
                if spans:
                    cv.text.verticalScrollBar().setValue(int(cv.text.y_of(spans[0][0])) - 20)
                    return True
        return False
