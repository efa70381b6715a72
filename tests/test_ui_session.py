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
