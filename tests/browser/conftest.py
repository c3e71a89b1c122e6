"""Browser tests run in headless Chromium (Debian's package; Playwright's own download is not
available here). Without a Chromium they are skipped with a reason that says so."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"), "/usr/bin/chromium")
                 if p and Path(p).is_file()), None)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"
"""Screenshots and latency measurements kept by the browser tests (gitignored)."""


def pytest_collection_modifyitems(config, items):
    if CHROMIUM is not None:
        return
    skip = pytest.mark.skip(reason="no Chromium found (install it: apt-get install chromium); browser test not run")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1600, "height": 1250}}


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module", autouse=True)
def matplotlib_unpatched_afterwards():
    """Give matplotlib back its own rcParams class once this folder's tests are done.

    The in-process Solara server replaces rcParams' class with a per-kernel dictionary that
    skips validation, so later tests in the same pytest process (the paper figures, which read
    a style file) would get string values. A real dashboard and `bopsim figures` never share a
    process, so this only keeps the test session honest.
    """
    import matplotlib

    original = matplotlib.RcParams
    yield
    values = dict(matplotlib.rcParams)
    matplotlib.RcParams = original
    matplotlib.rcParams.__class__ = original
    matplotlib.rcParams.update(values)
