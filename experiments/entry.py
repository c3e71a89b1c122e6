"""Running a command-line entry point (`python -m bopsim.experiments...`) to its exit status."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable


def run(main: Callable[[], int]) -> None:
    """Exit with `main()`'s status; if the reader of standard output closed the pipe early
    (`... | head`), exit with status 1 and no BrokenPipeError traceback (the Python
    documentation's recipe, "Note on SIGPIPE": later writes and the final flush go to devnull)."""
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = 1
    sys.exit(status)
