"""The app's reviews on disk: save and reopen, dropped files, changed files, crash recovery.

Uses the window fixtures of tests/test_ui.py (same offscreen set-up, same real samples).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_ui import SMALL, data_dir, loaded, window  # noqa: F401 - fixtures used by name


def test_save_and_reopen_a_session(loaded, tmp_path, qtbot):
    from redline.ui.mainwindow import MainWindow

    doc = loaded.document
    for path in [i.path for i in doc.items if Path(i.path) not in SMALL]:
        loaded.remove_agreement(doc.index_of(path))  # keep the reopening quick
    pane = loaded.findings
    pane.step(1)
    pane.accept_current()
    pane.step(1)
    pane.accept_edited("words of our own")
    doc.user_parties[doc.items[0].path] = ("Vendor Co", "Buyer Inc")
    path = tmp_path / "matter.redline"
    assert loaded.save_session(str(path))
    assert not doc.is_modified() and "*" not in loaded.windowTitle()
    data = json.loads(path.read_text())
    assert data["format"] == "redline-session"
    assert all(len(a["sha256"]) == 64 for a in data["agreements"])
    saved = dict(doc.decisions.items())
    assert len(saved) == 2

    other = MainWindow(interactive=False)
    qtbot.addWidget(other)
    other.open_session(str(path))
    assert other.wait_idle(60000)
    assert [i.path for i in other.document.items] == [i.path for i in doc.items]
    assert dict(other.document.decisions.items()) == saved
    assert other.document.items[0].parties.provider == "Vendor Co"
    assert not other.document.is_modified()
    assert str(path) in other.settings.recent()
    other.close()


def test_drop_files_and_changed_file_on_reopen(window, tmp_path):
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    copy = tmp_path / SMALL[0].name
    copy.write_bytes(SMALL[0].read_bytes())
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(copy))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert window.wait_idle(60000)
    assert [i.path for i in window.document.items] == [str(copy)]
    session = tmp_path / "r.redline"
    assert window.save_session(str(session))
    copy.write_text(copy.read_text(encoding="utf-8") + "\nA new closing line.\n", encoding="utf-8")
    window.open_session(str(session))
    assert window.wait_idle(60000)
    warnings = [m for m in window.messages if m[0] == "warning"]
    assert warnings and "changed since" in warnings[-1][2] and copy.name in warnings[-1][2]
    assert window.document.items[0].agreement.text.endswith("A new closing line.\n")
    copy.unlink()
    window.open_session(str(session))
    assert window.wait_idle(60000)
    assert "missing" in window.messages[-1][1].lower() or any("no longer" in m[2] for m in window.messages)
    assert not window.document.items


_HOLDER = r"""
import json, sys, time
sys.path.insert(0, {tests!r})
import test_ui as T
from PySide6.QtWidgets import QApplication
from redline.ui.mainwindow import MainWindow
app = QApplication([])
w = MainWindow(interactive=False)
w.document._set_items(list(T.analysis_with_findings(T.SMALL).agreements))
pane = w.findings
pane.step(1); pane.accept_current()
pane.step(1); pane.accept_edited("unsaved words")
pane.step(1); pane.reject_current()
w.autosaver.save_now()
out = {{"|".join(k): v.to_json() for k, v in w.document.decisions.items()}}
print("READY " + json.dumps(out), flush=True)
while True:
    app.processEvents()
    time.sleep(0.05)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_killed_process_decisions_are_recovered(data_dir, qtbot):
    from redline.ui.mainwindow import MainWindow
    from redline.ui.session import recoverable

    env = dict(os.environ, REDLINE_DATA_DIR=str(data_dir), QT_QPA_PLATFORM="offscreen")
    code = _HOLDER.format(tests=str(Path(__file__).resolve().parent))
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    try:
        line = ""
        deadline = time.time() + 60
        while time.time() < deadline:
            line = proc.stdout.readline()
            if line.startswith("READY") or not line:
                break
        assert line.startswith("READY"), proc.stderr.read()[-2000:]
        held = json.loads(line[len("READY "):])
        assert len(held) == 3
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    files = recoverable()
    assert len(files) == 1 and str(proc.pid) in files[0].name
    w = MainWindow(interactive=False)
    qtbot.addWidget(w)
    assert w.offer_recovery() == str(files[0])
    assert w.wait_idle(60000)
    got = {"|".join(k): v.to_json() for k, v in w.document.decisions.items()}
    assert got == held
    assert w.document.is_modified()
    assert not files[0].exists()
    assert len(w.document.items) == len(SMALL)
    w.autosaver.enabled = False
    w.close()


def _answer_next_question(qtbot, button):
    """Click `button` on the next modal question box, once it is on screen."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    seen = []

    def click():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.button(button).click()
        else:
            QTimer.singleShot(20, click)

    QTimer.singleShot(20, click)
    return seen


def _autosave_of_a_dead_process(qtbot, decisions: int):
    """Write an autosave file named for a process that has ended, holding `decisions` decisions."""
    from test_ui import analysis_with_findings
    from redline.ui.mainwindow import MainWindow
    from redline.ui.session import autosave_dir

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait(30)
    w = MainWindow(interactive=False)
    qtbot.addWidget(w)
    w.document._set_items(list(analysis_with_findings(SMALL).agreements))
    for _ in range(decisions):
        w.findings.step(1)
        w.findings.accept_current()
    autosave_dir().mkdir(parents=True, exist_ok=True)
    path = autosave_dir() / f"autosave-{gone.pid}.redline"
    assert w.save_session(str(path))
    held = dict(w.document.decisions.items())
    w.autosaver.enabled = False
    w.document.undo.clear()
    w.document.undo.setClean()
    w.close()
    return path, held


def test_recovery_question_yes_recovers_and_no_discards(data_dir, qtbot):
    """The question a user sees after a crash: Yes opens the unsaved review, No deletes it."""
    from PySide6.QtWidgets import QMessageBox
    from redline.ui.mainwindow import MainWindow
    from redline.ui.session import recoverable

    path, held = _autosave_of_a_dead_process(qtbot, 2)
    assert recoverable() == [path]
    w = MainWindow(interactive=False)
    w.interactive = True  # as a user's window: the question is shown (the suite's windows never ask)
    qtbot.addWidget(w)
    seen = _answer_next_question(qtbot, QMessageBox.StandardButton.Yes)
    assert w.offer_recovery() == str(path)
    assert seen and "unsaved" in seen[0]
    assert w.wait_idle(60000)
    assert dict(w.document.decisions.items()) == held and len(held) == 2
    assert w.document.is_modified() and not path.exists()
    w.autosaver.enabled = False
    w.interactive = False
    w.close()

    path, _ = _autosave_of_a_dead_process(qtbot, 1)
    w = MainWindow(interactive=False)
    w.interactive = True
    qtbot.addWidget(w)
    seen = _answer_next_question(qtbot, QMessageBox.StandardButton.No)
    assert w.offer_recovery() is None
    assert seen and not path.exists() and recoverable() == []
    assert not w.document.items and not w.document.is_modified()
    w.autosaver.enabled = False
    w.close()


def test_closing_with_unsaved_decisions_asks_first(loaded, qtbot):
    """Cancel keeps the window and the decisions; Discard closes."""
    from PySide6.QtWidgets import QMessageBox

    loaded.interactive = True
    loaded.findings.step(1)
    loaded.findings.accept_current()
    assert loaded.document.is_modified()
    seen = _answer_next_question(qtbot, QMessageBox.StandardButton.Cancel)
    assert not loaded.close()
    assert seen and "Save" in seen[0]
    assert loaded.isVisible() and loaded.document.is_modified()
    seen = _answer_next_question(qtbot, QMessageBox.StandardButton.Discard)
    assert loaded.close()
    assert seen and not loaded.isVisible()
    loaded.interactive = False


@pytest.mark.parametrize("body, words", [
    ('{"format": "redline-session", "version": 1, "agreements": [{"path": "a.txt"', "cut short"),
    ('{"format": "redline-session", "version": 1, "agreements": 7}', "agreements is not a list"),
    ('{"format": "redline-session", "version": 1, "agreements": [], "decisions": [1, 2]}', "decisions"),
    ('{"format": "redline-session", "version": "two"}', "version"),
])
def test_a_damaged_session_says_so_and_is_left_alone(window, tmp_path, body, words):
    path = tmp_path / "matter.redline"
    path.write_text(body, encoding="utf-8")
    window.open_session(str(path))
    assert window.wait_idle(60000)
    errs = [m for m in window.messages if m[0] == "error"]
    assert len(errs) == 1 and "damaged" in errs[0][2] and words in errs[0][2]
    assert path.read_text(encoding="utf-8") == body
    assert not window.document.items
