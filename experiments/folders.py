"""Where commands write: the default output folder named after a file's `name`, and option checks.

A scenario's or experiment's `name` picks the default output folder (`out/<name>`,
`results/<name>`), so it must be one plain folder name: the files a user runs are data and
cannot choose a place outside the working folder. `--out` is the user's own choice of place.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from model.errors import UsageError

SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")


def default_output(parent: str, name: str, origin: Path) -> Path:
    """`parent/name` under the working folder; UsageError if `name` is not one plain folder name."""
    if not SAFE_NAME.fullmatch(name):
        raise UsageError(f"{origin}: name: {name!r} cannot name an output folder (use up to 100 letters, "
                         "digits, '_', '-' and '.', not starting with '.' or '-'), or give --out")
    return Path(parent) / name


def check_output(out: Path | None) -> Path | None:
    """An `--out` folder must not be an existing file (a folder, or a path not yet there)."""
    if out is not None and out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a folder")
    return out


def seed(text: str) -> int:
    """argparse type of a random seed: a whole number from 0 to 2**63 - 1."""
    return whole_number(text, 0, 2**63 - 1)


def whole_number(text: str, low: int, high: int) -> int:
    """argparse type: a whole number in [low, high]."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"must be from {low:,} to {high:,}, got {value:,}")
    return value


@contextmanager
def writing(path: Path) -> Iterator[None]:
    """Name `path` in an OSError raised while writing it that names no file (a full disk)."""
    try:
        yield
    except OSError as exc:
        if exc.filename is not None:
            raise
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from None
