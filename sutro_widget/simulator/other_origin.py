"""A second, tiny listener that a redirect fault points to, and that records who came.

A client that follows a redirect to another origin with its
``Authorization`` header leaks the key there. To test that, the redirect must
point at a place that can tell whether it was ever reached, and with what:
this listener (another port on the simulator's host, hence another origin)
records each request's method, path and whether an ``Authorization`` header
came with it (never the header itself), and answers a JSON 404, since it is
not the API.
"""

from __future__ import annotations

import json
import socket
import socketserver
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast

__all__ = ["OriginVisit", "OtherOrigin"]

_NOT_THE_API = {"detail": "This origin is not the Sutro API; a client followed a redirect here."}


@dataclass(frozen=True)
class OriginVisit:
    """One request the other origin received."""

    method: str
    raw_path: str
    authorization_sent: bool


class _RecordingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], family: socket.AddressFamily) -> None:
        self.address_family = family
        self.visits: list[OriginVisit] = []
        self.visits_lock = threading.Lock()
        super().__init__(address, _RecordingHandler)

    def server_bind(self) -> None:
        """Bind without ``HTTPServer``'s reverse DNS lookup, which can stall for seconds."""
        socketserver.TCPServer.server_bind(self)


class _RecordingHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "SutroSimulatorOtherOrigin"
    sys_version = ""
    timeout = 10.0

    def do_GET(self) -> None:
        server = cast(_RecordingServer, self.server)
        visit = OriginVisit(self.command, self.path, self.headers.get("Authorization") is not None)
        with server.visits_lock:
            server.visits.append(visit)
        length = int(self.headers.get("Content-Length") or 0)
        if 0 < length <= 1024 * 1024:
            self.rfile.read(length)
        data = json.dumps(_NOT_THE_API).encode("utf-8")
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        """Stay silent: the visits are the record."""


class OtherOrigin:
    """A recording listener on ``host``: another port, so another origin. Serves at once."""

    def __init__(self, host: str) -> None:
        """Bind a free port on ``host`` and serve on a daemon thread."""
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._server = _RecordingServer((host, 0), family)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="sutro-simulator-other-origin",
            daemon=True,
        )
        self._thread.start()
        bound_host, port = self._server.server_address[:2]
        bound = str(bound_host)
        self.url = f"http://[{bound}]:{port}" if ":" in bound else f"http://{bound}:{port}"

    @property
    def visits(self) -> list[OriginVisit]:
        """Every request received so far, oldest first."""
        with self._server.visits_lock:
            return list(self._server.visits)

    @property
    def reached(self) -> bool:
        """Whether any request ever arrived here."""
        return bool(self.visits)

    @property
    def authorization_seen(self) -> bool:
        """Whether any request arrived with an ``Authorization`` header (a leaked key)."""
        return any(visit.authorization_sent for visit in self.visits)

    def close(self) -> None:
        """Stop listening and join the serving thread."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def __repr__(self) -> str:
        """Where it listens and how many came."""
        return f"<OtherOrigin {self.url} visits={len(self.visits)}>"
