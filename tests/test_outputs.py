"""Outputs are atomic: never half-written, never over an input, replaced only with force."""

from __future__ import annotations

import pytest

from redline.errors import OutputError
from redline.outputs import atomic_path, write_text


def test_writes_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "out.txt"
    write_text(target, "hello")
    assert target.read_text() == "hello"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_existing_output_is_refused_without_force_and_left_untouched(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("earlier")
    with pytest.raises(OutputError, match="--force"):
        write_text(target, "new")
    assert target.read_text() == "earlier"
    write_text(target, "new", force=True)
    assert target.read_text() == "new"


def test_a_failed_write_keeps_the_earlier_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("earlier")
    with pytest.raises(RuntimeError):
        with atomic_path(target, force=True) as tmp:
            tmp.write_text("half")
            raise RuntimeError("export failed midway")
    assert target.read_text() == "earlier"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_missing_folder_is_refused(tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        write_text(tmp_path / "no" / "out.txt", "x")


def test_an_input_is_never_an_output(tmp_path):
    source = tmp_path / "agreement.txt"
    source.write_text("1. Terms.")
    with pytest.raises(OutputError, match="one of the inputs"):
        write_text(source, "x", force=True, inputs=[source])
    assert source.read_text() == "1. Terms."


def test_a_folder_is_not_an_output(tmp_path):
    with pytest.raises(OutputError, match="folder"):
        write_text(tmp_path, "x", force=True)


def test_outputs_get_the_usual_file_mode(tmp_path):
    import os

    target = tmp_path / "out.txt"
    write_text(target, "x")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
