"""The installer's pieces, fast: build.spec, the Qt filter, icons, desktop entry, the self-test.

The bundle itself is built and installed by resources/packaging/ci-check.sh (in CI), not here.
"""

from __future__ import annotations

import ast
import importlib
import re
import shutil
import struct
import subprocess
import sys
import types
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "resources" / "packaging"
ICONS = ROOT / "resources" / "icons"
SPEC = ROOT / "build.spec"

sys.path.insert(0, str(PACKAGING))
import qtfilter  # noqa: E402
import versioninfo  # noqa: E402

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# ---------------------------------------------------------------------------------------------
# build.spec, run with recording stand-ins for PyInstaller's build targets


class _Target:
    made: list = []

    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs
        self.pure, self.binaries, self.datas = [], [], []
        # What PyInstaller's Analysis lists as scripts: its bootstrap, then one per entry script.
        self.scripts = [("pyiboot01_bootstrap", "x", "PYSOURCE")] + [
            (Path(p).stem, p, "PYSOURCE") for p in (args[0] if args and isinstance(args[0], list) else [])]
        _Target.made.append(self)


def _run_spec(monkeypatch, tmp_path, platform: str):
    kinds = {}
    for name in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE"):
        kinds[name] = type(name, (_Target,), {})
    _Target.made = []
    try:
        hooks = importlib.import_module("PyInstaller.utils.hooks")
        if platform != sys.platform:  # its subprocess must not run under a pretended platform
            monkeypatch.setattr(hooks, "collect_submodules", lambda name: [name])
    except ImportError:  # the 'build' extra is not installed: stand in for the one helper used
        hooks = types.ModuleType("PyInstaller.utils.hooks")
        hooks.collect_submodules = lambda name: [name]
        for mod in ("PyInstaller", "PyInstaller.utils"):
            monkeypatch.setitem(sys.modules, mod, types.ModuleType(mod))
        monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(sys, "path", list(sys.path))
    namespace = dict(kinds, SPECPATH=str(ROOT), workpath=str(tmp_path), __file__=str(SPEC))
    exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)
    return {name: [t for t in _Target.made if type(t).__name__ == name] for name in kinds}


def test_spec_builds_both_entry_points_into_one_folder(monkeypatch, tmp_path):
    made = _run_spec(monkeypatch, tmp_path, "linux")
    exes = {e.kwargs["name"]: e for e in made["EXE"]}
    assert set(exes) == {"redline", "redline-gui"}
    assert exes["redline"].kwargs["console"] is True
    assert exes["redline-gui"].kwargs["console"] is False
    assert all(e.kwargs["exclude_binaries"] and not e.kwargs["upx"] for e in exes.values())
    assert all(e.kwargs["strip"] for e in exes.values())
    (coll,) = made["COLLECT"]
    assert coll.kwargs["name"] == "redline" and set(map(id, exes.values())) <= set(map(id, coll.args))
    assert not made["BUNDLE"]
    (analysis,) = made["Analysis"]
    assert sorted(Path(p).name for p in analysis.args[0]) == ["entry_cli.py", "entry_gui.py"]
    # Each executable runs the bootstrap and its own entry script only.
    assert [n for n, _, _ in exes["redline"].args[1]] == ["pyiboot01_bootstrap", "entry_cli"]
    assert [n for n, _, _ in exes["redline-gui"].args[1]] == ["pyiboot01_bootstrap", "entry_gui"]
    # Each entry script calls the entry point pyproject.toml names.
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for script, target in (("entry_cli.py", "redline.cli:main"), ("entry_gui.py", "redline.ui.app:main")):
        assert target in pyproject
        module, func = target.split(":")
        tree = ast.parse((PACKAGING / script).read_text(encoding="utf-8"))
        imports = [(n.module, a.name) for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names]
        assert (module, func) in imports
        assert callable(getattr(importlib.import_module(module), func))


def test_spec_excludes_heavy_qt_and_places_data_where_the_engine_looks(monkeypatch, tmp_path):
    made = _run_spec(monkeypatch, tmp_path, "linux")
    for analysis in made["Analysis"]:
        excludes = set(analysis.kwargs["excludes"])
        for mod in ("QtQml", "QtQuick", "QtWebEngineCore", "Qt3DCore", "QtMultimedia", "QtPdf"):
            assert f"PySide6.{mod}" in excludes
        dests = {}
        for src, dest in analysis.kwargs["datas"]:
            assert list(Path(src).parent.glob(Path(src).name)), f"{src} matches no file"
            dests.setdefault(dest, []).append(src)
        # The bundle mirrors the checkout: _internal/ plays the repository root.
        from redline import api, playbook

        samples = api.SAMPLES_DIR.relative_to(ROOT).as_posix()
        book = playbook.DEFAULT_PLAYBOOK.relative_to(ROOT)
        assert samples in dests and book.parent.as_posix() in dests
        assert any(Path(s).match(book.name) or s.endswith("*.yaml") for s in dests[book.parent.as_posix()])
        assert "redline.export.redline_docx" in analysis.kwargs["hiddenimports"] \
            or "redline" in analysis.kwargs["hiddenimports"]


def test_spec_carries_macos_bundle_and_windows_version_metadata(monkeypatch, tmp_path):
    made = _run_spec(monkeypatch, tmp_path, "darwin")
    (bundle,) = made["BUNDLE"]
    plist = bundle.kwargs["info_plist"]
    from redline import __version__

    assert bundle.kwargs["name"] == "Redline.app" and bundle.kwargs["version"] == __version__
    assert plist["CFBundleExecutable"] == "redline-gui" and plist["LSBackgroundOnly"] is False
    assert Path(bundle.kwargs["icon"]).name == "redline.icns" and Path(bundle.kwargs["icon"]).is_file()

    made = _run_spec(monkeypatch, tmp_path, "win32")
    for exe in made["EXE"]:
        assert Path(exe.kwargs["icon"]).suffix == ".ico"
        text = Path(exe.kwargs["version"]).read_text(encoding="utf-8")
        assert f"'ProductVersion', '{__version__}'" in text
        assert f"'OriginalFilename', '{exe.kwargs['name']}.exe'" in text


def test_version_file_is_what_pyinstaller_reads(tmp_path):
    assert versioninfo.version_tuple("1.2.3") == (1, 2, 3, 0)
    assert versioninfo.version_tuple("2.0rc1") == (2, 0, 1, 0)
    assert versioninfo.read_version(ROOT) == importlib.import_module("redline").__version__
    text = versioninfo.version_file_text("1.2.3", "redline", "redline.exe")
    try:
        from PyInstaller.utils.win32 import versioninfo as vi  # needs pefile (Windows builds)
    except ImportError:
        # Evaluate it as PyInstaller does (an expression over its classes), with stand-ins.
        names = ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct",
                 "VarFileInfo", "VarStruct")
        made = eval(text, {n: (lambda n: lambda *a, **k: (n, a, k))(n) for n in names})  # noqa: S307
        assert made[0] == "VSVersionInfo" and made[2]["ffi"][2]["filevers"] == (1, 2, 3, 0)
        flat = []
        stack = [made]
        while stack:
            item = stack.pop()
            if isinstance(item, (tuple, list)):
                flat.append(item)
                stack.extend(item)
            elif isinstance(item, dict):
                stack.extend(item.values())
        assert ("StringStruct", ("ProductVersion", "1.2.3"), {}) in flat
        assert ("StringStruct", ("OriginalFilename", "redline.exe"), {}) in flat
        return
    path = tmp_path / "v.txt"
    path.write_text(text, encoding="utf-8")
    info = vi.load_version_info_from_text_file(str(path))
    assert info.ffi.fileVersionMS == (1 << 16) | 2 and info.ffi.fileVersionLS == 3 << 16


def test_no_redline_module_imports_an_excluded_qt_module():
    """The spec leaves these Qt modules out: the app must not need one of them."""
    excluded = set(qtfilter.QT_UNUSED)
    offenders = []
    for path in (ROOT / "redline").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used = set(re.findall(r"PySide6\.Qt(\w+)", text))
        for line in re.findall(r"from\s+PySide6\s+import\s+\(?([^)\n]+)", text):
            used |= {n.strip()[2:] for n in line.split(",") if n.strip().startswith("Qt")}
        offenders += [f"{path.relative_to(ROOT)}: Qt{m}" for m in sorted(used & excluded)]
    assert not offenders, "excluded from the bundle by qtfilter.QT_UNUSED: " + ", ".join(offenders)


@pytest.mark.parametrize("dest, kept", [
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
    ("PySide6/plugins/platforms/qwindows.dll", True),
    ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
    ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
    ("PySide6/Qt/plugins/imageformats/libqjpeg.so", True),
    ("PySide6/Qt/plugins/imageformats/libqpdf.so", False),
    ("PySide6/plugins/styles/qmodernwindowsstyle.dll", True),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
    ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", False),
    ("PySide6/Qt/plugins/sqldrivers/libqsqlite.so", False),
    ("PySide6/Qt/translations/qtbase_de.qm", False),
    ("PySide6/Qt/lib/libQt6Widgets.so.6", True),
    ("PySide6/Qt/lib/libQt6Quick.so.6", False),
    ("PySide6/Qt6Qml.dll", False),
    ("libQt6WaylandClient.so.6", False),
    ("PySide6/opengl32sw.dll", False),
    ("PySide6/Qt6Widgets.dll", True),
    ("PySide6/Qt/lib/QtQuick.framework/Versions/A/QtQuick", False),
    ("PySide6/Qt/lib/QtWidgets.framework/Versions/A/QtWidgets", True),
    ("redline/schema/analysis.schema.json", True),
    ("resources/samples/velvetel-msa.txt", True),
])
def test_qt_filter(dest, kept):
    assert qtfilter.keep(dest) is kept


# ---------------------------------------------------------------------------------------------
# Icons and the desktop entry


def test_icons_are_rendered_at_every_size():
    from xml.etree import ElementTree

    assert ElementTree.parse(ICONS / "redline.svg").getroot().tag.endswith("svg")
    for size in (16, 24, 32, 48, 64, 128, 256):
        data = (ICONS / f"redline-{size}.png").read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", data[16:24]) == (size, size)
    ico = (ICONS / "redline.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1) and count >= 5
    sizes = set()
    for i in range(count):
        w, h, _, _, _, _, length, offset = struct.unpack("<BBBBHHII", ico[6 + 16 * i: 22 + 16 * i])
        assert ico[offset:offset + 8] == b"\x89PNG\r\n\x1a\n" and offset + length <= len(ico)
        sizes.add(w or 256)
    assert {16, 32, 48, 256} <= sizes
    icns = (ICONS / "redline.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    pos, kinds = 8, set()
    while pos < len(icns):
        kind, length = icns[pos:pos + 4].decode("ascii"), struct.unpack(">I", icns[pos + 4:pos + 8])[0]
        assert icns[pos + 8:pos + 16] == b"\x89PNG\r\n\x1a\n" and length > 8
        kinds.add(kind)
        pos += length
    assert pos == len(icns) and {"ic07", "ic08", "ic09", "ic10"} <= kinds


def test_desktop_entry_is_valid():
    entry = PACKAGING / "redline.desktop"
    validator = shutil.which("desktop-file-validate")
    if validator:
        result = subprocess.run([validator, str(entry)], capture_output=True, text=True)
        assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr
    lines = entry.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    keys = dict(line.split("=", 1) for line in lines[1:] if "=" in line)
    assert keys["Type"] == "Application" and keys["Name"] and keys["Icon"] == "redline"
    assert keys["Exec"].split()[0] == "redline-gui" and keys["Terminal"] == "false"
    assert keys["Categories"].endswith(";")


def test_build_scripts_are_valid_bash():
    for script in ("build.sh", "ci-check.sh", "bench-startup.sh", "macos/build-dmg.sh", "install-user.sh"):
        result = subprocess.run(["bash", "-n", str(PACKAGING / script)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------------------------------------
# The self-test


class _Lines:
    def __init__(self):
        self.lines = []

    def say(self, message: str) -> None:
        self.lines.append(message)


def _docx(path: Path, body: str) -> Path:
    xml = f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", xml)
    return path


def test_independent_reader_accepts_and_rejects(tmp_path):
    from redline.selftest import docx_counts, docx_texts, words

    doc = _docx(tmp_path / "a.docx",
                '<w:p><w:r><w:t xml:space="preserve">Fees are due in </w:t></w:r>'
                '<w:del w:id="1" w:author="a" w:date="2024-01-01T00:00:00Z"><w:r><w:delText>ten</w:delText></w:r></w:del>'
                '<w:ins w:id="2" w:author="a" w:date="2024-01-01T00:00:00Z"><w:r><w:t>forty-five</w:t></w:r></w:ins>'
                '<w:r><w:t xml:space="preserve"> days.</w:t><w:tab/><w:t>End</w:t></w:r></w:p>'
                '<w:p><w:ins w:id="3" w:author="a" w:date="2024-01-01T00:00:00Z"><w:r><w:t>New</w:t>'
                '</w:r></w:ins><w:moveFrom w:id="4" w:author="a" w:date="2024-01-01T00:00:00Z"><w:r>'
                '<w:t>Moved</w:t></w:r></w:moveFrom></w:p>')
    accept, reject = docx_texts(doc)
    assert words(accept) == ["Fees", "are", "due", "in", "forty", "five", "days", "End", "New"]
    assert words(reject) == ["Fees", "are", "due", "in", "ten", "days", "End", "Moved"]
    assert docx_counts(doc) == (4, 0)


def test_redline_check_fails_when_reject_all_is_not_the_agreement(tmp_path):
    from redline import api
    from redline.selftest import StageFailed, check_redline

    agreement = api.read_agreement(api.sample_paths()[0])
    text = " ".join(agreement.text.split()[:50])
    doc = _docx(tmp_path / "b.docx", f'<w:p><w:r><w:t>{text.replace("&", "&amp;").replace("<", "&lt;")}</w:t></w:r></w:p>')
    with pytest.raises(StageFailed, match="reject-all is not the agreement"):
        check_redline(doc, agreement)
    with pytest.raises(StageFailed, match="not a Word document"):
        (tmp_path / "c.docx").write_bytes(b"not a zip")
        check_redline(tmp_path / "c.docx", agreement)


def test_a_missing_or_raising_stage_is_reported_failed_not_a_crash(monkeypatch, tmp_path):
    from redline import selftest

    # An "analysis" the later stages cannot use (they raise), and no memo module at all.
    monkeypatch.setattr(selftest, "_stage_analysis", lambda state: state.update(analysis=object()) or "stub")
    monkeypatch.setitem(sys.modules, "redline.export.memo", None)  # its import raises ImportError
    out = _Lines()
    assert selftest.selftest(out, out_dir=tmp_path) == 1
    stage = {line.split()[1]: line for line in out.lines if line.startswith("selftest: ") and
             len(line.split()) > 2 and line.split()[1] in ("analysis", "review", "redlines", "memo")}
    assert " ok " in stage["analysis"]
    assert "FAILED" in stage["review"] and "AttributeError" in stage["review"]
    assert "FAILED" in stage["redlines"]
    assert "FAILED" in stage["memo"] and "module missing" in stage["memo"], out.lines
    assert out.lines[-1].startswith("selftest: FAILED (3 of 4 stages: review, redlines, memo")


def test_selftest_passes_on_the_samples(tmp_path):
    """Every stage of the pipeline produces its output on the five bundled agreements."""
    from redline import selftest

    out = _Lines()
    code = selftest.selftest(out, out_dir=tmp_path)
    assert code == 0, "\n".join(out.lines)
    names = sorted(p.name for p in tmp_path.glob("*.docx"))
    assert len([n for n in names if n.endswith(".redline.docx")]) == 4
    assert "negotiation-memo.docx" in names
    assert not any(n.startswith("customer-") for n in names)
    assert out.lines[-1].startswith("selftest: ok")
