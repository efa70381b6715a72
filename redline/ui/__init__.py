"""The desktop app (PySide6). Only this package imports Qt."""

from redline.ui import qtcompat as _qtcompat  # noqa: F401 - guards against a binding refcount bug
