"""Playing a :class:`~sutro_widget.simulator.faults.answers.FaultAnswer` on a live connection.

The faults that matter most are the ones ``http.server`` would never produce
by itself: a body framed by chunks or by closing the connection, a TCP reset
in the middle of a body, a request that is never answered. This module does
those socket-level acts, so the request handler in ``listener.py`` only
chooses between a normal answer and a fault.
"""

from __future__ import annotations

import contextlib
import select
import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler

from .answers import FaultAnswer

__all__ = ["play", "reset"]

#: Chunk size for a chunked body (a real server sends many chunks, not one).
CHUNK_BYTES = 64 * 1024
#: How often a held request looks at its window, the server and its client.
STALL_POLL_SECONDS = 0.02
#: Pause between the partial body and the reset, so the client has read what
#: was sent and sees a response broken mid-body rather than no response.
RESET_PAUSE_SECONDS = 0.05


def play(handler: BaseHTTPRequestHandler, answer: FaultAnswer, stopping: threading.Event) -> None:
    """Send ``answer`` on ``handler``'s connection, however broken it is meant to be.

    ``stopping`` is set when the server goes away; a held request then ends
    at once, so stopping the simulator never waits for a client to give up.
    """
    if answer.drop:
        handler.close_connection = True
        return
    if answer.stall:
        _stall(handler.connection, answer, stopping)
        handler.close_connection = True
        return
    handler.send_response(answer.status)
    for name, value in answer.headers:
        handler.send_header(name, value)
    if answer.framing == "length":
        handler.send_header("Content-Length", str(len(answer.body)))
    elif answer.framing == "chunked":
        handler.send_header("Transfer-Encoding", "chunked")
    if answer.close or answer.framing == "close":
        handler.send_header("Connection", "close")
        handler.close_connection = True
    handler.end_headers()
    if answer.reset_after is not None:
        handler.wfile.write(answer.body[: answer.reset_after])
        stopping.wait(RESET_PAUSE_SECONDS)
        reset(handler)
    elif answer.framing == "chunked":
        for start in range(0, len(answer.body), CHUNK_BYTES):
            chunk = answer.body[start : start + CHUNK_BYTES]
            handler.wfile.write(b"%x\r\n%b\r\n" % (len(chunk), chunk))
        handler.wfile.write(b"0\r\n\r\n")
    else:
        handler.wfile.write(answer.body)


def reset(handler: BaseHTTPRequestHandler) -> None:
    """Abort the connection with a TCP RST (``SO_LINGER`` 0, then close), not a clean FIN."""
    handler.close_connection = True
    connection: socket.socket = handler.connection
    with contextlib.suppress(OSError):
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    # The request reader holds a reference to the socket; without closing it
    # first, close() would be deferred and the reset sent only later.
    handler.rfile.close()
    connection.close()


def _stall(connection: socket.socket, answer: FaultAnswer, stopping: threading.Event) -> None:
    """Send nothing while the fault is in force, the server runs and the client waits."""
    while answer.in_force() and not stopping.wait(STALL_POLL_SECONDS):
        if _peer_gone(connection):
            return


def _peer_gone(connection: socket.socket) -> bool:
    """Whether the client has closed or reset its end (it gave up waiting)."""
    try:
        readable, _, _ = select.select([connection], [], [], 0)
        if not readable:
            return False
        return connection.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True
