"""The result of "Compare two versions...": the summary, each change, and the text with changes.

Shown in the app beside the Word document that was written, so the attorney can read the turn
of the draft without leaving Redline.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional, Sequence

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QTabWidget,
                               QTextEdit, QVBoxLayout)

from redline.ui.wordiff import DELETE, INSERT, Piece


def report_summary(report) -> str:
    """Return the compare report's summary as one line."""
    summary = getattr(report, "summary", None)
    if isinstance(summary, dict) and summary:
        return ", ".join(f"{k}: {v}" for k, v in summary.items())
    return "The comparison was written."


def report_details(report) -> str:
    """Return the report's changes as readable text (its JSON when it has one)."""
    to_json = getattr(report, "to_json", None)
    if callable(to_json):
        try:
            return json.dumps(to_json(), ensure_ascii=False, indent=2)
        except Exception:  # noqa: BLE001 - the details are a convenience
            pass
    return str(report)


def render_diff(view: QTextEdit, pieces: Sequence[Piece]) -> None:
    """Write `pieces` into `view`: deletions struck through in red, insertions underlined in blue."""
    view.clear()
    cur = QTextCursor(view.document())
    plain = QTextCharFormat()
    deleted = QTextCharFormat()
    deleted.setForeground(QColor("#b3261e"))
    deleted.setFontStrikeOut(True)
    inserted = QTextCharFormat()
    inserted.setForeground(QColor("#1a56b0"))
    inserted.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
    for p in pieces:
        cur.insertText(p.text.replace("\r", " ").replace("\f", "\n"),
                       deleted if p.op == DELETE else inserted if p.op == INSERT else plain)
    view.moveCursor(QTextCursor.MoveOperation.Start)


class CompareResultDialog(QDialog):
    """Summary, changes and the marked-up text of a comparison."""

    def __init__(self, parent, old: str, new: str, out: str, report,
                 pieces: Optional[Sequence[Piece]] = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Compare: {Path(old).name} → {Path(new).name}")
        self.resize(900, 600)
        head = QLabel(f"{report_summary(report)}\nWritten to {out}")
        head.setWordWrap(True)
        tabs = QTabWidget()
        self.text = QTextEdit()
        self.text.setReadOnly(True)
        if pieces is not None:
            render_diff(self.text, pieces)
            changed = sum(1 for p in pieces if p.op != 0 and p.text.strip())
            tabs.addTab(self.text, f"Text with changes ({changed})")
        details = QPlainTextEdit(report_details(report))
        details.setReadOnly(True)
        tabs.addTab(details, "Changes by clause")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        lay = QVBoxLayout(self)
        lay.addWidget(head)
        lay.addWidget(tabs, 1)
        lay.addWidget(buttons)
        self.pieces = pieces
        self.report = report
