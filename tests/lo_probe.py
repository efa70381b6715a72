"""Answer JSON requests about documents, through a running LibreOffice (run by /usr/bin/python3).

Started by tests/libreoffice.py as ``/usr/bin/python3 tests/lo_probe.py PORT``. It connects to the
soffice listening on PORT, then reads one JSON request per line on stdin and writes one JSON
answer per line on stdout:

    {"cmd": "open", "path": P}            -> {"opened", "accepted", "rejected", "error"}
    {"cmd": "pdf", "path": P, "out": O}   -> {"ok", "error"}
    {"cmd": "quit"}                       -> {"ok"} and LibreOffice is terminated

Only the Python that carries LibreOffice's `uno` module (Debian's /usr/bin/python3) can run it.
"""

import json
import sys
import time
import traceback

import uno  # noqa: E402  (only under the system Python)
import unohelper  # noqa: E402
from com.sun.star.beans import PropertyValue  # noqa: E402
from com.sun.star.task import XInteractionHandler  # noqa: E402


class QuietHandler(unohelper.Base, XInteractionHandler):
    """Answers LibreOffice's questions by choosing the first way on (approve, not abort).

    Without an interaction handler, LibreOffice 7.4 returns no document for a .docx that
    carries comments (loadComponentFromURL gives None); with one, it loads.
    """

    def handle(self, request):
        for c in request.getContinuations():
            name = c.getImplementationName() if hasattr(c, "getImplementationName") else ""
            if "Approve" in name or "Yes" in name:
                c.select()
                return


HELD = []


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def connect(port, timeout=60.0):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.time() + timeout
    while True:
        try:
            ctx = resolver.resolve(
                f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
            break
        except Exception:
            if time.time() > deadline:
                raise
            time.sleep(0.25)
    smgr = ctx.ServiceManager
    desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    dispatcher = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
    return desktop, dispatcher


def load(desktop, path):
    url = uno.systemPathToFileUrl(path)
    return desktop.loadComponentFromURL(url, "_blank", 0, (
        prop("Hidden", True), prop("InteractionHandler", QuietHandler())))


def export_text(doc, tmp_path):
    """Return the document's text via LibreOffice's own text export (one remote call)."""
    doc.storeToURL(uno.systemPathToFileUrl(tmp_path),
                   (prop("FilterName", "Text (encoded)"), prop("FilterOptions", "UTF8,LF,,,")))
    with open(tmp_path, encoding="utf-8-sig") as fh:
        return fh.read()


def resolved_text(desktop, dispatcher, path, command):
    doc = load(desktop, path)
    if doc is None:
        raise RuntimeError("LibreOffice returned no document")
    try:
        frame = doc.getCurrentController().getFrame()
        dispatcher.executeDispatch(frame, command, "", 0, ())
        return export_text(doc, path + ".txt")
    finally:
        doc.close(True)


def handle(desktop, dispatcher, req):
    cmd = req.get("cmd")
    if cmd == "open":
        path = req["path"]
        answer = {"opened": False, "changes": 0, "comments": 0, "accepted": "", "rejected": "",
                  "text": "", "error": ""}
        try:
            answer["accepted"] = resolved_text(desktop, dispatcher, path,
                                               ".uno:AcceptAllTrackedChanges")
        except Exception as exc:
            answer["error"] = f"{type(exc).__name__}: {exc}"
            return answer
        answer["opened"] = True
        answer["rejected"] = resolved_text(desktop, dispatcher, path, ".uno:RejectAllTrackedChanges")
        return answer
    if cmd == "pdf":
        doc = load(desktop, req["path"])
        try:
            doc.storeToURL(uno.systemPathToFileUrl(req["out"]),
                           (prop("FilterName", "writer_pdf_Export"),))
        finally:
            doc.close(True)
        return {"ok": True, "error": ""}
    if cmd == "hold":
        # a blank hidden document keeps the instance alive when a forwarded --convert-to ends
        HELD.append(desktop.loadComponentFromURL("private:factory/swriter", "_blank", 0,
                                                 (prop("Hidden", True),)))
        return {"ok": True}
    if cmd == "quit":
        try:
            desktop.terminate()
        except Exception:
            pass
        return {"ok": True}
    return {"ok": False, "error": f"unknown command {cmd!r}"}


def main():
    port = int(sys.argv[1])
    desktop, dispatcher = connect(port)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        try:
            answer = handle(desktop, dispatcher, req)
        except Exception as exc:
            answer = {"ok": False, "opened": False, "error": f"{type(exc).__name__}: {exc}",
                      "trace": traceback.format_exc()}
        print(json.dumps(answer), flush=True)
        if req.get("cmd") == "quit":
            break


if __name__ == "__main__":
    main()
