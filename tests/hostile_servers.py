"""Raw-socket servers on 127.0.0.1 that misbehave in ways the simulator cannot.

Each :class:`HostileServer` accepts real TCP connections, reads one request
head, records it (:class:`Seen`) and hands the socket to a *play*: a function
that writes whatever bytes it likes, as slowly as it likes, until the client
gives up or the server closes. The plays here are the attacks and accidents
the widget must survive: a body trickling one byte a second, headers that
never end, ``100 Continue`` forever, a slow chunked body, decompression bombs,
a progress line without a newline, a stream left open after the job ended.

:class:`ConnectProxy` is a tiny HTTP proxy that records every byte it is sent
(so a test can prove the key never reached it in clear) and tunnels
``CONNECT``; :func:`self_signed_cert` makes a certificate for a TLS server.
Everything stops on ``close()``: no thread outlives its server.
"""

from __future__ import annotations

import contextlib
import functools
import json
import socket
import ssl
import subprocess
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GIB = 1024**3


@dataclass
class Seen:
    """One request head as the server received it (header names lower-cased)."""

    method: str
    target: str
    headers: dict[str, str]


class Conn:
    """What a play gets: the socket, the request, and a way to wait that ends on close."""

    def __init__(self, sock: socket.socket, seen: Seen, stop: threading.Event) -> None:
        self.sock = sock
        self.seen = seen
        self._stop = stop

    def send(self, data: bytes) -> bool:
        """Write ``data``; False once the client has gone or the server is closing."""
        if self._stop.is_set():
            return False
        try:
            self.sock.sendall(data)
        except OSError:
            return False
        return True

    def pause(self, seconds: float) -> bool:
        """Wait ``seconds``; False if the server is closing meanwhile."""
        return not self._stop.wait(seconds)


Play = Callable[[Conn], None]


class HostileServer:
    """A threaded raw-socket server playing ``play`` on every connection."""

    def __init__(self, play: Play, *, tls: ssl.SSLContext | None = None) -> None:
        self._play = play
        self._tls = tls
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._socket = socket.create_server(("127.0.0.1", 0), backlog=256)
        self._live: set[socket.socket] = set()
        self.requests: list[Seen] = []
        #: Connections accepted (a TLS client that refuses the certificate makes no request).
        self.accepted = 0
        self.port = self._socket.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()

    @property
    def url(self) -> str:
        """``http(s)://127.0.0.1:PORT`` (``https://localhost:PORT`` with TLS, for the cert)."""
        return f"https://localhost:{self.port}" if self._tls else f"http://127.0.0.1:{self.port}"

    @property
    def open_connections(self) -> int:
        """Connections accepted and not yet closed."""
        with self._lock:
            return len(self._live)

    def paths(self) -> list[str]:
        """The request targets received so far, in order."""
        with self._lock:
            return [seen.target for seen in self.requests]

    def close(self) -> None:
        """Stop every play, close every connection and the listening socket."""
        self._stop.set()
        self._socket.close()
        with self._lock:
            live = list(self._live)
        for sock in live:
            _close_quietly(sock)
        self._acceptor.join(5)

    def __enter__(self) -> HostileServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self._socket.accept()
            except OSError:
                return
            with self._lock:
                self._live.add(sock)
                self.accepted += 1
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        try:
            if self._tls is not None:
                sock = self._tls.wrap_socket(sock, server_side=True)
                with self._lock:
                    self._live.add(sock)
            seen = read_head(sock)
            if seen is not None:
                with self._lock:
                    self.requests.append(seen)
                self._play(Conn(sock, seen, self._stop))
        except (OSError, ssl.SSLError):
            pass
        finally:
            with self._lock:
                self._live.discard(sock)
            _close_quietly(sock)


def read_head(sock: socket.socket, limit: int = 65536) -> Seen | None:
    """Read one request head (up to the blank line); ``None`` if the client went away."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk or len(data) > limit:
            return None
        data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    first, *lines = head.split("\r\n")
    method, target, _ = ([*first.split(" "), "", ""])[:3]
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Seen(method, target, headers)


def _close_quietly(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


def head(status: str = "200 OK", **headers: str) -> bytes:
    """A response head; keyword names use ``_`` for ``-`` (``content_type=...``)."""
    lines = [f"HTTP/1.1 {status}"] + [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def status_body(job_id: str, status: str) -> bytes:
    """A current-generation job-status body."""
    return json.dumps({"message": "ok", "job_status": {job_id: status}, "metadata": None}).encode()


def job_id_of(seen: Seen) -> str:
    """The last path segment of the request: the job id."""
    return seen.target.rstrip("/").rsplit("/", 1)[-1]


# -- plays ---------------------------------------------------------------------------


def answer(status: str, body: bytes, **headers: str) -> Play:
    """A complete, well-formed answer (then the connection closes)."""

    def play(conn: Conn) -> None:
        extra = {"content_type": "application/json", "connection": "close", **headers}
        conn.send(head(status, content_length=str(len(body)), **extra) + body)

    return play


def running_then(final: str, *, running_answers: int = 1) -> Play:
    """Job status RUNNING for the first ``running_answers`` status requests, then ``final``."""
    count = [0]
    lock = threading.Lock()

    def play(conn: Conn) -> None:
        with lock:
            count[0] += 1
            status = "RUNNING" if count[0] <= running_answers else final
        answer("200 OK", status_body(job_id_of(conn.seen), status))(conn)

    return play


def trickle(interval: float = 1.0) -> Play:
    """Headers promising a body, then one byte every ``interval`` seconds, forever."""

    def play(conn: Conn) -> None:
        conn.send(head(content_type="application/json", content_length="1000000"))
        while conn.send(b" ") and conn.pause(interval):
            pass

    return play


def endless_headers(interval: float = 0.5) -> Play:
    """A status line, then one more header line every ``interval`` seconds, never a blank line."""

    def play(conn: Conn) -> None:
        conn.send(b"HTTP/1.1 200 OK\r\n")
        number = 0
        while conn.send(f"X-Pad-{number}: x\r\n".encode()) and conn.pause(interval):
            number += 1

    return play


def continue_forever(interval: float = 0.5) -> Play:
    """``100 Continue`` again and again, never the real answer."""

    def play(conn: Conn) -> None:
        while conn.send(b"HTTP/1.1 100 Continue\r\n\r\n") and conn.pause(interval):
            pass

    return play


def slow_chunked(interval: float = 1.0) -> Play:
    """A chunked body of one-byte chunks, one every ``interval`` seconds, never the last one."""

    def play(conn: Conn) -> None:
        conn.send(head(content_type="application/json", transfer_encoding="chunked"))
        while conn.send(b"1\r\n \r\n") and conn.pause(interval):
            pass

    return play


def encoded(body: bytes, encoding: str) -> Play:
    """``body`` sent as is, labelled with ``Content-Encoding: encoding`` (a bomb, say)."""
    return answer("200 OK", body, content_encoding=encoding)


def encoded_stream(body: bytes, encoding: str) -> Play:
    """A progress stream whose (compressed) bytes are ``body``, sent chunked, then held open."""

    def play(conn: Conn) -> None:
        conn.send(head(content_type="application/x-ndjson", transfer_encoding="chunked",
                       content_encoding=encoding))  # fmt: skip
        for start in range(0, len(body), 65536):
            piece = body[start : start + 65536]
            if not conn.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n"):
                return
        while conn.pause(0.5):
            pass

    return play


def endless_line(limit: int = 512 * 1024 * 1024) -> Play:
    """A progress stream that sends ``x`` without ever a newline, up to ``limit`` bytes."""

    def play(conn: Conn) -> None:
        conn.send(head(content_type="application/x-ndjson", connection="close"))
        block = b"x" * 65536
        sent = 0
        while sent < limit and conn.send(block):
            sent += len(block)

    return play


def heartbeats(interval: float = 1.0) -> Play:
    """A progress stream that sends a heartbeat line every ``interval`` s and never ends."""

    def play(conn: Conn) -> None:
        conn.send(head(content_type="application/x-ndjson", connection="close"))
        line = json.dumps({"update_type": "heartbeat"}).encode() + b"\n"
        while conn.send(line) and conn.pause(interval):
            pass

    return play


def silence() -> Play:
    """Accept the request and never answer at all."""

    def play(conn: Conn) -> None:
        while conn.pause(0.5):
            pass

    return play


def by_endpoint(default: Play, **plays: Play) -> Play:
    """Choose the play by endpoint (``stream_job_progress=...``, ``job_status=...``)."""

    def play(conn: Conn) -> None:
        parts = conn.seen.target.split("/")
        endpoint = parts[-2].replace("-", "_") if len(parts) >= 2 else ""
        plays.get(endpoint, default)(conn)

    return play


# -- bombs, made once per test session ------------------------------------------------------


@functools.cache
def gzip_bomb(size: int = GIB) -> bytes:
    """``size`` zero bytes, gzipped (1 GiB -> about 1 MB), made without holding them."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1024 * 1024)
    parts = [compressor.compress(block) for _ in range(size // len(block))]
    parts.append(compressor.flush())
    return b"".join(parts)


@functools.cache
def double_gzip_bomb(size: int = GIB) -> bytes:
    """The gzip bomb gzipped again, for ``Content-Encoding: gzip, gzip`` (1 GiB -> ~2 KB)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    return compressor.compress(gzip_bomb(size)) + compressor.flush()


# -- a proxy and TLS ----------------------------------------------------------------


@dataclass
class ConnectProxy:
    """An HTTP proxy on 127.0.0.1 that records all it is sent and tunnels ``CONNECT``.

    A plain proxied request (``GET http://...``) is recorded and refused with
    502, so a test sees it arrive; ``CONNECT host:port`` is tunnelled.
    """

    received: bytearray = field(default_factory=bytearray)
    connects: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server = HostileServer(self._play)
        self.port = self._server.port
        self.url = f"http://127.0.0.1:{self.port}"

    def _play(self, conn: Conn) -> None:
        seen = conn.seen
        with self._lock:
            self.received += f"{seen.method} {seen.target}\r\n".encode()
            for name, value in seen.headers.items():
                self.received += f"{name}: {value}\r\n".encode()
        if seen.method != "CONNECT":
            conn.send(head("502 Bad Gateway", content_length="0", connection="close"))
            return
        with self._lock:
            self.connects.append(seen.target)
        host, _, port = seen.target.rpartition(":")
        upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
        conn.send(b"HTTP/1.1 200 Connection established\r\n\r\n")
        threading.Thread(target=self._pipe, args=(upstream, conn.sock, False), daemon=True).start()
        self._pipe(conn.sock, upstream, True)

    def _pipe(self, source: socket.socket, target: socket.socket, record: bool) -> None:
        try:
            while chunk := source.recv(65536):
                if record:
                    with self._lock:
                        self.received += chunk
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            _close_quietly(target)

    def close(self) -> None:
        """Stop the proxy and every tunnel."""
        self._server.close()

    def __enter__(self) -> ConnectProxy:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def self_signed_cert(folder: Path) -> tuple[Path, Path]:
    """A certificate for ``localhost`` / ``127.0.0.1`` and its key, made with ``openssl``."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    """A server-side TLS context for :class:`HostileServer`."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


# -- one server for the soak: every play under its own path prefix ---------------------------


def soak_mix(bomb_size: int = 256 * 1024 * 1024) -> dict[str, Play]:
    """The hostile plays the soak mixes in, by name (``/<name>/v1/...``)."""
    running = running_then("RUNNING", running_answers=0)
    return {
        "trickle": trickle(1.0),
        "endless_headers": endless_headers(1.0),
        "continue_forever": continue_forever(1.0),
        "slow_chunked": slow_chunked(1.0),
        "gzip_bomb": encoded(gzip_bomb(bomb_size), "gzip"),
        "gzip_gzip_bomb": encoded(double_gzip_bomb(bomb_size), "gzip, gzip"),
        "stream_bomb": by_endpoint(
            running, stream_job_progress=encoded_stream(gzip_bomb(bomb_size), "gzip")
        ),
        "endless_line": by_endpoint(running, stream_job_progress=endless_line(64 << 20)),
        "stream_left_open": by_endpoint(
            running_then("SUCCEEDED", running_answers=2), stream_job_progress=heartbeats(1.0)
        ),
    }


def by_prefix(plays: dict[str, Play]) -> Play:
    """Choose the play by the first path segment (``/trickle/v1/job-status/x``)."""
    missing = answer("404 Not Found", b'{"detail": "no such play"}')

    def play(conn: Conn) -> None:
        plays.get(conn.seen.target.split("/")[1], missing)(conn)

    return play


def main() -> None:
    """Serve :func:`soak_mix` until killed; print ``HOSTILE_URL=...`` when ready."""
    with HostileServer(by_prefix(soak_mix())) as server:
        print(f"HOSTILE_URL={server.url}", flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
