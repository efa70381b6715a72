"""Running engine work off the main thread: one helper, result or exception back on the main thread.

`run_task(fn, on_done=..., on_error=...)` calls `fn(progress)` on a one-thread pool (engine work
runs in order, never two at once) and calls `on_done(result)` or `on_error(exc)` on the main
thread. `progress` is a plain `TaskProgress` (implements `redline.progress.Progress`): the worker
reports steps into it and polls its cancel flag; the GUI polls it on a timer (never the other
way round, so the worker never touches a widget). A `Cancelled` exception goes to `on_cancel`
(default: nothing), never to `on_error`.
"""

from __future__ import annotations

import threading
import traceback
from typing import Any, Callable, Optional

from PySide6.QtCore import QEventLoop, QObject, QRunnable, QThreadPool, QTimer, Qt, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from redline.errors import Cancelled


class TaskProgress:
    """Thread-safe progress and cancel flag shared by a worker and the GUI."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self.done = 0
        self.total = 0
        self.label = ""

    def step(self, done: int, total: int, label: str = "") -> None:
        with self._lock:
            self.done, self.total, self.label = int(done), int(total), str(label)

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def snapshot(self) -> tuple[int, int, str]:
        """Return (done, total, label) as last reported."""
        with self._lock:
            return self.done, self.total, self.label


class Task(QObject):
    """One piece of background work; lives on the main thread, delivers its outcome there."""

    _finished = Signal(object, object)  # (result, exception)
    finished = Signal()

    def __init__(self, fn: Callable[[TaskProgress], Any], *, on_done=None, on_error=None,
                 on_cancel=None, progress: Optional[TaskProgress] = None, name: str = "") -> None:
        super().__init__()
        self.fn = fn
        self.name = name
        self.progress = progress or TaskProgress()
        self.on_done = on_done
        self.on_error = on_error
        self.on_cancel = on_cancel
        self.result: Any = None
        self.error: Optional[BaseException] = None
        self.traceback = ""
        self.is_finished = False
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def _run(self) -> None:  # on the worker thread
        result, error = None, None
        try:
            result = self.fn(self.progress)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread, never lost
            error = exc
            self.traceback = traceback.format_exc()
        self._finished.emit(result, error)

    @Slot(object, object)
    def _deliver(self, result, error) -> None:  # on the main thread
        self.result, self.error = result, error
        self.is_finished = True
        _RUNNING.discard(self)
        try:
            if error is None:
                if self.on_done:
                    self.on_done(result)
            elif isinstance(error, Cancelled):
                if self.on_cancel:
                    self.on_cancel()
            elif self.on_error:
                self.on_error(error)
        finally:
            self.finished.emit()

    def cancel(self) -> None:
        self.progress.cancel()

    def wait(self, timeout_ms: int = 60000) -> bool:
        """Spin an event loop until the task delivered its outcome; return False on timeout."""
        if self.is_finished:
            return True
        loop = QEventLoop()
        self.finished.connect(loop.quit)
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        timer.start(timeout_ms)
        loop.exec()
        return self.is_finished


class _Runnable(QRunnable):
    def __init__(self, task: Task) -> None:
        super().__init__()
        self.task = task
        self.setAutoDelete(True)

    def run(self) -> None:
        self.task._run()


_RUNNING: set = set()
_POOL: Optional[QThreadPool] = None


def _pool() -> QThreadPool:
    global _POOL
    if _POOL is None:
        _POOL = QThreadPool()
        _POOL.setMaxThreadCount(1)
    return _POOL


def run_task(fn: Callable[[TaskProgress], Any], *, on_done=None, on_error=None, on_cancel=None,
             progress: Optional[TaskProgress] = None, name: str = "") -> Task:
    """Return a started `Task` running `fn(progress)` on the worker; outcomes on the main thread."""
    task = Task(fn, on_done=on_done, on_error=on_error, on_cancel=on_cancel, progress=progress,
                name=name)
    _RUNNING.add(task)
    _pool().start(_Runnable(task))
    return task


def wait_all(timeout_ms: int = 60000) -> bool:
    """Spin the event loop until no task is running; return False on timeout."""
    for task in list(_RUNNING):
        if not task.wait(timeout_ms):
            return False
    return not _RUNNING


class ProgressDialog(QProgressDialog):
    """A progress dialog that polls a `TaskProgress` and cancels it; closes when the task ends."""

    def __init__(self, parent: Optional[QWidget], title: str, task: Task) -> None:
        super().__init__(title, "Cancel", 0, 0, parent)
        self.setWindowTitle("Redline")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(400)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.task = task
        self._title = title
        self.canceled.connect(task.cancel)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._poll)
        self._timer.start(100)
        task.finished.connect(self._end)
        if task.is_finished:
            self._end()

    def _poll(self) -> None:
        done, total, label = self.task.progress.snapshot()
        if total > 0:
            self.setMaximum(total)
            self.setValue(min(done, total))
        if label:
            self.setLabelText(f"{self._title}\n{label}")

    def _end(self) -> None:
        self._timer.stop()
        was_shown = self.isVisible()
        self.reset()
        self.hide()
        parent = self.parentWidget()
        if was_shown and parent is not None:
            parent.activateWindow()  # give the keyboard back to the window
        self.deleteLater()
