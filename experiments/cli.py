"""The `bopsim` command line.

Exit codes: 0 success; 2 bad input (one line naming the file, the field and what is wrong;
no traceback), including a file or folder that cannot be read or written (read-only, disk
full: the line names the path); 1 internal error. Each subcommand lives in its own module with `register`.
"""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
import threading
import traceback
from contextlib import contextmanager

from bopsim.model.errors import InputError, UsageError

__all__ = ["InputError", "UsageError", "build_parser", "main"]
"""UsageError is defined in model.errors; it stays importable from here for code written before."""

COMMANDS = (
    "bopsim.experiments.commands.run",
    "bopsim.experiments.commands.dashboard",
    "bopsim.experiments.commands.batch",
    "bopsim.experiments.commands.compare",
    "bopsim.experiments.commands.sensitivity",
    "bopsim.experiments.commands.figures",
    "bopsim.experiments.commands.calibrate",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bopsim",
        description="Agent-based simulation of regional balance of power.",
    )
    parser.add_argument("--debug", action="store_true", help="show the traceback of internal errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(name).register(sub)
    return parser


def _stop(signum: int, frame) -> None:
    """SIGTERM stops a command as Ctrl-C does: pools and servers shut down, finished work is kept."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    with _sigterm_stops():
        return _run(args)


@contextmanager
def _sigterm_stops():
    """While a command runs, SIGTERM raises KeyboardInterrupt (see `_stop`); the handler before is restored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(args: argparse.Namespace) -> int:
    """Run the chosen command; bad input, unwritable paths and interrupts become one line and an exit code."""
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        print(f"bopsim: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        if exc.filename is None:  # not about a file the user named: an internal error below
            return _internal_error(exc, args.debug)
        print(f"bopsim: error: {exc.filename}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bopsim: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 (an internal error: one line, the traceback on request)
        return _internal_error(exc, args.debug)


def _internal_error(exc: Exception, debug: bool) -> int:
    if debug:
        traceback.print_exception(exc)
    print(f"bopsim: internal error: {type(exc).__name__}: {exc} (rerun with --debug for the traceback)", file=sys.stderr)
    return 1


if __name__ == "__main__":
    from bopsim.experiments.entry import run

    run(main)
