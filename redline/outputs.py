"""Writing outputs safely: a temporary file in the target folder, renamed into place.

An existing file is replaced only with `force`; an input is never a target; a failed write
leaves whatever was there before untouched.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterable, Iterator, Optional

from redline.errors import OutputError


def check_target(path: os.PathLike | str, *, force: bool = False,
                 inputs: Iterable[os.PathLike | str] = ()) -> Path:
    """Return `path` resolved, or raise `OutputError` if it may not be written."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError("the output folder does not exist", path=str(folder),
                          hint="create it first or choose another folder")
    if target.is_dir():
        raise OutputError("the output is a folder", path=str(target), hint="give a file name")
    for src in inputs:
        try:
            if Path(src).exists() and target.exists() and os.path.samefile(src, target):
                raise OutputError("the output is one of the inputs", path=str(target),
                                  hint="choose another output name; inputs are never written")
        except OSError:
            pass
        if Path(src).resolve() == target.resolve():
            raise OutputError("the output is one of the inputs", path=str(target),
                              hint="choose another output name; inputs are never written")
    if target.exists() and not force:
        raise OutputError("the output exists", path=str(target),
                          hint="use --force to replace it")
    return target


@contextlib.contextmanager
def atomic_path(path: os.PathLike | str, *, force: bool = False,
                inputs: Iterable[os.PathLike | str] = ()) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success rename it onto `path`.

    On any exception the temporary file is removed and `path` is left as it was.
    """
    target = check_target(path, force=force, inputs=inputs)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=str(target.parent or "."))
    os.close(fd)
    tmp_path = Path(tmp)
    # mkstemp makes the file private (0600); give the output the mode a plain open() would.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp_path, 0o666 & ~umask)
    try:
        yield tmp_path
        if target.exists() and not force:
            raise OutputError("the output appeared while writing", path=str(target),
                              hint="use --force to replace it")
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            with contextlib.suppress(OSError):
                tmp_path.unlink()


def write_bytes(path: os.PathLike | str, data: bytes, *, force: bool = False,
                inputs: Iterable[os.PathLike | str] = ()) -> Path:
    """Write `data` to `path` atomically and return the path."""
    with atomic_path(path, force=force, inputs=inputs) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text(path: os.PathLike | str, text: str, *, force: bool = False,
               inputs: Iterable[os.PathLike | str] = (), encoding: Optional[str] = "utf-8") -> Path:
    """Write `text` to `path` atomically (UTF-8) and return the path."""
    return write_bytes(path, text.encode(encoding or "utf-8"), force=force, inputs=inputs)
