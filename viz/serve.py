"""Serving the dashboard: Solara's Starlette app run by uvicorn in this process, loopback only.

In-process serving (rather than a `solara run` child process) means one process holds the
port: SIGTERM and Ctrl-C both reach uvicorn, which closes the port and returns, and nothing is
left behind to hold it.

A page on another site can make a browser send requests to 127.0.0.1 under a name it controls
(DNS rebinding: `evil.example` resolving to 127.0.0.1). `LoopbackGuard` therefore refuses any
request or websocket whose `Host` header is not a loopback name, or whose `Origin` header
names another site (OWASP, "DNS rebinding"; the same check Jupyter Server makes with its
`allow_remote_access = False` default).
"""

from __future__ import annotations

import ipaddress
import os
import socket
import warnings
from pathlib import Path
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
"""Host names a page of this dashboard can be reached under."""


def is_loopback(host: str) -> bool:
    """True if `host` names this machine only (localhost, 127.0.0.0/8, ::1)."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror:
        return False
    return bool(addresses) and all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses)


def loopback_literal(name: str) -> bool:
    """True for 'localhost' or a loopback IP address written out (no name lookup: a name could be rebound)."""
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_name(netloc: str) -> str:
    """'127.0.0.1:8765' -> '127.0.0.1', '[::1]:8765' -> '::1', 'localhost' -> 'localhost' (lower case)."""
    return (urlsplit(f"//{netloc}").hostname or "").lower()


class LoopbackGuard:
    """ASGI middleware: refuse HTTP requests and websockets not addressed to a loopback name.

    A request passes if its `Host` is `localhost` or a loopback address (any port) and its
    `Origin`, when sent, is too; otherwise HTTP gets 403 and a websocket is closed before it is accepted
    (code 1008, policy violation).
    """

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] in ("http", "websocket") and not self.allowed(scope):
            if scope["type"] == "http":
                from starlette.responses import PlainTextResponse

                await PlainTextResponse("Forbidden: this dashboard answers to localhost only.", status_code=403)(
                    scope, receive, send)
            else:
                await send({"type": "websocket.close", "code": 1008, "reason": "forbidden host"})
            return
        await self.app(scope, receive, send)

    @staticmethod
    def allowed(scope) -> bool:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if not loopback_literal(host_name(headers.get("host", ""))):
            return False
        origin = headers.get("origin")
        return origin is None or loopback_literal(host_name(urlsplit(origin).netloc))


def serve(app_path: Path, host: str, port: int, log_level: str = "warning") -> None:
    """Serve the Solara app `app_path` on host:port until SIGINT or SIGTERM; returns when stopped."""
    # the session cookie falls back to SameSite=Lax over plain http on loopback, as it should
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    os.environ["SOLARA_APP"] = str(app_path)
    os.environ["SERVER_NAME"] = host
    os.environ["SERVER_PORT"] = str(port)
    import uvicorn
    from solara.server import settings

    settings.main.mode = "production"
    from solara.server.starlette import app

    server = uvicorn.Server(uvicorn.Config(LoopbackGuard(app), host=host, port=port, log_level=log_level,
                                           lifespan="on", ws_max_size=16 * 2**20))
    server.run()
