"""A real HTTP server on loopback around :class:`~sutro_widget.simulator.app.SimulatedApi`.

Standard library only (``http.server``), so the demo notebook and every test
can run it with no extra dependency and no network. It speaks HTTP/1.1 with
``Content-Length`` on every answer, so clients keep and reuse pooled
connections exactly as they would against the real API; each connection gets a
daemon thread, so one slow or idle client never holds up another.

Faults that live at the socket level are done here: ``DOWN`` closes the
listening socket and every open connection and later rebinds the same port
(a watcher thread follows the simulator's clock for timed windows), and a
fault answer is played by ``fault_wire``. A redirect fault's other origin is a
second listener (``other_origin``), started the first time it is needed.
Progress streams (chunked, one JSON line at a time) are played by
``stream_wire``; each holds its own connection thread, and closing the
listener ends them all at once.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import socket
import socketserver
import threading
from collections.abc import Callable, Iterable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, cast

from .app import (
    CONTROL_PATH,
    DEFAULT_API_KEY,
    PLACEHOLDER_OTHER_ORIGIN,
    RecordedRequest,
    Response,
    SimulatedApi,
)
from .fault_answers import FaultAnswer
from .fault_wire import play
from .faults import Fault, FaultHandle, FaultRule, FaultSpec
from .other_origin import OtherOrigin
from .progress import DEFAULT_HEARTBEAT_SECONDS, StreamAnswer
from .scripts import JobInfo, Step
from .stream_wire import play_stream

__all__ = ["Simulator", "is_loopback"]

#: Close a kept-alive connection after this long without a request, so idle
#: clients do not pin a thread forever.
IDLE_TIMEOUT_SECONDS = 60.0
#: Request bodies up to this size are read (the fault control endpoint takes
#: one; other endpoints drop it); a larger body is not read and its
#: connection is closed after the answer.
MAX_DISCARDED_BODY_BYTES = 1024 * 1024
#: How often the watcher compares the simulator's clock with ``DOWN`` windows.
WATCH_SECONDS = 0.02


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


class _Server(ThreadingHTTPServer):
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


class _Server6(_Server):
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
    def _server(self) -> _Server:
        return cast(_Server, self.server)

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


class Simulator:
    """A local, scripted stand-in for the Sutro job API, served over real HTTP.

    Jobs play scripts chosen by id prefix (see
    :data:`~sutro_widget.simulator.scripts.BUILTIN_SCRIPTS`) or registered with
    :meth:`add_job`, so a demo or test picks a story by picking an id. Use it as
    a context manager, or call :meth:`start` and :meth:`stop`. It refuses to
    listen beyond loopback unless ``allow_remote`` is true: the key it accepts
    is a printed demo key.

    ``clock`` (default ``time.monotonic``) drives every script and every fault
    window; tests pass a fake clock to walk a job through its stages, or a
    fault through its window, without sleeping. ``wall_clock`` (default
    ``time.time``) dates the job details; ``heartbeat_seconds`` is the real
    silence after which a progress stream sends a heartbeat. ``log``, if
    given, receives one line per request (never the key).

    Faults (:meth:`inject`, :meth:`go_down`, :meth:`revoke_key`, ...) make it
    misbehave on purpose, so a client's reliability can be tested over HTTP.
    """

    def __init__(
        self,
        api_key: str = DEFAULT_API_KEY,
        host: str = "127.0.0.1",
        port: int = 0,
        time_scale: float = 1.0,
        clock: Callable[[], float] | None = None,
        *,
        wall_clock: Callable[[], float] | None = None,
        heartbeat_seconds: float = DEFAULT_HEARTBEAT_SECONDS,
        allow_remote: bool = False,
        log: Callable[[str], None] | None = None,
    ) -> None:
        """Configure a simulator; nothing listens until :meth:`start` (``port=0``: a free port)."""
        if not is_loopback(host) and not allow_remote:
            raise ValueError(
                f"Refusing to serve the simulator on {host!r}: it is a test server with a "
                "public demo key. Use a loopback host, or pass allow_remote=True."
            )
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise ValueError(f"port must be an integer in 0..65535, not {port!r}.")
        #: The socket-free API behind the server: scripts, jobs, routes, faults, request log.
        self.api = SimulatedApi(
            api_key,
            time_scale=time_scale,
            clock=clock,
            wall_clock=wall_clock,
            heartbeat_seconds=heartbeat_seconds,
        )
        self.api.other_origin = self._redirect_target
        self.host = host
        self._requested_port = port
        self._log = log
        # Guards the listener's life (start, stop, DOWN and back). Never taken
        # while the API's lock is held, and the other origin has its own lock.
        self._lifecycle_lock = threading.Lock()
        self._started = False
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._address: tuple[str, int] | None = None
        self._watcher: threading.Thread | None = None
        self._watch_stop = threading.Event()
        self._origin_lock = threading.Lock()
        self._origin: OtherOrigin | None = None

    # -- lifecycle -------------------------------------------------------------

    def start(self) -> Simulator:
        """Bind the socket and serve on a daemon thread; returns ``self``.

        Raises ``RuntimeError`` if already running and ``OSError`` if the port
        cannot be bound. A stopped simulator can be started again (job state and
        faults are kept; with ``port=0`` it may get a different port).
        """
        with self._lifecycle_lock:
            if self._started:
                raise RuntimeError("The simulator is already running.")
            self._listen(self._requested_port)
            self._started = True
            self._watch_stop = threading.Event()
            self._watcher = threading.Thread(
                target=self._watch,
                args=(self._watch_stop,),
                name=f"sutro-simulator-watch-{self.port}",
                daemon=True,
            )
            self._watcher.start()
        self._reconcile()  # a DOWN window kept from before a restart applies at once
        return self

    def stop(self) -> None:
        """Stop serving: close the listening socket and open connections, join the threads.

        Requests held by a ``NO_RESPONSE`` fault are let go at once, and open
        progress streams end without their terminating chunk. Safe to call
        more than once, and on a simulator never started.
        """
        with self._lifecycle_lock:
            server, thread, watcher = self._server, self._thread, self._watcher
            self._server = self._thread = self._watcher = None
            self._started = False
            self._watch_stop.set()
        if server is not None:
            _close(server, thread)
        if watcher is not None:
            watcher.join(timeout=10)
        with self._origin_lock:
            origin, self._origin = self._origin, None
        if origin is not None:
            origin.close()

    @property
    def running(self) -> bool:
        """Whether started and not stopped (also while a ``DOWN`` fault has it refusing)."""
        return self._started

    @property
    def listening(self) -> bool:
        """Whether the listening socket is open (running and not down)."""
        return self._server is not None

    def __enter__(self) -> Simulator:
        """Start serving for the duration of a ``with`` block."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop serving when the ``with`` block ends, however it ends."""
        self.stop()

    def __repr__(self) -> str:
        """Show where it listens and whether it runs; never the key."""
        where = self.url if self._address is not None else "not started"
        down = " down" if self.running and not self.listening else ""
        return f"<Simulator {where} running={self.running}{down}>"

    def _listen(self, port: int) -> None:
        """Bind ``port`` and serve it on a new thread. Caller holds the lifecycle lock."""
        server_class = _Server6 if ":" in self.host else _Server
        server = server_class((self.host, port), self.api, self._log)
        host, bound_port = server.server_address[:2]
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"sutro-simulator-{bound_port}",
            daemon=True,
        )
        thread.start()
        self._server, self._thread = server, thread
        self._address = (str(host), int(bound_port))

    def _reconcile(self) -> None:
        """Close or reopen the listener so it matches the ``DOWN`` faults in force now.

        Reopening binds the same port again (``SO_REUSEADDR`` lets it while
        old connections linger); ``OSError`` if someone else took it meanwhile.
        """
        with self._lifecycle_lock:
            if not self._started:
                return
            down = self.api.is_down()
            if down and self._server is not None:
                server, thread = self._server, self._thread
                self._server = self._thread = None
                _close(server, thread)
            elif not down and self._server is None:
                self._listen(self.port)

    def _watch(self, stop: threading.Event) -> None:
        """Follow the clock so timed ``DOWN`` windows open and close on their own."""
        while not stop.wait(WATCH_SECONDS):
            try:
                self._reconcile()
            except Exception as exc:  # a thread must not die with a traceback; retry next tick
                if self._log is not None:
                    self._log(f"cannot follow the DOWN faults: {type(exc).__name__}: {exc}")

    # -- addresses -------------------------------------------------------------

    @property
    def port(self) -> int:
        """The port actually bound (the free one chosen when ``port=0``); kept while down."""
        if self._address is None:
            raise RuntimeError("The simulator has no port until start() is called.")
        return self._address[1]

    @property
    def url(self) -> str:
        """The API origin, e.g. ``http://127.0.0.1:8765`` (legacy: ``{url}/job-status/{id}``)."""
        if self._address is None:
            raise RuntimeError("The simulator has no URL until start() is called.")
        host, port = self._address
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    @property
    def url_v1(self) -> str:
        """The current-generation base, ``{url}/v1`` (status: ``{url_v1}/job-status/{id}``)."""
        return f"{self.url}/v1"

    @property
    def api_key(self) -> str:
        """The key clients must send as ``Authorization: Key <api_key>``."""
        return self.api.api_key

    @property
    def other_origin(self) -> OtherOrigin:
        """The listener a ``REDIRECT_OTHER_ORIGIN`` fault points to, started on first use.

        Its :attr:`~OtherOrigin.visits` tell whether a client followed the
        redirect, and whether it took its ``Authorization`` header along.
        Closed by :meth:`stop`.
        """
        with self._origin_lock:
            if self._origin is None:
                host = self._address[0] if self._address is not None else self.host
                self._origin = OtherOrigin(host)
            return self._origin

    def _redirect_target(self) -> str:
        """The origin a redirect fault names; no listener is started for a stopped simulator."""
        return self.other_origin.url if self._started else PLACEHOLDER_OTHER_ORIGIN

    # -- scripting and inspection (delegated to the API) ------------------------

    def add_job(
        self,
        job_id: str,
        steps: Iterable[Step],
        info: JobInfo | None = None,
        *,
        num_rows: int | None = None,
    ) -> None:
        """Make ``job_id`` (exactly) play ``steps``, over any prefix; re-adding restarts it.

        ``info`` is what its details say (name, model, rows); ``num_rows``
        overrides the row count.
        """
        self.api.add_job(job_id, steps, info, num_rows=num_rows)

    def advance(self, job_id: str) -> str:
        """Move ``job_id`` to its next step now; return its new status (``KeyError`` if unknown)."""
        return self.api.advance(job_id)

    def set_progress(self, job_id: str, rows_done: int) -> None:
        """Set the rows done of ``job_id`` on a held step; open streams report it at once."""
        self.api.set_progress(job_id, rows_done)

    def status_of(self, job_id: str) -> str:
        """The script status ``job_id`` has now; looking does not start its clock."""
        return self.api.status_of(job_id)

    def rows_done(self, job_id: str) -> int:
        """Rows ``job_id`` has done now; looking does not start its clock."""
        return self.api.rows_done(job_id)

    def num_rows(self, job_id: str) -> int:
        """How many rows ``job_id`` has in all (its details' ``num_rows``)."""
        return self.api.num_rows(job_id)

    def request_count(self, job_id: str | None = None, *, route: str | None = None) -> int:
        """How many status requests arrived, in all or for one decoded job id.

        ``route`` counts another route's GETs instead (``"v1/jobs"``,
        ``"v1/stream-job-progress"``, ``"v1/job-cancel"``).
        """
        return self.api.request_count(job_id, route=route)

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of every request received so far, oldest first (never the key)."""
        return self.api.requests

    # -- faults ----------------------------------------------------------------

    def inject(
        self,
        mode: Fault | str,
        job_id: str | None = None,
        *,
        job_prefix: str | None = None,
        after: float = 0.0,
        duration: float | None = None,
        requests: int | None = None,
        retry_after: float | None = None,
        plain: bool = False,
        lines: int | None = None,
    ) -> FaultHandle:
        """Answer status requests (both generations) with fault ``mode``; returns a handle.

        ``job_id`` targets one job, ``job_prefix`` every id starting with it,
        neither every job. The window opens ``after`` seconds from now on the
        simulator's clock and lasts ``duration`` (``None``: until cleared);
        ``requests`` caps how many requests it answers. ``retry_after`` is the
        rate limits' delay (default 1 s), ``plain`` a text body for the plain
        HTTP errors. A ``DOWN`` window closes the listener when it opens.
        ``STREAM_BREAK`` acts on progress streams instead of status requests:
        each is cut after ``lines`` progress updates (default 3).
        """
        fault = mode if isinstance(mode, Fault) else Fault.parse(mode)
        spec = FaultSpec(
            fault, job_id, job_prefix, after, duration, requests, retry_after, plain, lines
        )
        return self.inject_spec(spec)

    def inject_spec(self, spec: FaultSpec) -> FaultHandle:
        """Inject an already-built spec (as parsed from ``--fault`` or the control endpoint)."""
        handle = self.api.inject_spec(spec)
        self._reconcile()
        return FaultHandle(handle.rule, self._clear_rule)

    def clear_faults(
        self,
        job_id: str | None = None,
        *,
        job_prefix: str | None = None,
        mode: Fault | None = None,
    ) -> int:
        """Clear the faults injected with this ``job_id`` / ``job_prefix`` / ``mode`` (all if none).

        Clearing a ``DOWN`` fault reopens the listener on the same port.
        Returns how many faults were cleared.
        """
        cleared = self.api.clear_faults(job_id, job_prefix=job_prefix, mode=mode)
        self._reconcile()
        return cleared

    def _clear_rule(self, rule: FaultRule) -> None:
        self.api.clear_rule(rule)
        self._reconcile()

    def fault_hits(self, job_id: str | None = None) -> int:
        """How many requests a fault answered, in all or for one decoded job id.

        Connections refused while ``DOWN`` never reach the server and are not counted.
        """
        return self.api.fault_hits(job_id)

    @property
    def faults(self) -> list[FaultRule]:
        """The faults not yet over, oldest first."""
        return self.api.faults

    def go_down(self) -> FaultHandle:
        """Close the listening socket and every open connection now: connections are refused.

        The port is kept for :meth:`come_up`. Same as ``inject(Fault.DOWN)``.
        """
        if not self._started:
            raise RuntimeError("The simulator is not running; start() it first.")
        return self.inject(Fault.DOWN)

    def come_up(self) -> None:
        """Listen again on the same port now, clearing every ``DOWN`` fault (timed ones too).

        Raises ``OSError`` if the port was taken while the simulator was down.
        """
        if not self._started:
            raise RuntimeError("The simulator is not running; start() it first.")
        self.clear_faults(mode=Fault.DOWN)

    def revoke_key(self) -> FaultHandle:
        """Answer every status request with 401 from now on, as if the key were revoked.

        Same as ``inject(Fault.UNAUTHORIZED)``; the control endpoint still
        accepts the key, so a revoked key does not lock out whoever restores it.
        """
        return self.inject(Fault.UNAUTHORIZED)

    def restore_key(self) -> None:
        """Accept the key again: clear every ``UNAUTHORIZED`` fault."""
        self.clear_faults(mode=Fault.UNAUTHORIZED)


def _close(server: _Server, thread: threading.Thread | None) -> None:
    """Close a listener: end held requests and streams, stop accepting, end connections, join."""
    server.stopping.set()
    server.api.wake()  # a stream waiting for its job to change looks at ``stopping`` now
    server.shutdown()
    server.server_close()
    server.close_connections()
    if thread is not None:
        thread.join(timeout=10)
