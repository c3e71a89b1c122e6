"""`bopsim dashboard`: serve the Solara dashboard (viz/app.py) on this machine until stopped.

The server runs in this process (viz/serve.py): Ctrl-C and SIGTERM both stop it and free the
port. It listens on a loopback address only and answers only requests addressed to one.
"""

from __future__ import annotations

import argparse
import errno
import os
import signal
import socket
import sys
from pathlib import Path

from model.errors import UsageError

APP = Path(__file__).resolve().parents[2] / "viz" / "app.py"
SIGTERM_EXIT = 128 + signal.SIGTERM
"""Exit status after SIGTERM (the shell's convention: 128 + signal number)."""


def register(sub: argparse._SubParsersAction) -> None:
    dash = sub.add_parser("dashboard", help="serve the interactive dashboard",
                          description="Serve the Solara dashboard on this machine: explore a scenario month by "
                                      "month, or compare the variants of a batch. Works offline. Stop with Ctrl-C.")
    dash.add_argument("--host", default="127.0.0.1",
                      help="loopback address to listen on (default 127.0.0.1; only this machine can connect)")
    dash.add_argument("--port", type=_port, default=8765, help="port (default 8765)")
    dash.add_argument("--scenarios", type=Path, default=None,
                      help="folder of scenario files to offer (default: the scenarios/ folder of this project)")
    dash.add_argument("--results", type=Path, default=None, metavar="DIR",
                      help="folder of batch results the results view may open; nothing outside it is shown "
                           "(default: results/ in the working folder)")
    dash.set_defaults(func=dashboard_command)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"must be between 1 and 65535, got {port}")
    return port


def check_address(host: str, port: int) -> None:
    """UsageError if `host:port` is not a loopback address that can be listened on."""
    from viz.serve import is_loopback

    if not is_loopback(host):
        raise UsageError(f"--host: {host!r} is not a loopback address (the dashboard serves this machine only; "
                         "use 127.0.0.1, localhost or ::1)")
    try:
        with socket.create_server((host, port)):
            pass
    except socket.gaierror:
        raise UsageError(f"--host: unknown address {host!r}") from None
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"--port: {port} is already in use on {host} (choose another with --port)") from None
        raise UsageError(f"--host/--port: cannot listen on {host}:{port}: {exc.strerror}") from None


def _folder(option: str, path: Path | None) -> str | None:
    if path is None:
        return None
    if not path.is_dir():
        raise UsageError(f"{option}: not a folder: {path}")
    return str(path.resolve())


def dashboard_command(args: argparse.Namespace) -> int:
    from viz.catalogue import RESULTS_ENV, SCENARIOS_ENV
    from viz.serve import serve

    for option, path, variable in (("--scenarios", args.scenarios, SCENARIOS_ENV),
                                   ("--results", args.results, RESULTS_ENV)):
        folder = _folder(option, path)
        if folder is not None:
            os.environ[variable] = folder
    check_address(args.host, args.port)
    terminated = []
    signal.signal(signal.SIGTERM, lambda signum, frame: terminated.append(signum))
    print(f"bopsim dashboard: http://{args.host}:{args.port}  (Ctrl-C to stop)", flush=True)
    serve(APP, args.host, args.port)
    print("bopsim dashboard: stopped", file=sys.stderr, flush=True)
    return SIGTERM_EXIT if terminated else 0
