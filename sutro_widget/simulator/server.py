"""The :class:`Simulator`: the simulated API, served on loopback, with a listener's life.

Faults that live at the socket level are done here: ``DOWN`` closes the
listening socket and every open connection and later rebinds the same port
(a watcher thread follows the simulator's clock for timed windows). A
redirect fault's other origin is a second listener (``other_origin``),
started the first time it is needed. The HTTP plumbing is ``listener``'s;
everything about jobs and faults is the :class:`~.app.SimulatedApi`'s, which
the simulator is.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from types import TracebackType

from .app import SimulatedApi
from .faults.modes import Fault
from .faults.rules import FaultHandle
from .listener import ListeningServer, close_listener, is_loopback, listen
from .other_origin import OtherOrigin
from .progress import DEFAULT_HEARTBEAT_SECONDS
from .routes import DEFAULT_API_KEY, PLACEHOLDER_OTHER_ORIGIN

__all__ = ["Simulator", "is_loopback"]

#: How often the watcher compares the simulator's clock with ``DOWN`` windows.
WATCH_SECONDS = 0.02


class Simulator(SimulatedApi):
    """A local, scripted stand-in for the Sutro job API, served over real HTTP.

    Jobs play scripts chosen by id prefix (see
    :data:`~sutro_widget.simulator.catalogue.BUILTIN_SCRIPTS`) or registered with
    :meth:`add_job`, so a demo or test picks a story by picking an id. It *is*
    the :class:`~.app.SimulatedApi` that owns the jobs and faults (every
    operation on them, ``add_job`` to ``inject``, is declared once there), plus
    a listener's life: start, stop, going down and coming back. Use it as
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
        without: Iterable[str] = (),
    ) -> None:
        """Configure a simulator; nothing listens until :meth:`start` (``port=0``: a free port)."""
        if not is_loopback(host) and not allow_remote:
            raise ValueError(
                f"Refusing to serve the simulator on {host!r}: it is a test server with a "
                "public demo key. Use a loopback host, or pass allow_remote=True."
            )
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise ValueError(f"port must be an integer in 0..65535, not {port!r}.")
        super().__init__(
            api_key,
            time_scale=time_scale,
            clock=clock,
            wall_clock=wall_clock,
            heartbeat_seconds=heartbeat_seconds,
            without=without,
        )
        self.host = host
        self._requested_port = port
        self._log = log
        # Guards the listener's life (start, stop, DOWN and back). Never taken
        # while the API's lock is held, and the other origin has its own lock.
        self._lifecycle_lock = threading.Lock()
        self._started = False
        self._server: ListeningServer | None = None
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
            close_listener(server, thread)
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
        server, thread = listen(self.host, port, self, self._log)
        host, bound_port = server.server_address[:2]
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
            down = self.is_down()
            if down and self._server is not None:
                server, thread = self._server, self._thread
                self._server = self._thread = None
                close_listener(server, thread)
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
    def api(self) -> Simulator:
        """The simulated API behind the server: the simulator itself.

        Kept for callers written when the API was a separate object; every
        operation is on the simulator directly.
        """
        return self

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

    def _redirect_origin(self) -> str:
        """The origin a redirect fault names; no listener is started for a stopped simulator."""
        return self.other_origin.url if self._started else PLACEHOLDER_OTHER_ORIGIN

    def _faults_changed(self) -> None:
        """Close or reopen the listener at once when a ``DOWN`` fault comes or goes."""
        self._reconcile()

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
