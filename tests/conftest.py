"""Shared fixtures: the bundled samples and one LibreOffice per test session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))  # so tests can import docx_reader, libreoffice

SAMPLES_DIR = TESTS_DIR.parent / "resources" / "samples"


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """The folder of the five bundled agreements."""
    return SAMPLES_DIR


@pytest.fixture(scope="session")
def sample_paths() -> list:
    """The five bundled agreements (.txt), sorted by name."""
    paths = sorted(SAMPLES_DIR.glob("*.txt"))
    assert len(paths) == 5, f"expected five samples in {SAMPLES_DIR}"
    return paths


@pytest.fixture(scope="session")
def libreoffice():
    """One headless LibreOffice for the whole session (see tests/libreoffice.py).

    Skips the test when LibreOffice or Python-UNO is missing, but fails it when
    REDLINE_REQUIRE_LIBREOFFICE=1 is set, so CI can never skip silently.
    """
    import libreoffice as lo_mod

    try:
        lo = lo_mod.LibreOffice.start()
    except lo_mod.LibreOfficeMissing as exc:
        if lo_mod.require():
            pytest.fail(f"LibreOffice is required (REDLINE_REQUIRE_LIBREOFFICE=1) but: {exc}")
        pytest.skip(f"LibreOffice is not available: {exc}")
    try:
        yield lo
    finally:
        lo.close()
