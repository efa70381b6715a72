"""`redline-gui`: the desktop app's entry point, and its `--selftest`.

    redline-gui [FILE...]            open the window (and these agreements or a .redline review)
    redline-gui --selftest           open the window offscreen, load the samples, exercise each
                                     pane, exit 0 only if all of it worked
    redline-gui --screenshots DIR    write app-*.png of the main views (QT_SCALE_FACTOR=2: 200%)

Environment: REDLINE_DATA_DIR (settings and autosave folder), REDLINE_NO_OPEN=1 (never open
exports with another program), REDLINE_NONINTERACTIVE=1 (messages go to the status bar and
stderr instead of dialogs), REDLINE_AUTOSAVE_MS (autosave delay).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, List, Optional, Sequence


_QUIETED = False


def _quiet_offscreen() -> None:
    """Drop the offscreen platform's harmless "does not support propagateSizeHints" notes."""
    global _QUIETED
    if _QUIETED:
        return
    _QUIETED = True
    from PySide6.QtCore import qInstallMessageHandler

    previous = None

    def handler(mode, context, message):
        if "propagateSizeHints" in message:
            return
        if previous is not None:
            previous(mode, context, message)
        else:
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(handler)


def _app(argv0: str = "redline-gui"):
    from PySide6.QtWidgets import QApplication

    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        _quiet_offscreen()
    app = QApplication.instance()
    if app is None:
        app = QApplication([argv0])
        app.setApplicationName("Redline")
        app.setOrganizationName("Redline")
        # Lets desktops match the window to its menu entry (redline.desktop) and its icon.
        app.setDesktopFileName("redline")
        icon = _ICON_PATH
        if icon.exists():
            from PySide6.QtGui import QIcon

            app.setWindowIcon(QIcon(str(icon)))
    return app


_ICON_PATH = Path(__file__).resolve().parent.parent.parent / "resources" / "icons" / "redline-256.png"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="redline-gui", description="Redline's desktop app.")
    p.add_argument("files", nargs="*", metavar="FILE", help="agreements (or a .redline review) to open")
    p.add_argument("--selftest", action="store_true",
                   help="open the window offscreen, load the samples, exercise each pane; exit 0 if all worked")
    p.add_argument("--screenshots", metavar="DIR",
                   help="write screenshots of the main views into DIR (offscreen, on the samples)")
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the app (or its self-test) and return the exit code."""
    import multiprocessing

    multiprocessing.freeze_support()  # a frozen build's helper processes start here, not a window
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.selftest:
        return selftest()
    if args.screenshots:
        from redline.ui.screenshots import take

        for path in take(args.screenshots):
            print(f"wrote {path}", file=sys.stderr)
        return 0
    app = _app(sys.argv[0] if sys.argv else "redline-gui")
    from redline.ui.mainwindow import MainWindow, start_recovery_check

    window = MainWindow()
    window.show()
    if args.files:
        window.load_paths(args.files)
    else:
        start_recovery_check(window)
    return int(app.exec())


# ---------------------------------------------------------------------------------------------
# Self-test


class _Checks:
    def __init__(self) -> None:
        self.failed: List[str] = []
        self.passed = 0

    def check(self, ok: bool, what: str) -> bool:
        if ok:
            self.passed += 1
        else:
            self.failed.append(what)
            print(f"selftest: FAILED: {what}", file=sys.stderr)
        return ok

    def run(self, what: str, fn: Callable[[], object]) -> None:
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - a self-test reports, it does not crash
            import traceback

            traceback.print_exc()
            self.check(False, f"{what}: {type(exc).__name__}: {exc}")


def selftest() -> int:
    """Return 0 if the window came up offscreen and every pane worked on the samples, else 1."""
    os.environ["QT_QPA_PLATFORM"] = os.environ.get("REDLINE_SELFTEST_PLATFORM", "offscreen")
    os.environ["REDLINE_NO_OPEN"] = "1"
    os.environ["REDLINE_NONINTERACTIVE"] = "1"
    tmp = tempfile.TemporaryDirectory(prefix="redline-selftest-")
    os.environ["REDLINE_DATA_DIR"] = str(Path(tmp.name) / "data")
    started = time.perf_counter()
    app = _app()
    from redline.ui.mainwindow import MainWindow

    checks = _Checks()
    window = MainWindow(interactive=False)
    window.resize(1366, 768)
    window.show()
    app.processEvents()
    checks.check(window.isVisible(), "the main window is visible")
    checks.check(window.stack.currentWidget() is window.empty, "the empty state shows first")

    def load() -> None:
        window.open_samples()
        checks.check(window.wait_idle(60000), "the samples load within 60 s")
        from redline import api

        n = len(api.sample_paths())
        checks.check(len(window.document.items) == n, f"all {n} samples are loaded")
        checks.check(window.agreements.model.rowCount() == n, "the agreements pane lists them")
        checks.check(window.stack.currentWidget() is window.tabs, "the tabs replace the empty state")
        errors = [m for m in window.messages if m[0] == "error"]
        checks.check(not errors, f"no error while loading ({errors[:1]})")

    def matrix() -> None:
        analysis = window.document.analysis
        m = window.matrix.model
        checks.check(m.rowCount() == len(analysis.matrix), "the matrix has one row per topic")
        if analysis.matrix:
            checks.check(m.columnCount() == len(analysis.agreements), "the matrix has one column per agreement")
            topic = next(iter(analysis.matrix))
            window.open_topic(topic)
            app.processEvents()
            checks.check(window.tabs.currentIndex() == 1, "a topic opens the compare tab")
            checks.check(len(window.compare.columns) == len(analysis.agreements), "one column per agreement")
            window.compare.diff_box.setChecked(True)
            task = window.compare.diff_task
            checks.check(task is None or task.wait(30000), "the differences against a reference are marked")
            window.compare.diff_box.setChecked(False)

    def source() -> None:
        window.tabs.setCurrentIndex(2)
        for i, item in enumerate(window.document.items):
            window.agreements.select_row(i)
            app.processEvents()
            checks.check(window.source.item is item, f"the source view follows agreement {i}")
            checks.check(len(window.source.text.plain) == len(item.agreement.text),
                         f"the source view shows the whole of agreement {i}")
            if item.agreement.clauses:
                c = item.agreement.clauses[-1]
                checks.check(window.source.show_clause(item.path, c.id), f"a clause of agreement {i} shows")

    def terms() -> None:
        window.tabs.setCurrentIndex(3)
        app.processEvents()
        names = {n for i in window.document.items for n in i.key_terms}
        checks.check(window.keyterms.model.rowCount() == len(names), "the key terms table has every term")

    def findings() -> None:
        doc = window.document
        total = sum(len(i.findings) for i in doc.items)
        pane = window.findings
        checks.check(pane.model.rowCount() == total, "the findings pane lists every finding")
        if not total:
            return
        pane.step(1)
        checks.check(pane.current is not None, "F8 selects a finding")
        item, f = pane.current
        pane.accept_current()
        checks.check(doc.decision(item, f).state == "accept", "accept records a decision")
        doc.undo.undo()
        checks.check(doc.decision(item, f).state == "open", "undo takes it back")
        doc.undo.redo()
        checks.check(doc.decision(item, f).state == "accept", "redo puts it back")
        pane.accept_edited(f.proposal + " (as agreed)")
        checks.check(doc.decision(item, f).state == "edit", "an edited proposal is recorded")
        if total > 1:
            pane.step(1)
            pane.reject_current()
            checks.check(doc.decision(*pane.current).state == "reject", "reject records a decision")

    def session() -> None:
        doc = window.document
        before = dict(doc.decisions.items())
        path = str(Path(tmp.name) / "review.redline")
        checks.check(window.save_session(path), "the review saves")
        checks.check(not doc.is_modified(), "saving leaves it unmodified")
        window.open_session(path)
        checks.check(window.wait_idle(60000), "the review reopens")
        checks.check(dict(doc.decisions.items()) == before, "the decisions come back")
        checks.check(len(doc.items) == len(window.agreements.model.items), "its agreements come back")

    def exports_() -> None:
        out = Path(tmp.name)
        for module, fn in (("redline.export.redline_docx", lambda: window.export_redline(str(out / "r.docx"))),
                           ("redline.export.memo", lambda: window.export_memo(str(out / "m.docx")))):
            try:
                __import__(module)
            except Exception:  # noqa: BLE001 - not built yet: reported, not a failure of the app
                print(f"selftest: note: {module} is not available in this build; skipped", file=sys.stderr)
                continue
            before = len(window.messages)
            fn()
            window.wait_idle(60000)
            new = window.messages[before:]
            checks.check(bool(new) and new[-1][0] == "info", f"{module} writes its file ({new[-1:]})")

    for what, fn in (("loading", load), ("matrix", matrix), ("source", source), ("key terms", terms),
                     ("findings", findings), ("session", session), ("exports", exports_)):
        checks.run(what, fn)
    window.close()
    app.processEvents()
    elapsed = time.perf_counter() - started
    ok = not checks.failed
    print(f"selftest: {'ok' if ok else 'FAILED'}: {checks.passed} checks passed, "
          f"{len(checks.failed)} failed, {elapsed:.1f} s", file=sys.stderr)
    try:
        tmp.cleanup()
    except OSError:
        pass
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
