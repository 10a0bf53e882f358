"""Fault injection: which fault, for which requests and when, and what it sends.

A client of a real API meets gateways that answer 503, rate limits, servers
that restart, proxies that cut a body short. To test that a client survives
them over real HTTP, the simulator can answer some requests with a
:class:`Fault` instead of the real answer, or cut a progress stream in the
middle (:attr:`Fault.STREAM_BREAK`).

Modules, from the name of a fault to the bytes on the socket:

- ``modes``: :class:`Fault` and which kinds of request each one answers;
- ``specs``: :class:`FaultSpec`, what someone asked for (Python, ``--fault``,
  the control endpoint), checked where it is written;
- ``rules``: :class:`FaultRule` (a spec on the clock), :class:`FaultBoard`
  (the rules of one simulator), :class:`FaultHandle` (what ``inject`` returns);
- ``answers``: :class:`FaultAnswer`, each fault's status, headers and bytes;
- ``player``: playing an answer on a live connection (resets, stalls, framing).

All but ``player`` are pure: they know neither sockets nor the wall clock.
"""

from __future__ import annotations

from .answers import HTML_ERROR_PAGE, HUGE_BODY_BYTES, FaultAnswer, FaultContext, build_answer
from .modes import (
    DEFAULT_STREAM_LINES,
    LIST_FAULTS,
    PLAIN_CAPABLE,
    RATE_LIMITS,
    STATUS_SHAPE_FAULTS,
    STREAM_FAULTS,
    Fault,
    FaultTarget,
)
from .player import play, reset
from .rules import FaultBoard, FaultHandle, FaultRule
from .specs import FaultSpec

__all__ = [
    "DEFAULT_STREAM_LINES",
    "HTML_ERROR_PAGE",
    "HUGE_BODY_BYTES",
    "LIST_FAULTS",
    "PLAIN_CAPABLE",
    "RATE_LIMITS",
    "STATUS_SHAPE_FAULTS",
    "STREAM_FAULTS",
    "Fault",
    "FaultAnswer",
    "FaultBoard",
    "FaultContext",
    "FaultHandle",
    "FaultRule",
    "FaultSpec",
    "FaultTarget",
    "build_answer",
    "play",
    "reset",
]
