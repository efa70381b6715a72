"""Screenshots of the main views, for the README: `redline-gui --screenshots DIR`.

Runs offscreen at 1366x768 on the bundled samples and writes `app-*.png` into DIR (with
QT_SCALE_FACTOR=2 set, the same views at 200%, named `app-200pct-*.png`). Images are saved
with a 256-colour palette built from the picture itself, which keeps them small and exact.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Iterable, Optional


def save_small(image, path: Path) -> None:
    """Save a QImage as an 8-bit PNG whose palette is the image's 256 commonest colours."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage

    img = image.convertToFormat(QImage.Format.Format_RGB32)
    pixels = memoryview(img.constBits()).cast("I")
    table = [c | 0xFF000000 for c, _n in Counter(pixels).most_common(256)]
    img = img.convertToFormat(QImage.Format.Format_Indexed8, table,
                              Qt.ImageConversionFlag.ThresholdDither | Qt.ImageConversionFlag.AvoidDither)
    img.save(str(path), "PNG", 0)


def take(out_dir: str, only: Optional[Iterable[str]] = None) -> list:
    """Write the screenshots into `out_dir` and return their paths."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["REDLINE_NONINTERACTIVE"] = "1"
    os.environ["REDLINE_NO_OPEN"] = "1"
    os.environ["REDLINE_DATA_DIR"] = tempfile.mkdtemp(prefix="redline-shots-")
    from redline.ui.app import _app

    app = _app()
    from redline.ui.mainwindow import MainWindow

    scaled = float(os.environ.get("QT_SCALE_FACTOR", "1") or 1) > 1.5
    prefix = "app-200pct-" if scaled else "app-"
    wanted = set(only) if only else ({"matrix"} if scaled else None)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    w = MainWindow(interactive=False)
    w.resize(1366, 768)
    w.show()

    def shot(name: str) -> None:
        if wanted and name not in wanted:
            return
        for _ in range(3):
            app.processEvents()
        path = out / f"{prefix}{name}.png"
        save_small(w.grab().toImage(), path)
        written.append(path)

    shot("empty")
    w.open_samples()
    w.wait_idle(120000)
    w.tabs.setCurrentIndex(0)
    shot("matrix")
    analysis = w.document.analysis
    topic = "termination_for_cause" if "termination_for_cause" in analysis.matrix else next(iter(analysis.matrix), None)
    if topic:
        w.open_topic(topic)
    pick = None
    for item in reversed(analysis.agreements):
        found = [f for f in item.findings if f.topic == topic and f.start is not None]
        if found:
            pick = (item, found[0])
            break
    if pick is None:
        pick = next(((i, f) for i in analysis.agreements for f in i.findings), None)
    if pick:
        w.findings.select_finding(pick[0].path, pick[1].id)
    w.tabs.setCurrentIndex(1)
    shot("compare")
    ref = next((i.path for i in analysis.agreements if Path(i.path).name.startswith("customer-")), None)
    w.compare.set_reference(ref)
    w.compare.diff_box.setChecked(True)
    if w.compare.diff_task is not None:
        w.compare.diff_task.wait(60000)
    shot("compare-diff")
    w.compare.diff_box.setChecked(False)
    if pick and (not wanted or "findings" in wanted):
        pane = w.findings
        text = pane.proposal.toPlainText()
        pane.proposal.setPlainText(text.replace("thirty (30)", "sixty (60)") if "thirty (30)" in text
                                   else text + " (as agreed on the call)")
        w.findings_dock.resize(520, 768)
        for _ in range(3):
            app.processEvents()
        pane.splitter.setSizes([200, 560])
        scroll = pane.splitter.widget(1)
        scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
        for _ in range(3):
            app.processEvents()
        path = out / f"{prefix}findings.png"
        save_small(pane.grab().toImage(), path)
        written.append(path)
        pane.proposal.setPlainText(text)
    w.tabs.setCurrentIndex(2)
    shot("source")
    w.tabs.setCurrentIndex(3)
    shot("keyterms")
    w.autosaver.enabled = False
    w.close()
    return written
