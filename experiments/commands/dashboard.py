"""`bopsim dashboard`: serve the Solara dashboard (viz/app.py) until interrupted."""

from __future__ import annotations

import argparse
import errno
import os
import socket
import subprocess
import sys
from pathlib import Path

from model.errors import UsageError
from viz.catalogue import SCENARIOS_ENV, default_folder

APP = Path(__file__).resolve().parents[2] / "viz" / "app.py"


def register(sub: argparse._SubParsersAction) -> None:
    dash = sub.add_parser("dashboard", help="serve the interactive dashboard",
                          description="Serve the Solara dashboard: explore a scenario month by month, "
                                      "or compare the variants of a batch. Works offline. Stop with Ctrl-C.")
    dash.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    dash.add_argument("--port", type=_port, default=8765, help="port (default 8765)")
    dash.add_argument("--scenarios", type=Path, default=None,
                      help=f"folder of scenario files to offer (default {default_folder()})")
    dash.set_defaults(func=dashboard_command)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"must be between 1 and 65535, got {port}")
    return port


def server_command(host: str, port: int) -> list[str]:
    """The solara-server command line for the dashboard (production mode: no reloader)."""
    return [sys.executable, "-m", "solara", "run", str(APP), "--host", host, "--port", str(port),
            "--production", "--no-open", "--log-level", "warning"]


def check_address(host: str, port: int) -> None:
    """UsageError if `host:port` cannot be listened on (address unknown or port in use)."""
    try:
        with socket.create_server((host, port)):
            pass
    except socket.gaierror:
        raise UsageError(f"--host: unknown address {host!r}") from None
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"--port: {port} is already in use on {host} (choose another with --port)") from None
        raise UsageError(f"--host/--port: cannot listen on {host}:{port}: {exc.strerror}") from None


def dashboard_command(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    if args.scenarios is not None:
        if not args.scenarios.is_dir():
            raise UsageError(f"--scenarios: not a folder: {args.scenarios}")
        env[SCENARIOS_ENV] = str(args.scenarios.resolve())
    check_address(args.host, args.port)
    print(f"bopsim dashboard: http://{args.host}:{args.port}  (Ctrl-C to stop)", flush=True)
    return subprocess.run(server_command(args.host, args.port), env=env, check=False).returncode
