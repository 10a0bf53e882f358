"""Every timeout, size cap and connection-pool limit of the HTTP layer, in one place.

A reviewer asking "how long can a request take?" or "how much can the server
make us read?" finds the whole answer here; the client and the poller only
import these numbers.
"""

from __future__ import annotations

import httpx

from .job_id import MAX_JOB_ID_LENGTH as MAX_JOB_ID_LENGTH  # defined beside its check

#: Connect fast or fail fast; a status answer is small, so reads are short too.
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
#: A progress stream is quiet between updates; the server sends heartbeats well within this.
STREAM_TIMEOUT = httpx.Timeout(10.0, connect=5.0, read=90.0)

#: A status answer is a few hundred bytes; anything this large is not one.
MAX_BODY_BYTES = 1024 * 1024
#: One progress update is a small JSON object; a longer line is not one.
MAX_STREAM_LINE = 64 * 1024

#: One progress stream's own pool: a single connection, never kept alive. A
#: pool shared by every stream costs O(streams) on each stream event inside
#: httpcore (it scans all its connections), O(n^2) a second with n streams.
STREAM_POOL_LIMITS = httpx.Limits(max_connections=1, max_keepalive_connections=0)

#: Connections to *one* deployment (scheme, host, port): every origin gets its
#: own pool of this size, so one deployment's stuck requests can never take the
#: connections another deployment needs.
ORIGIN_POOL_LIMITS = httpx.Limits(
    max_connections=32, max_keepalive_connections=8, keepalive_expiry=30
)
#: Requests the poller lets wait on one deployment's pool at once: fewer than
#: its connections, so a burst queues in the poller (by priority, O(log n)),
#: never inside httpcore's pool (quadratic, and leaking connections that are
#: cancelled while connecting: encode/httpcore#1093).
IN_FLIGHT_PER_ORIGIN = 24

#: The whole of one status, details or cancel request (connect, headers, body),
#: enforced on the event loop: httpx's timeouts are per read, so a server that
#: trickles a byte a second would otherwise hold a request forever.
REQUEST_DEADLINE = 15.0
#: A progress stream must deliver its headers within REQUEST_DEADLINE and then a
#: complete line (an update or a heartbeat) at least this often.
STREAM_LINE_DEADLINE = 90.0
#: Requests about one job that may wait for answers at once (a poll, a stream,
#: details, a cancel or two); more means the server is stuck, not that we
#: should ask harder.
MAX_IN_FLIGHT_PER_JOB = 4
#: Decompression hands on at most this many bytes at a time, so a compressed
#: body's size is checked as it inflates, never after.
DECODE_PIECE_BYTES = 64 * 1024
#: The longest ``Retry-After`` taken at its word (seconds); longer is cut to this.
MAX_RETRY_AFTER = 600.0
