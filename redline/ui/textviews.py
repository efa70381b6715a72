"""Read-only text widgets shared by the comparison and source views.

`SpanText` shows text built from spans of an agreement, remembers which view position came from
which offset in the agreement, highlights spans with extra selections (never rewritten HTML) and
shows each highlight's note as a tooltip. `MarkerBar` paints where the highlights are, beside the
scroll bar, and scrolls there on a click.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip, QWidget

_CLEAN = str.maketrans({"\r": " ", "\f": "\n", "\v": "\n", "\u2028": "\n", "\u2029": "\n",
                        "\x00": " "})


def display_text(text: str) -> str:
    """Return `text` with characters a text view would mishandle replaced, length unchanged."""
    return text.translate(_CLEAN)


class Utf16Map:
    """Maps Python string offsets to Qt (UTF-16) positions; identity when the text is all BMP."""

    def __init__(self, text: str) -> None:
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]

    def __call__(self, i: int) -> int:
        if not self._astral:
            return i
        return i + bisect.bisect_left(self._astral, i)

    def back(self, q: int) -> int:
        if not self._astral:
            return q
        lo, hi = 0, q
        while lo < hi:  # smallest i with self(i) >= q
            mid = (lo + hi) // 2
            if self(mid) < q:
                lo = mid + 1
            else:
                hi = mid
        return lo


@dataclass(frozen=True)
class Mark:
    """One highlighted span in a view: positions in the view's text, colour and note."""

    start: int
    end: int
    color: str
    note: str = ""
    payload: object = None
    foreground: Optional[str] = None
    underline: bool = False


def _selections(editor, qmap: Utf16Map, marks: Sequence[Mark]):
    out = []
    doc = editor.document()
    for m in marks:
        sel = QTextEdit.ExtraSelection()
        cur = QTextCursor(doc)
        cur.setPosition(qmap(m.start))
        cur.setPosition(qmap(m.end), QTextCursor.MoveMode.KeepAnchor)
        sel.cursor = cur
        fmt = QTextCharFormat()
        if m.color:
            fmt.setBackground(QColor(m.color))
        if m.foreground:
            fmt.setForeground(QColor(m.foreground))
        if m.underline:
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            fmt.setUnderlineColor(QColor("#1f5fbf"))
        sel.format = fmt
        out.append(sel)
    return out


class _MarksMixin:
    """Marks, tooltips and double-click on a mark, for QTextEdit and QPlainTextEdit alike."""

    def _init_marks(self) -> None:
        self.marks: List[Mark] = []
        self.tip_marks: List[Mark] = []
        self.qmap = Utf16Map("")
        self.plain = ""

    def set_marks(self, marks: Sequence[Mark], *, tips_only: Sequence[Mark] = ()) -> None:
        """Highlight `marks` (later ones drawn over earlier ones); `tips_only` give notes alone."""
        self.marks = list(marks)
        self.tip_marks = [m for m in list(marks) + list(tips_only) if m.note]
        self.setExtraSelections(_selections(self, self.qmap, self.marks))
        bar = getattr(self, "marker_bar", None)
        if bar is not None:
            bar.update()

    def marks_at(self, pos: int) -> List[Mark]:
        return [m for m in self.tip_marks if m.start <= pos < m.end]

    def text_pos_at(self, point: QPoint) -> int:
        return self.qmap.back(self.cursorForPosition(point).position())

    def event(self, ev):  # noqa: D401 - Qt override
        if ev.type() == QEvent.Type.ToolTip:
            pos = self.text_pos_at(self.viewport().mapFromGlobal(ev.globalPos()))
            notes = [m.note for m in self.marks_at(pos)]
            if notes:
                QToolTip.showText(ev.globalPos(), "\n\n".join(dict.fromkeys(notes)), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(ev)

    def mouseDoubleClickEvent(self, ev) -> None:
        hits = self.marks_at(self.text_pos_at(ev.position().toPoint()))
        payloads = [m.payload for m in hits if m.payload is not None]
        if payloads:
            self.markActivated.emit(payloads[-1])
            return
        super().mouseDoubleClickEvent(ev)

    def y_of(self, pos: int) -> float:
        """Return the document y (pixels) of text position `pos` (Python offset)."""
        q = self.qmap(pos)
        doc = self.document()
        block = doc.findBlock(q)
        if not block.isValid():
            return 0.0
        layout = self.document().documentLayout()
        top = layout.blockBoundingRect(block).top()
        bl = block.layout()
        if bl is not None and bl.lineCount():
            line = bl.lineForTextPosition(q - block.position())
            if line.isValid():
                top += line.y()
        return float(top)


class SpanText(_MarksMixin, QTextEdit):
    """Read-only rich text view of spans, with marks; scrolls by pixels (for side-by-side sync)."""

    markActivated = Signal(object)

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self._init_marks()
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.marker_bar: Optional[MarkerBar] = None

    def load(self, chunks: Sequence[Tuple[str, str]]) -> None:
        """Show `chunks` of (text, style), style "" for body text or "heading" for a header line."""
        self.clear()
        cur = QTextCursor(self.document())
        body = QTextCharFormat()
        head = QTextCharFormat()
        head.setFontWeight(QFont.Weight.Bold)
        head.setForeground(QColor("#1d3557"))
        head.setBackground(QColor("#e8eef6"))
        parts = []
        for text, style in chunks:
            text = display_text(text)
            parts.append(text)
            cur.insertText(text, head if style == "heading" else body)
        self.plain = "".join(parts)
        self.qmap = Utf16Map(self.plain)
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def y_of(self, pos: int) -> float:  # QTextEdit: layout coordinates are document pixels
        return _MarksMixin.y_of(self, pos)


class SourceText(_MarksMixin, QPlainTextEdit):
    """Read-only plain text view of a whole agreement (fast for long texts), with marks."""

    markActivated = Signal(object)

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self._init_marks()
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.marker_bar: Optional[MarkerBar] = None

    def load_text(self, text: str) -> None:
        self.plain = display_text(text)
        self.qmap = Utf16Map(self.plain)
        self.setPlainText(self.plain)

    def show_span(self, start: int, end: int) -> None:
        """Scroll so that `start:end` is in view, near the top, and select its start."""
        cur = QTextCursor(self.document())
        cur.setPosition(self.qmap(min(end, len(self.plain))))
        self.setTextCursor(cur)
        self.ensureCursorVisible()
        cur.setPosition(self.qmap(start))
        self.setTextCursor(cur)
        self.ensureCursorVisible()

    def fraction_of(self, pos: int) -> float:
        """Return where `pos` lies in the text, 0..1 (for markers)."""
        q = self.qmap(pos)
        total = max(1, self.document().characterCount())
        return q / total


class MarkerBar(QWidget):
    """A thin strip beside a text view's scroll bar: one tick per mark; click to go there."""

    clicked = Signal(int)

    def __init__(self, view, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.view = view
        view.marker_bar = self
        self.setFixedWidth(10)
        self.setToolTip("Findings and differences in this column; click a mark to go there.")
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def sizeHint(self) -> QSize:
        return QSize(10, 100)

    def _fractions(self) -> List[Tuple[float, str, int]]:
        view = self.view
        out = []
        if isinstance(view, SourceText):
            for m in view.marks:
                if m.color and m.foreground is None:
                    out.append((view.fraction_of(m.start), m.color, m.start))
            return out
        height = max(1.0, view.document().size().height())
        for m in view.marks:
            if m.color and m.foreground is None:
                out.append((view.y_of(m.start) / height, m.color, m.start))
        return out

    def paintEvent(self, _ev) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#f1f3f5"))
        h = self.height()
        for frac, color, _pos in self._fractions():
            y = int(min(max(frac, 0.0), 1.0) * (h - 3))
            c = QColor(color).darker(135)
            p.fillRect(QRect(1, y, self.width() - 2, 3), c)
        p.end()

    def mousePressEvent(self, ev) -> None:
        frac = ev.position().y() / max(1, self.height())
        best = None
        for f, _color, pos in self._fractions():
            if best is None or abs(f - frac) < abs(best[0] - frac):
                best = (f, pos)
        if best is not None:
            self.clicked.emit(best[1])
            if isinstance(self.view, SourceText):
                self.view.show_span(best[1], best[1])
            else:
                bar = self.view.verticalScrollBar()
                bar.setValue(int(self.view.y_of(best[1])) - 20)
