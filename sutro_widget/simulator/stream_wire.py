"""Playing a progress stream on a live connection: chunked JSON lines, flushed as made.

``GET /v1/stream-job-progress/{id}`` holds its connection for as long as the
job runs. This module writes the headers, then one chunk per line that the
:class:`~sutro_widget.simulator.progress.ProgressFeed` decides on, and ends
the response one of three ways: properly (the terminating chunk; the
connection stays usable), cut (closed without the terminating chunk, as when
a stream breaks), or abandoned because the server is stopping or the client
went away. It never holds the simulator's lock while writing.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler

from .progress import StreamAnswer

__all__ = ["STREAM_CONTENT_TYPE", "play_stream"]

#: One JSON object per line, as the real endpoint streams it.
STREAM_CONTENT_TYPE = "application/x-ndjson"


def play_stream(
    handler: BaseHTTPRequestHandler, answer: StreamAnswer, stopping: threading.Event
) -> None:
    """Stream ``answer`` on ``handler``'s connection until the job leaves ``running``.

    ``stopping`` is set when the listener closes (``stop``, ``DOWN``): the stream
    then ends at once without its terminating chunk, since a server going away
    does not finish what it was sending. A stream that is waiting wakes for it,
    because the server also notifies the simulator's condition.
    """
    handler.send_response(answer.status)
    handler.send_header("Content-Type", STREAM_CONTENT_TYPE)
    handler.send_header("Transfer-Encoding", "chunked")
    handler.send_header("Cache-Control", "no-cache")
    handler.end_headers()
    feed = answer.feed
    try:
        while not feed.over and not stopping.is_set():
            looked = answer.look()
            if looked is None:  # the job vanished (cannot happen today); end cleanly
                feed.done = True
                break
            view, now, seen = looked
            for update in feed.updates(view, now, time.monotonic()):
                line = json.dumps(update).encode("utf-8") + b"\n"
                handler.wfile.write(b"%x\r\n%b\r\n" % (len(line), line))
            if not feed.over:
                answer.wait(seen, feed.wait_seconds(time.monotonic()))
        if feed.done and not stopping.is_set():
            handler.wfile.write(b"0\r\n\r\n")
            return
    except OSError:  # the client went away, or stop() shut the socket under us
        pass
    # Cut, stopping, or broken: close without the terminating chunk. The
    # client has read its whole request, so closing sends a FIN, not a reset,
    # and every line written before arrives first.
    handler.close_connection = True
