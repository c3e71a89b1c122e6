"""The dashboard server as a user starts it: loopback only, Host and Origin checked, stopped by a signal.

Each test starts `bopsim dashboard` in a child process on a free port (a few seconds to import
Solara), talks to it over HTTP and stops it.
"""

from __future__ import annotations

import http.client
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bopsim.experiments.cli import main
from bopsim.viz.serve import LoopbackGuard, host_name

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60.0
"""Seconds allowed for the server to answer (importing Solara on a busy two-core machine)."""
STOP_TIMEOUT = 15.0


def _free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


def _get(port: int, headers: dict[str, str], path: str = "/") -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def _children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.fixture
def server(tmp_path):
    """A running `bopsim dashboard` on a free port: (process, port)."""
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "bopsim.experiments.cli", "dashboard", "--port", str(port),
                                "--results", str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True,
                               # as from a terminal: a disposition the test process inherited (Ctrl-C
                               # ignored) would otherwise pass to the server and swallow its SIGINT
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            _get(port, {"Host": f"127.0.0.1:{port}"})
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"dashboard did not start: {process.communicate()[1][-2000:]}")
            time.sleep(0.3)
    yield process, port
    if process.poll() is None:
        process.kill()
        process.wait()


@pytest.mark.slow
def test_requests_under_another_host_or_origin_are_refused(server):
    _, port = server
    assert _get(port, {"Host": f"127.0.0.1:{port}"}) == 200
    assert _get(port, {"Host": f"localhost:{port}"}) == 200
    # DNS rebinding: a name the attacker controls, resolving to 127.0.0.1
    assert _get(port, {"Host": f"rebind.example:{port}"}) == 403
    assert _get(port, {"Host": f"127.0.0.1:{port}", "Origin": "http://rebind.example"}) == 403
    assert _get(port, {"Host": f"127.0.0.1:{port}", "Origin": f"http://localhost:{port}"}) == 200
    # the kernel websocket of a page on another site is closed before it is accepted (HTTP 403)
    upgrade = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Host": f"127.0.0.1:{port}", "Origin": "http://rebind.example"}
    assert _get(port, upgrade, "/jupyter/api/kernels/x/channels?session_id=y") == 403


@pytest.mark.slow
@pytest.mark.parametrize("signum, status", [(signal.SIGTERM, 128 + signal.SIGTERM), (signal.SIGINT, 130)])
def test_a_signal_stops_the_server_frees_the_port_and_leaves_no_process(server, signum, status):
    process, port = server
    assert _children(process.pid) == []  # served in-process: nothing else holds the port
    process.send_signal(signum)
    assert process.wait(timeout=STOP_TIMEOUT) == status
    with socket.create_server(("127.0.0.1", port)):
        pass  # the port is free again


def test_the_guard_accepts_loopback_names_only():
    scope = lambda host, origin=None: {"type": "http", "headers": [(b"host", host.encode())]
                                       + ([(b"origin", origin.encode())] if origin else [])}
    assert LoopbackGuard.allowed(scope("127.0.0.1:8765"))
    assert LoopbackGuard.allowed(scope("[::1]:8765"))
    assert LoopbackGuard.allowed(scope("LOCALHOST"))
    assert LoopbackGuard.allowed(scope("127.0.0.2:8765"))  # all of 127.0.0.0/8 is this machine
    assert not LoopbackGuard.allowed(scope("127.0.0.1.rebind.example:8765"))
    assert not LoopbackGuard.allowed(scope(""))
    assert not LoopbackGuard.allowed(scope("localhost:8765", "null"))
    assert host_name("[::1]:80") == "::1"


def test_a_non_loopback_host_is_refused_with_one_line(capsys):
    assert main(["dashboard", "--host", "0.0.0.0"]) == 2
    assert capsys.readouterr().err.strip() == ("bopsim: error: --host: '0.0.0.0' is not a loopback address (the "
                                               "dashboard serves this machine only; use 127.0.0.1, localhost or ::1)")


def test_a_missing_results_folder_is_refused(tmp_path, capsys):
    assert main(["dashboard", "--results", str(tmp_path / "none")]) == 2
    assert "--results: not a folder" in capsys.readouterr().err
