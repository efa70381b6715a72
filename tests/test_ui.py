"""The desktop app, offscreen, on the five real samples (pytest-qt).

Where the engine's review produces no findings yet, `analysis_with_findings` adds a few findings
on real clauses of the real samples (clearly marked "test-") so that the decision flow is still
exercised; once the review produces findings, those are used instead.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["REDLINE_NO_OPEN"] = "1"
os.environ["REDLINE_NONINTERACTIVE"] = "1"

import sys  # noqa: E402
import threading  # noqa: E402
import signal  # noqa: E402
import zipfile  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from redline import api  # noqa: E402
from redline.model import Cell, Finding  # noqa: E402

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "resources" / "samples").glob("*.txt"))
_CACHE: dict = {}


SMALL = [p for p in SAMPLES if p.stat().st_size < 30_000]
"""The two short samples: enough for a subprocess that must start quickly."""


def analysis_with_findings(paths=None):
    """Return the samples' analysis, with findings on real clauses if the review gave none."""
    paths = list(paths or SAMPLES)
    key = tuple(str(p) for p in paths)
    if key not in _CACHE:
        analysis = api.analyze(paths)
        if not any(a.findings for a in analysis.agreements):
            items = []
            for item in analysis.agreements:
                ag = item.agreement
                found = []
                clauses = [c for c in ag.clauses if c.end - c.body_start > 80][:3]
                for k, c in enumerate(clauses):
                    s = c.body_start + (len(ag.text[c.body_start:c.end]) - len(ag.text[c.body_start:c.end].lstrip()))
                    e = ag.text.rfind(" ", s, s + 70)
                    e = e if e > s else s + 60
                    found.append(Finding(
                        id=f"test-{k}@{c.id}", rule=f"test-rule-{k}", title=f"Test finding {k}",
                        topic="limitation_of_liability", severity=("high", "medium", "low")[k],
                        clause=c.id, start=s, end=e, quote=ag.text[s:e], why="A reason.",
                        ask="An ask.", comment="A note for the vendor.",
                        proposal="the Provider shall give the Customer thirty days' written notice"))
                items.append(replace(item, findings=tuple(found)))
            analysis = replace(analysis, agreements=tuple(items))
        _CACHE[key] = analysis
    return _CACHE[key]


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    d = tmp_path / "data"
    monkeypatch.setenv("REDLINE_DATA_DIR", str(d))
    monkeypatch.setenv("REDLINE_AUTOSAVE_MS", "50")
    return d


@pytest.fixture
def window(qtbot, data_dir):
    from redline.ui.mainwindow import MainWindow

    w = MainWindow(interactive=False)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    yield w
    w.document.undo.clear()
    w.close()


@pytest.fixture
def loaded(window):
    """The window with the samples' analysis (findings included) in it."""
    window.document._set_items(list(analysis_with_findings().agreements))
    window.agreements.select_row(0)
    return window


def errors(window):
    return [m for m in window.messages if m[0] == "error"]


# ---------------------------------------------------------------------------------------------


def test_worker_returns_on_main_thread_and_cancel_is_not_an_error(qtbot):
    from redline.progress import check
    from redline.ui.worker import TaskProgress, run_task

    seen = {}

    def work(progress):
        seen["thread"] = threading.current_thread()
        progress.step(1, 2, "half")
        return 42

    got = []
    task = run_task(work, on_done=lambda r: got.append((r, threading.current_thread())))
    assert task.wait(10000)
    assert got and got[0][0] == 42
    assert got[0][1] is threading.main_thread()
    assert seen["thread"] is not threading.main_thread()
    assert task.progress.snapshot() == (1, 2, "half")

    p = TaskProgress()
    p.cancel()
    outcome = []
    task = run_task(lambda prog: check(prog), progress=p, on_done=lambda r: outcome.append("done"),
                    on_error=lambda e: outcome.append("error"), on_cancel=lambda: outcome.append("cancel"))
    assert task.wait(10000)
    assert outcome == ["cancel"]

    task = run_task(lambda prog: 1 / 0, on_error=lambda e: outcome.append(type(e).__name__))
    assert task.wait(10000)
    assert outcome[-1] == "ZeroDivisionError"


def test_first_run_then_load_the_samples_by_keyboard(window, qtbot):
    """The main flow without a mouse: load, matrix, topic, findings, accept, undo, edit."""
    from PySide6.QtCore import Qt

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    assert window.stack.currentWidget() is window.empty
    assert window.empty.samples_btn.hasFocus()
    qtbot.keyClick(window.empty.samples_btn, Qt.Key.Key_Space)
    assert window.wait_idle(60000)
    assert not errors(window), errors(window)
    assert window.stack.currentWidget() is window.tabs
    names = [Path(i.path).name for i in window.document.items]
    assert sorted(names) == sorted(p.name for p in SAMPLES)
    assert window.agreements.model.rowCount() == len(SAMPLES)
    assert window.document.is_modified()
    # loading the same files again adds nothing
    assert window.load_paths([str(p) for p in SAMPLES]) is None
    assert len(window.document.items) == len(SAMPLES)

    def keys(seq: str) -> None:
        from PySide6.QtGui import QKeySequence
        from PySide6.QtTest import QTest

        combo = QKeySequence(seq)[0]
        target = QApplication.focusWidget() or window
        QTest.keyClick(target, combo.key(), combo.keyboardModifiers())

    from PySide6.QtWidgets import QApplication

    keys("Ctrl+1")
    assert window.tabs.currentWidget() is window.matrix
    if window.matrix.model.rowCount():
        table = window.matrix.table
        table.setFocus()
        qtbot.keyClick(table, Qt.Key.Key_Down)
        assert table.currentIndex().isValid()
        qtbot.keyClick(table, Qt.Key.Key_Return)
        assert window.tabs.currentWidget() is window.compare
        assert window.compare.topic is not None
    keys("Ctrl+Shift+F")
    assert window.findings.table.hasFocus()
    pane = window.findings
    if pane.model.rowCount():
        keys("F8")
        item, f = pane.current
        keys("Ctrl+Shift+A")
        assert window.document.decision(item, f).state == "accept"
        keys("Ctrl+Z")
        assert window.document.decision(item, f).state == "open"
        keys("Ctrl+Shift+Z")
        assert window.document.decision(item, f).state == "accept"
        keys("Ctrl+Shift+P")
        assert pane.proposal.hasFocus()
        pane.proposal.selectAll()
        qtbot.keyClicks(pane.proposal, "our own words")
        keys("Ctrl+Shift+E")
        assert window.document.decision(item, f).text == "our own words"
    keys("Ctrl+3")
    assert window.tabs.currentWidget() is window.source


def test_bad_file_is_reported_and_others_load(window, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    window.load_paths([str(empty), str(SAMPLES[0])])
    assert window.wait_idle(60000)
    assert [Path(i.path).name for i in window.document.items] == [SAMPLES[0].name]
    errs = errors(window)
    assert errs and "empty.txt" in errs[-1][2]


def test_matrix_matches_the_engine(loaded):
    analysis = loaded.document.analysis
    model = loaded.matrix.model
    assert model.rowCount() == len(analysis.matrix)
    assert loaded.matrix.note.isVisibleTo(loaded) == (model.rowCount() == 0)
    for r, (topic, cells) in enumerate(analysis.matrix.items()):
        assert model.columnCount() == len(analysis.agreements) == len(cells)
        for c, cell in enumerate(cells):
            text = model.index(r, c).data()
            if cell.state == "addressed":
                assert text.startswith(str(len(cell.clauses)))
            else:
                assert cell.state in text


def test_matrix_cells_show_count_silence_and_worst_severity(loaded):
    """The model over a matrix built from real clauses: counts, 'silent', shading by worst finding."""
    from PySide6.QtCore import Qt

    from redline.ui.models import SEVERITY_COLORS, SILENT_COLOR

    analysis = analysis_with_findings()
    cells = []
    for item in analysis.agreements:
        ids = tuple(c.id for c in item.agreement.clauses[:2])
        cells.append(Cell("addressed", ids) if ids else Cell("silent"))
    # the second topic is one no finding is about, so its cells are plain "silent"
    matrix = {"limitation_of_liability": tuple(cells), "zz_no_findings": tuple(Cell("silent") for _ in cells)}
    loaded.document.analysis = replace(analysis, matrix=matrix)
    loaded.document.analysisChanged.emit()
    model = loaded.matrix.model
    assert model.rowCount() == 2 and model.columnCount() == len(analysis.agreements)
    assert model.headerData(0, Qt.Orientation.Vertical) == "Limitation of liability"
    for c, item in enumerate(analysis.agreements):
        idx = model.index(0, c)
        worst = min((f.severity for f in item.findings if f.topic == "limitation_of_liability"),
                    key=["high", "medium", "low"].index, default=None)
        brush = idx.data(Qt.ItemDataRole.BackgroundRole)
        if worst:
            assert brush.color().name() == SEVERITY_COLORS[worst]
            assert worst in idx.data()
        if cells[c].state == "addressed":
            assert idx.data().startswith(str(len(cells[c].clauses)))
        silent = model.index(1, c)
        assert "silent" in silent.data()
        assert silent.data(Qt.ItemDataRole.BackgroundRole).color().name() == SILENT_COLOR
    # a click opens the topic side by side, one column per agreement, clause text in each
    loaded.matrix.table.clicked.emit(model.index(0, 1))
    assert loaded.tabs.currentWidget() is loaded.compare
    assert loaded.compare.topic == "limitation_of_liability"
    assert len(loaded.compare.columns) == len(analysis.agreements)
    for cv, item in zip(loaded.compare.columns, analysis.agreements):
        if cv.column.clauses:
            first = item.agreement.clause(cv.column.clauses[0][0])
            assert cv.column.text.count("§") == len(cv.column.clauses)
            body = item.agreement.text[first.body_start:first.body_start + 30].strip()
            assert body[:20] in cv.text.toPlainText()
        # flagged words highlighted by severity, with the rule in the tooltip
        for f in item.findings:
            if f.clause in {cid for cid, _s, _e in cv.column.clauses}:
                marks = [m for m in cv.text.marks if m.payload is f]
                assert marks and marks[0].color == SEVERITY_COLORS[f.severity]
                assert f.rule in marks[0].note
                view = cv.text.toPlainText()[marks[0].start:marks[0].end]
                assert " ".join(view.split()) == " ".join(f.quote.split())
    # differences against a reference agreement
    ref = next(cv for cv in loaded.compare.columns if cv.column.clauses)
    loaded.compare.set_reference(ref.column.item.path)
    loaded.compare.diff_box.setChecked(True)
    assert loaded.compare.diff_task is not None and loaded.compare.diff_task.wait(30000)
    others = [cv for cv in loaded.compare.columns if cv is not ref and cv.column.clauses]
    assert others and all(any(m.note.startswith("Not in") for m in cv.text.marks) for cv in others)
    assert not any(m.note.startswith("Not in") for m in ref.text.marks)
    loaded.compare.diff_box.setChecked(False)
    assert not any(m.note.startswith("Not in") for cv in others for m in cv.text.marks)


def test_compare_columns_scroll_in_step(loaded, qtbot):
    """Two agreements with several clauses under a topic: scrolling one moves the other."""
    analysis = analysis_with_findings()
    rich = [i for i in analysis.agreements if len(i.agreement.clauses) >= 12]
    if len(rich) < 2:
        pytest.skip("needs two samples segmented into 12+ clauses (segmentation not there yet)")
    cells = tuple(Cell("addressed", tuple(c.id for c in i.agreement.clauses[:12] if c.level == 1))
                  if i in rich[:2] else Cell("silent") for i in analysis.agreements)
    loaded.document.analysis = replace(analysis, matrix={"fees_and_payment": cells})
    loaded.document.analysisChanged.emit()
    loaded.open_topic("fees_and_payment")
    loaded.compare.resize(1000, 500)
    cols = [cv for cv in loaded.compare.columns if cv.column.clauses]
    qtbot.waitUntil(lambda: cols[0].text.verticalScrollBar().maximum() > 0, timeout=3000)
    a, b = cols[0].text.verticalScrollBar(), cols[1].text.verticalScrollBar()
    assert b.value() == 0
    a.setValue(a.maximum() // 2)
    assert b.value() > 0
    loaded.compare.sync_box.setChecked(False)
    before = b.value()
    a.setValue(0)
    assert b.value() == before


def test_accept_edit_reject_undo_redo(loaded):
    doc = loaded.document
    pane = loaded.findings
    rows = pane.model.rowCount()
    assert rows == sum(len(i.findings) for i in doc.items) > 0
    assert pane.step(1)
    first = pane.current
    assert pane.accept_current()
    assert doc.decision(*first).state == "accept"
    assert "*" in loaded.windowTitle()
    # the decision shows in the list
    row = pane.model.row_of(first[0].path, first[1].id)
    assert pane.model.index(row, pane.model.DECISION_COLUMN).data() == "Accepted"
    # edit: the live preview shows the vendor's words struck and the new words
    assert pane.step(1)
    second = pane.current
    assert second != first
    pane.proposal.setPlainText("the Customer may end the Service on thirty days' notice")
    preview = pane.preview.toPlainText()
    assert "the Customer may end the Service" in preview
    vendor = " ".join(pane.vendor.toPlainText().split()[:3])
    assert vendor.split()[0] in preview
    assert pane.accept_edited()
    d = doc.decision(*second)
    assert d.state == "edit" and d.text.startswith("the Customer may end")
    # reject a third (or the first again)
    pane.step(1)
    third = pane.current
    assert pane.reject_current()
    assert doc.decision(*third).state == "reject"
    # undo all three, then redo them
    assert doc.undo.count() == 3
    doc.undo.undo()
    assert doc.decision(*third).state in ("open", "edit")
    doc.undo.undo()
    doc.undo.undo()
    assert all(doc.decision(*x).state == "open" for x in (first, second, third))
    assert doc.undo.isClean()
    doc.undo.redo()
    doc.undo.redo()
    assert doc.decision(*first).state == "accept"
    assert doc.decision(*second) == d
    # the export values
    values = doc.export_decisions(second[0])
    assert values[second[1].id] == d.text
    # filter: only decided findings
    pane.state.setCurrentIndex(pane.state.findData("decided"))
    assert pane.proxy.rowCount() == 2
    pane.state.setCurrentIndex(0)
    assert pane.proxy.rowCount() == rows
    # previous goes back
    pane.select_finding(second[0].path, second[1].id)
    pane.step(-1)
    assert pane.current is not None


def test_finding_opens_the_source_view_in_context(loaded):
    pane = loaded.findings
    pane.step(1)
    item, f = pane.current
    src = loaded.source
    assert src.item is item
    assert src.span == (f.start, f.end)
    assert src.text.plain[f.start:f.end] == item.agreement.text[f.start:f.end]
    # furniture greyed
    furn = [m for m in src.text.marks if m.foreground]
    assert len(furn) == len(item.agreement.furniture)
    # the clause tree lists every clause
    tree = src.tree_model
    count = 0
    stack = [tree.index(r, 0) for r in range(tree.rowCount())]
    while stack:
        idx = stack.pop()
        count += 1
        stack += [tree.index(r, 0, idx) for r in range(tree.rowCount(idx))]
    assert count == len(item.agreement.clauses) + len(item.agreement.parts)


def test_key_terms_and_references_link_to_the_source(loaded):
    analysis = loaded.document.analysis
    kt = loaded.keyterms
    names = []
    for item in analysis.agreements:
        names += [n for n in item.key_terms if n not in names]
    assert kt.model.rowCount() == len(names)
    spans = []
    kt.spanActivated.connect(lambda *a: spans.append(a))
    for r in range(kt.model.rowCount()):
        for c in range(kt.model.columnCount()):
            term = kt.model.term(r, c)
            if term is not None and term.start is not None:
                kt._term_activated(kt.model.index(r, c))
                assert loaded.source.item is analysis.agreements[c]
                assert loaded.source.span == (term.start, term.end)
                break
        if spans:
            break
    from redline.ui.keyterms import problem_rows

    rows = list(problem_rows(analysis))
    assert kt.problems.rowCount() == len(rows)
    dangling = sum(1 for i in analysis.agreements for x in i.xrefs if x.dangling)
    assert sum(1 for r in rows if r[1] == "Dangling reference") == dangling


def test_party_names_rerun_the_review_and_agreements_reorder(loaded):
    doc = loaded.document
    model = loaded.agreements.model
    assert model.setData(model.index(1, 1), "Acme Telecom")
    assert loaded.wait_idle(60000)
    assert doc.items[1].parties.provider == "Acme Telecom"
    assert doc.items[1].parties.guessed is False
    assert model.index(1, 1).data() == "Acme Telecom"
    assert doc.user_parties[doc.items[1].path][0] == "Acme Telecom"
    order = [i.path for i in doc.items]
    loaded.move_agreement(0, 2)
    assert [i.path for i in doc.items] == [order[1], order[2], order[0]] + order[3:]
    assert loaded.matrix.model.columnCount() in (0, len(order))
    loaded.remove_agreement(0)
    assert [i.path for i in doc.items] == [order[2], order[0]] + order[3:]
    doc.reload(0)
    assert loaded.wait_idle(60000)
    assert doc.items[0].path == order[2]


def test_export_redline_and_memo(loaded, tmp_path):
    try:
        import redline.export.memo  # noqa: F401
        import redline.export.redline_docx  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"the export modules are not importable yet: {exc}")
    pane = loaded.findings
    loaded.agreements.select_row(loaded.document.items.index(pane.model.rows[0][0]))
    item = loaded.current_item()
    pane.select_finding(item.path, item.findings[0].id)
    pane.accept_edited("UNIQUEWORDS thirty days")
    loaded.settings.author = "Pat Counsel"
    out = tmp_path / "vendor.redline.docx"
    task = loaded.export_redline(str(out), clean=True)
    assert task is not None and loaded.wait_idle(60000)
    assert not errors(loaded), errors(loaded)
    assert out.exists()
    with zipfile.ZipFile(out) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert "<w:ins " in xml and "UNIQUEWORDS" in xml
    assert 'w:author="Pat Counsel"' in xml  # the author from the settings
    assert (tmp_path / "vendor.redline.clean.docx").exists() or any(
        "clean" in str(p) for p in loaded.last_export)
    memo = tmp_path / "memo.docx"
    assert loaded.export_memo(str(memo), matter="Test matter") is not None
    assert loaded.wait_idle(60000)
    assert not errors(loaded), errors(loaded)
    import docx

    text = "\n".join(p.text for p in docx.Document(str(memo)).paragraphs)
    assert "Test matter" in text


def test_compare_two_versions_is_written_and_shown(loaded, tmp_path):
    try:
        import redline.export.compare  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"the compare export is not importable yet: {exc}")
    old = SAMPLES[0]
    new = tmp_path / "new.txt"
    new.write_text(old.read_text(encoding="utf-8").replace("the", "THE", 3), encoding="utf-8")
    out = tmp_path / "cmp.docx"
    assert loaded.compare_versions(str(old), str(new), str(out)) is not None
    assert loaded.wait_idle(60000)
    assert not errors(loaded), errors(loaded)
    assert out.exists()
    dialog = loaded.compare_dialog
    assert dialog is not None and dialog.pieces is not None
    assert any(p.op == 1 and "THE" in p.text for p in dialog.pieces)


def test_missing_export_module_says_so(loaded, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "redline.export.memo", None)
    assert loaded.export_memo(str(tmp_path / "m.docx")) is None
    kind, title, text = loaded.messages[-1]
    assert kind == "warning" and "not available in this build" in text
    assert not (tmp_path / "m.docx").exists()


def test_export_error_is_explained_and_nothing_written(loaded, tmp_path):
    try:
        import redline.export.memo  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"the memo export is not importable yet: {exc}")
    target = tmp_path / "no-such-folder" / "memo.docx"
    loaded.export_memo(str(target))
    assert loaded.wait_idle(60000)
    errs = errors(loaded)
    assert errs and "folder" in errs[-1][2] and "Nothing was written" in errs[-1][2]


def test_selftest_in_process():
    from redline.ui.app import selftest

    assert selftest() == 0


def test_cancelled_load_is_not_an_error(window, tmp_path):
    copies = []
    for p in SAMPLES[-2:] + SAMPLES[:1]:
        c = tmp_path / p.name
        c.write_bytes(p.read_bytes() + b"\n")  # new bytes: no analysis to reuse
        copies.append(str(c))
    task = window.load_paths(copies)
    task.cancel()
    assert window.wait_idle(60000)
    assert not window.document.items
    assert not [m for m in window.messages if m[0] in ("error", "warning")]
    assert not window.document.is_busy()


def test_helper_processes_give_the_same_analyses(tmp_path, monkeypatch):
    """REDLINE_PROCESSES=1: the larger file is analysed in a helper process, with the same result."""
    from redline.ui import analysing

    monkeypatch.setenv("REDLINE_PROCESSES", "1")
    if analysing.helpers() < 1:
        pytest.skip("one core only: no helper process is used")
    book = api.load_playbook()
    copies = []
    for p in SMALL:
        c = tmp_path / p.name
        c.write_bytes(p.read_bytes())
        copies.append(str(c))
    bad = tmp_path / "empty.txt"
    bad.write_text("  ")
    out = analysing.analyse_many(copies + [str(bad)], book, {})
    assert [p for p, _ in out] == copies + [str(bad)]
    assert isinstance(out[-1][1], analysing.RedlineError) and "empty" in str(out[-1][1])
    for (path, item), original in zip(out, SMALL):
        direct = api.analyze_agreement(api.read_agreement(path), book)
        assert item.agreement.clauses == direct.agreement.clauses
        assert [f.id for f in item.findings] == [f.id for f in direct.findings]
    again = analysing.analyse_many(copies, book, {})
    assert all(a[1] is b[1] for a, b in zip(again, out))  # reused, not analysed again


def test_an_engine_failure_on_one_file_spares_the_others(window, tmp_path, monkeypatch):
    from redline.ui import analysing

    good = tmp_path / SMALL[0].name
    good.write_bytes(SMALL[0].read_bytes() + b"\n")
    broken = tmp_path / "broken.txt"
    broken.write_bytes(SMALL[1].read_bytes() + b"\n")
    real = analysing.api.analyze_agreement

    def flaky(agreement, *args, **kwargs):
        if agreement.path.endswith("broken.txt"):
            raise ValueError("a bug in a rule")
        return real(agreement, *args, **kwargs)

    monkeypatch.setattr(analysing.api, "analyze_agreement", flaky)
    window.load_paths([str(good), str(broken)])
    assert window.wait_idle(60000)
    assert [i.path for i in window.document.items] == [str(good)]
    kind, title, text = errors(window)[-1]
    assert "broken.txt" in text and "ValueError" in text


def test_a_broken_playbook_in_settings_is_reported_not_silently_replaced(qtbot, data_dir, tmp_path):
    from redline.ui.mainwindow import MainWindow
    from redline.ui.session import Settings

    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\ntopics: [\n", encoding="utf-8")
    settings = Settings()
    settings.playbook = str(broken)
    w = MainWindow(interactive=False, settings=settings)
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: any(t == "Playbook not loaded" for _k, t, _x in w.messages), timeout=3000)
    text = next(x for _k, t, x in w.messages if t == "Playbook not loaded")
    assert str(broken) in text
    assert w.document.playbook_path == ""  # a saved review will not claim the broken file was used
    w.close()


def test_reload_reads_the_file_again_even_when_size_and_time_match(tmp_path):
    """The reuse cache recognises a file by size and time; an explicit reload never trusts that."""
    import os

    from redline.ui import analysing

    book = api.load_playbook()
    path = tmp_path / "same-size.txt"
    text = SMALL[0].read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    st = os.stat(path)
    first = analysing.analyse_many([str(path)], book, {})[0][1]
    changed = text.replace("a", "e", 1)
    assert changed != text and len(changed.encode()) == len(text.encode())
    path.write_text(changed, encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # as a coarse file system would show it
    assert analysing.analyse_many([str(path)], book, {})[0][1] is first  # reused: same signature
    again = analysing.analyse_many([str(path)], book, {}, fresh=True)[0][1]
    assert again is not first and again.agreement.text != first.agreement.text


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_helper_process_ends_when_the_app_is_killed(tmp_path):
    """A killed app cannot stop its helper process; the helper notices and ends by itself."""
    import os
    import subprocess
    import sys
    import time

    code = ("import os, sys, time, multiprocessing\n"
            "from redline.ui import analysing\n"
            "analysing.warm_up()\n"
            "pool = analysing._pool()\n"
            "assert pool is not None\n"
            "pool.submit(analysing._child_ready).result(60)\n"
            "print(' '.join(str(p.pid) for p in multiprocessing.active_children()), flush=True)\n"
            "time.sleep(120)\n")
    env = dict(os.environ, REDLINE_PROCESSES="1")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        pids = [int(p) for p in line.split()]
        assert pids, "no helper process started"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)

    def alive(pid):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        with open(f"/proc/{pid}/stat") as fh:  # a zombie has ended; it only waits to be reaped
            return fh.read().split(")")[-1].split()[0] != "Z"

    deadline = time.time() + 15
    while time.time() < deadline and any(alive(p) for p in pids):
        time.sleep(0.2)
    assert not any(alive(p) for p in pids)
