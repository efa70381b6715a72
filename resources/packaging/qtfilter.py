"""Which Qt files the bundle keeps: used by build.spec and the Qt hooks in pyi-hooks/.

`keep(dest)` answers for one file by its destination path in the bundle: Qt's translations,
QML files, the plugins the app never loads (Wayland, EGLFS, VNC, SQL drivers, the virtual
keyboard, the GTK3 theme, ...) and the Qt libraries only those pull in are left out.
"""

from __future__ import annotations

import re

# Qt modules the app does not use (PySide6-Essentials ships them; build.spec excludes them).
QT_UNUSED = (
    "Qml", "QmlFeatures", "QmlModels", "QmlCore", "QmlMeta", "QmlWorkerScript", "QmlNetwork",
    "Quick", "QuickControls2", "QuickTest", "QuickWidgets", "Quick3D",
    "WebEngineCore", "WebEngineWidgets", "WebEngineQuick", "WebChannel", "WebSockets",
    "3DCore", "3DRender", "3DInput", "3DLogic", "3DAnimation", "3DExtras",
    "Multimedia", "MultimediaWidgets", "SpatialAudio", "Pdf", "PdfWidgets",
    "Network", "Sql", "Test", "Designer", "Help", "UiTools", "OpenGL", "OpenGLWidgets",
    "LabsStyleKit", "Charts", "DataVisualization", "Graphs", "Bluetooth", "Nfc", "Positioning",
    "Location", "SerialPort", "Sensors", "RemoteObjects", "Scxml", "StateMachine", "TextToSpeech",
    "HttpServer", "NetworkAuth", "Xml", "Concurrent", "DBus",
)

# Qt shared libraries that only the dropped modules and plugins need.
_QT_LIB_DROP = re.compile(
    r"(^|[/\\])(lib)?Qt6?(Qml|Quick|Pdf|Wayland|WlShell|VirtualKeyboard|Lottie|Labs|Designer|Help|"
    r"Sql|Test|EglFS|EglFs|Network|WebEngine|Multimedia|3D|Charts|OpenGLWidgets|UiTools|Xml)"
    r"[^/\\]*\.(so[.\d]*|dll|dylib)$|Qt(Qml|Quick|Pdf|VirtualKeyboard|Network|WebEngine)\w*\.framework",
    re.I,
)
_PLUGIN = re.compile(r"(^|[/\\])plugins[/\\]([^/\\]+)[/\\](lib)?([^/\\.]+)[^/\\]*$")
PLUGIN_TYPES_DROPPED = frozenset({
    "generic", "egldeviceintegrations", "qmltooling", "sqldrivers", "designer", "tls",
    "networkinformation", "vectorimageformats", "wayland-decoration-client",
    "wayland-graphics-integration-client", "wayland-graphics-integration-server",
    "wayland-shell-integration", "position", "multimedia", "webview", "sensors",
    "canbus", "texttospeech", "renderers", "scenegraph",
})
PLUGINS_KEPT = {
    # xcb for X11 and XWayland, offscreen for the self-test, minimal as a last resort; the
    # Windows and macOS platforms for those builds.
    "platforms": frozenset({"qxcb", "qoffscreen", "qminimal", "qwindows", "qdirect2d", "qcocoa"}),
    "platforminputcontexts": frozenset({"composeplatforminputcontextplugin",
                                        "ibusplatforminputcontextplugin"}),
    # The GTK3 theme would load the system's GTK against the bundle's GLib: left out.
    "platformthemes": frozenset({"qxdgdesktopportal"}),
}
PLUGINS_DROPPED = {"imageformats": frozenset({"qpdf"})}


def keep(dest: str) -> bool:
    """Return False for a Qt file the app never loads (by its destination path in the bundle)."""
    dest = str(dest).replace("\\", "/")
    in_qt = "PySide6/" in dest or dest.startswith("PySide6")
    if in_qt and (dest.endswith(".qm") or "/translations/" in dest or "/qml/" in dest):
        return False
    match = _PLUGIN.search(dest) if in_qt else None
    if match:
        kind, name = match.group(2), match.group(4)
        if kind in PLUGIN_TYPES_DROPPED:
            return False
        if kind in PLUGINS_KEPT and name not in PLUGINS_KEPT[kind]:
            return False
        return name not in PLUGINS_DROPPED.get(kind, ())
    if dest.lower().endswith("opengl32sw.dll"):  # Windows' software OpenGL: widgets never need it
        return False
    return not _QT_LIB_DROP.search(dest)


def filtered_qt6_dependencies(hook_file: str):
    """Return (hiddenimports, binaries, datas) of PyInstaller's Qt hook, unused Qt files left out."""
    import os

    from PyInstaller.utils.hooks.qt import add_qt6_dependencies

    hiddenimports, binaries, datas = add_qt6_dependencies(hook_file)
    binaries = [(src, dst) for src, dst in binaries if keep(os.path.join(dst, os.path.basename(src)))]
    datas = [(src, dst) for src, dst in datas if keep(os.path.join(dst, os.path.basename(src)))]
    return hiddenimports, binaries, datas
