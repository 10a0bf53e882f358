"""The HTTP plumbing: a listening socket and a request handler around a :class:`SimulatedApi`.

Standard library only (``http.server``), so the demo notebook and every test
can run it with no extra dependency and no network. It speaks HTTP/1.1 with
``Content-Length`` on every answer, so clients keep and reuse pooled
connections exactly as they would against the real API; each connection gets a
daemon thread, so one slow or idle client never holds up another.

A fault answer is played by ``faults.player``, a progress stream by
``stream_wire``; each holds its own connection thread, and closing the
listener (:func:`close_listener`) ends them all at once. When to listen and
when to close (start, stop, ``DOWN`` and back) is the
:class:`~.server.Simulator`'s concern.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import socket
import socketserver
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast

from .app import SimulatedApi
from .faults.answers import FaultAnswer
from .faults.player import play
from .progress import StreamAnswer
from .routes import CONTROL_PATH, Response
from .stream_wire import play_stream

__all__ = ["ListeningServer", "close_listener", "is_loopback", "listen"]

#: Close a kept-alive connection after this long without a request, so idle
#: clients do not pin a thread forever.
IDLE_TIMEOUT_SECONDS = 60.0
#: Request bodies up to this size are read (the fault control endpoint takes
#: one; other endpoints drop it); a larger body is not read and its
#: connection is closed after the answer.
MAX_DISCARDED_BODY_BYTES = 1024 * 1024


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (``localhost``, ``127.0.0.0/8``, ``::1``).

    The simulator accepts a demo key printed in the clear; it must not listen
    where other machines can reach it unless someone asks for that explicitly.
    """
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ListeningServer(ThreadingHTTPServer):
    """The listening socket, plus a record of open connections so ``stop`` can end them."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        api: SimulatedApi,
        log: Callable[[str], None] | None,
    ) -> None:
        self.api = api
        self.log = log
        #: Set when this listener is closed (stop or DOWN), so held requests end at once.
        self.stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        """Bind without ``HTTPServer``'s reverse DNS lookup, which can stall for seconds."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Remember the connection, then serve it on its own thread."""
        if isinstance(request, socket.socket):
            with self._connections_lock:
                self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        """Forget the connection once its thread is done with it."""
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def spare(self, connection: socket.socket) -> None:
        """Leave ``connection`` out of :meth:`close_connections`; it closes after one answer.

        For the fault control endpoint: a ``DOWN`` it switches on closes every
        connection, and must not cut off the answer that says it was accepted.
        """
        with self._connections_lock:
            self._connections.discard(connection)

    def close_connections(self) -> None:
        """End every open connection, so kept-alive clients get no more answers."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Log a broken connection briefly instead of printing a traceback to stderr."""
        if self.log is not None:
            self.log(f"connection from {client_address} ended with an error")


class _Server6(ListeningServer):
    """The same server on an IPv6 socket (for ``::1``)."""

    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    """Adapts each HTTP request to ``SimulatedApi.handle`` and writes its JSON answer."""

    protocol_version = "HTTP/1.1"
    server_version = "SutroSimulator"
    sys_version = ""
    timeout = IDLE_TIMEOUT_SECONDS
    disable_nagle_algorithm = True  # headers and body go out as two writes

    @property
    def _server(self) -> ListeningServer:
        return cast(ListeningServer, self.server)

    def do_GET(self) -> None:
        """Answer a GET through the route table."""
        self._dispatch()

    # Every other common method reaches the route table too, which answers 405
    # for known paths and 404 for unknown ones (as FastAPI does).
    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    def _dispatch(self) -> None:
        body = self._read_body()
        if self.path.split("?", 1)[0] == CONTROL_PATH:
            self._server.spare(self.connection)
            self.close_connection = True
        try:
            authorization = self.headers.get("Authorization")
            answer = self._server.api.handle(self.command, self.path, authorization, body)
        except Exception as exc:  # a simulator bug must reach the test as an answer, not a hang
            answer = Response(500, {"detail": f"Simulator error: {type(exc).__name__}: {exc}"})
            self.close_connection = True
        if isinstance(answer, FaultAnswer):
            play(self, answer, self._server.stopping)
        elif isinstance(answer, StreamAnswer):
            play_stream(self, answer, self._server.stopping)
        else:
            self._send(answer)

    def _read_body(self) -> bytes:
        """Read the request body so the next request on this connection parses.

        Returns it (empty if there is none, or it is chunked or too large to
        read, in which case the connection is closed after the answer).
        """
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            return b""
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        try:
            size = int(length)
        except ValueError:
            size = -1
        if size < 0 or size > MAX_DISCARDED_BODY_BYTES:
            self.close_connection = True
            return b""
        return self.rfile.read(size)

    def _send(self, response: Response) -> None:
        data = json.dumps(response.body).encode("utf-8")
        self.send_response(response.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in response.headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if getattr(self, "command", None) != "HEAD":
            self.wfile.write(data)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer a malformed request with JSON like every other error, then close."""
        self.close_connection = True
        self._send(Response(code, {"detail": message or HTTPStatus(code).phrase}))

    def log_message(self, format: str, *args: Any) -> None:
        """Send the access log to the simulator's logger (silent by default)."""
        log = self._server.log
        if log is not None:
            log(f"{self.address_string()} {format % args}")


def close_listener(server: ListeningServer, thread: threading.Thread | None) -> None:
    """Close a listener: end held requests and streams, stop accepting, end connections, join."""
    server.stopping.set()
    server.api.wake()  # a stream waiting for its job to change looks at ``stopping`` now
    server.shutdown()
    server.server_close()
    server.close_connections()
    if thread is not None:
        thread.join(timeout=10)


def listen(
    host: str, port: int, api: SimulatedApi, log: Callable[[str], None] | None
) -> tuple[ListeningServer, threading.Thread]:
    """Bind ``host:port`` (0: a free port) for ``api`` and serve it on a new daemon thread."""
    server_class = _Server6 if ":" in host else ListeningServer
    server = server_class((host, port), api, log)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name=f"sutro-simulator-{server.server_address[1]}",
        daemon=True,
    )
    thread.start()
    return server, thread
