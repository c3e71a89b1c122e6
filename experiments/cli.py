"""The `bopsim` command line.

Exit codes: 0 success; 2 bad input (one line naming the file, the field and what is wrong;
no traceback); 1 internal error. Each subcommand lives in its own module with `register`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback

from model.scenario import ScenarioError

COMMANDS = (
    "experiments.commands.run",
    "experiments.commands.dashboard",
    "experiments.commands.batch",
    "experiments.commands.compare",
    "experiments.commands.sensitivity",
    "experiments.commands.figures",
    "experiments.commands.calibrate",
)


class UsageError(ValueError):
    """Bad input that is not a scenario file (an option value, an experiment file, a folder)."""


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


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (ScenarioError, UsageError) as exc:
        print(f"bopsim: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bopsim: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # an internal error: one line, the traceback on request
        if args.debug:
            traceback.print_exc()
        print(f"bopsim: internal error: {type(exc).__name__}: {exc} (rerun with --debug for the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    # run through the imported module, so that its error classes are the ones the commands raise
    from experiments.cli import main as entry_point

    sys.exit(entry_point())
