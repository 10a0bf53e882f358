"""Fault injection: which fault, for which jobs, and when.

A client of a real API meets gateways that answer 503, rate limits, servers
that restart, proxies that cut a body short. To test that a client survives
them over real HTTP, the simulator can be told to answer some status requests
with a :class:`Fault` instead of the job's status, or to cut a progress stream
in the middle (:attr:`Fault.STREAM_BREAK`, the one fault for stream requests).

A :class:`FaultSpec` is what someone asked for (from Python, the command line
or the control endpoint); a :class:`FaultRule` is that request placed on the
simulator's clock; a :class:`FaultBoard` holds the rules and picks the one that
answers a request. This module is pure: it knows neither HTTP nor the wall
clock (every ``now`` is an argument), so windows are tested with numbers.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum

__all__ = [
    "DEFAULT_STREAM_LINES",
    "PLAIN_CAPABLE",
    "RATE_LIMITS",
    "STREAM_FAULTS",
    "Fault",
    "FaultBoard",
    "FaultHandle",
    "FaultRule",
    "FaultSpec",
]


class Fault(Enum):
    """Every way the simulator can misbehave on a status request (or a progress stream).

    The value is the name used on the command line and by the control
    endpoint (``http_503``); the member name (``HTTP_503``) is accepted too.
    """

    #: ``500 Internal Server Error`` (JSON error body, or plain text with ``plain``).
    HTTP_500 = "http_500"
    #: ``502 Bad Gateway`` (JSON, or plain text).
    HTTP_502 = "http_502"
    #: ``503 Service Unavailable`` (JSON, or plain text).
    HTTP_503 = "http_503"
    #: ``408 Request Timeout``, then the server closes the connection (JSON, or plain text).
    HTTP_408 = "http_408"
    #: ``429`` with ``Retry-After: <seconds>``.
    RATE_LIMIT = "rate_limit"
    #: ``429`` with ``Retry-After: <IMF-fixdate>``, computed from the real wall clock.
    RATE_LIMIT_DATE = "rate_limit_date"
    #: Status line, headers and half the body, then a TCP reset.
    CONNECTION_RESET = "connection_reset"
    #: The request is read and nothing is sent until the window ends (then the
    #: connection closes unanswered) or the client gives up.
    NO_RESPONSE = "no_response"
    #: ``200`` with an HTML error page (``text/html``), as a captive proxy sends.
    HTML_PAGE_200 = "html_page_200"
    #: ``502`` with an HTML error page (``text/html``), as a load balancer sends.
    HTML_PAGE_502 = "html_page_502"
    #: ``200`` whose JSON is cut in the middle; ``Content-Length`` matches what is sent.
    TRUNCATED_JSON = "truncated_json"
    #: ``200`` whose ``job_status`` is a number.
    STATUS_NUMBER = "status_number"
    #: ``200`` whose ``job_status`` is a list.
    STATUS_LIST = "status_list"
    #: ``200`` whose ``job_status`` is an object keyed by another job's id.
    STATUS_OTHER_JOB = "status_other_job"
    #: ``200`` with a valid 2 MiB JSON body (status plus padding) and ``Content-Length``.
    HUGE_BODY = "huge_body"
    #: The same 2 MiB body, ``Transfer-Encoding: chunked``.
    HUGE_BODY_CHUNKED = "huge_body_chunked"
    #: The same 2 MiB body with no length at all: it ends when the connection closes.
    HUGE_BODY_NO_LENGTH = "huge_body_no_length"
    #: ``302`` to the same path on another origin (a recording listener).
    REDIRECT_OTHER_ORIGIN = "redirect_other_origin"
    #: ``401`` as for a wrong key (the key was revoked).
    UNAUTHORIZED = "unauthorized"
    #: ``404`` as for an unknown job (the job was deleted).
    NOT_FOUND = "not_found"
    #: The server is down: its listening socket is closed, so connections are refused.
    DOWN = "down"
    #: For ``/v1/stream-job-progress`` only: the stream is served, then after
    #: ``lines`` progress updates the connection is closed without the
    #: terminating chunk, as when a proxy drops a long-lived response.
    STREAM_BREAK = "stream_break"

    @classmethod
    def parse(cls, name: str) -> Fault:
        """Return the fault called ``name`` (value or member name, any case, ``-`` or ``_``)."""
        key = name.strip().lower().replace("-", "_")
        for fault in cls:
            if fault.value == key:
                return fault
        known = ", ".join(fault.value for fault in cls)
        raise ValueError(f"Unknown fault {name!r}; known faults: {known}.")


#: Faults whose body can be JSON or, with ``plain``, a line of text.
PLAIN_CAPABLE = frozenset({Fault.HTTP_500, Fault.HTTP_502, Fault.HTTP_503, Fault.HTTP_408})
#: Faults that carry a ``Retry-After`` (``retry_after`` seconds, default 1).
RATE_LIMITS = frozenset({Fault.RATE_LIMIT, Fault.RATE_LIMIT_DATE})
DEFAULT_RETRY_AFTER = 1.0
#: Faults that act on progress streams, never on status requests (and the only
#: faults a stream request meets: the others distort a status body).
STREAM_FAULTS = frozenset({Fault.STREAM_BREAK})
#: How many progress updates a ``STREAM_BREAK`` lets through when ``lines`` is not given.
DEFAULT_STREAM_LINES = 3


def _seconds(name: str, value: object, *, positive: bool = False) -> float:
    """Check a number of seconds where it is written, not in a handler thread."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, not {value!r}.")
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        bound = "> 0" if positive else ">= 0"
        raise ValueError(f"{name} must be finite and {bound}, not {value!r}.")
    return float(value)


@dataclass(frozen=True)
class FaultSpec:
    """A fault someone asked for, checked but not yet placed on a clock.

    ``job_id`` targets one job exactly, ``job_prefix`` every job whose id starts
    with it (the way built-in scripts are chosen); neither means every job.
    ``after`` is how many clock seconds from injection the window opens,
    ``duration`` how long it stays open (``None``: until cleared), ``requests``
    how many matching requests it answers at most (``None``: any number).
    Windows are in seconds of the simulator's clock, not scaled by its
    ``time_scale``. ``retry_after`` is for the rate limits, ``plain`` (a text
    body instead of JSON) for the plain HTTP errors, ``lines`` for
    ``STREAM_BREAK``: how many progress updates go out before the cut (default
    3; 0 cuts right after the headers).
    """

    mode: Fault
    job_id: str | None = None
    job_prefix: str | None = None
    after: float = 0.0
    duration: float | None = None
    requests: int | None = None
    retry_after: float | None = None
    plain: bool = False
    lines: int | None = None

    def __post_init__(self) -> None:
        """Reject a spec that could never act as asked, where it is written."""
        if not isinstance(self.mode, Fault):
            raise TypeError(f"mode must be a Fault, not {self.mode!r}.")
        for name in ("job_id", "job_prefix"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value):
                raise ValueError(f"{name} must be a non-empty string or None, not {value!r}.")
        if self.job_id is not None and self.job_prefix is not None:
            raise ValueError("Give job_id or job_prefix, not both.")
        object.__setattr__(self, "after", _seconds("after", self.after))
        if self.duration is not None:
            object.__setattr__(self, "duration", _seconds("duration", self.duration, positive=True))
        if self.requests is not None and (
            isinstance(self.requests, bool) or not isinstance(self.requests, int)
        ):
            raise TypeError(f"requests must be an integer or None, not {self.requests!r}.")
        if self.requests is not None and self.requests < 1:
            raise ValueError(f"requests must be >= 1 or None, not {self.requests!r}.")
        if self.mode in RATE_LIMITS:
            seconds = DEFAULT_RETRY_AFTER if self.retry_after is None else self.retry_after
            object.__setattr__(self, "retry_after", _seconds("retry_after", seconds))
        elif self.retry_after is not None:
            raise ValueError(f"retry_after is only for rate limits, not {self.mode.value}.")
        if not isinstance(self.plain, bool):
            raise TypeError(f"plain must be a bool, not {self.plain!r}.")
        if self.plain and self.mode not in PLAIN_CAPABLE:
            raise ValueError(f"plain is only for plain HTTP errors, not {self.mode.value}.")
        if self.mode is Fault.STREAM_BREAK:
            lines = DEFAULT_STREAM_LINES if self.lines is None else self.lines
            if isinstance(lines, bool) or not isinstance(lines, int):
                raise TypeError(f"lines must be an integer or None, not {lines!r}.")
            if lines < 0:
                raise ValueError(f"lines must be >= 0, not {lines!r}.")
            object.__setattr__(self, "lines", lines)
        elif self.lines is not None:
            raise ValueError(f"lines is only for stream_break, not {self.mode.value}.")
        if self.mode is Fault.DOWN and (
            self.job_id is not None or self.job_prefix is not None or self.requests is not None
        ):
            # A refused connection never reaches the server: it names no job and
            # cannot be counted.
            raise ValueError("down applies to every job and to time only (no job, no requests).")

    def applies_to(self, job_id: str | None) -> bool:
        """Whether a request for ``job_id`` is one this fault targets."""
        if self.job_id is not None:
            return job_id == self.job_id
        if self.job_prefix is not None:
            return job_id is not None and job_id.startswith(self.job_prefix)
        return True

    def answers(self, *, stream: bool) -> bool:
        """Whether this fault acts on stream requests (``stream``) or on status requests."""
        return (self.mode in STREAM_FAULTS) == stream

    @classmethod
    def parse(cls, text: str) -> FaultSpec:
        """Read the command-line form ``MODE[@JOB_PREFIX][,after=S][,for=S][,requests=N]``.

        Also ``retry_after=S``, ``plain`` and ``lines=N``. Example:
        ``http_503@job-succeeds,after=5,for=10``.
        """
        head, *options = [part.strip() for part in text.split(",")]
        mode_name, at, prefix = head.partition("@")
        if at and not prefix:
            raise ValueError(f"{text!r}: '@' must be followed by a job id prefix.")
        values: dict[str, str] = {}
        plain = False
        for option in options:
            name, eq, value = option.partition("=")
            name = name.strip().lower().replace("-", "_")
            if name == "plain" and not eq:
                plain = True
            elif not eq or name not in ("after", "for", "requests", "retry_after", "lines"):
                raise ValueError(
                    f"{text!r}: unknown option {option!r} "
                    "(known: after=S, for=S, requests=N, retry_after=S, plain, lines=N)."
                )
            else:
                values[name] = value.strip()
        try:
            return cls(
                mode=Fault.parse(mode_name),
                job_prefix=prefix or None,
                after=float(values.get("after", "0")),
                duration=float(values["for"]) if "for" in values else None,
                requests=int(values["requests"]) if "requests" in values else None,
                retry_after=float(values["retry_after"]) if "retry_after" in values else None,
                plain=plain,
                lines=int(values["lines"]) if "lines" in values else None,
            )
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{text!r}: {exc}") from None

    @classmethod
    def from_json(cls, data: object) -> FaultSpec:
        """Read the control endpoint's form: ``{"mode": "http_503", "duration": 5, ...}``.

        Keys are the field names (``mode`` required, ``job_id``, ``job_prefix``,
        ``after``, ``duration``, ``requests``, ``retry_after``, ``plain``, ``lines``);
        ``null`` means the default. Anything else is refused rather than ignored,
        so a typo does not silently inject a fault for every job.
        """
        if not isinstance(data, Mapping):
            raise TypeError("A fault must be a JSON object.")
        known = {"mode", "job_id", "job_prefix", "after", "duration", "requests"}
        known |= {"retry_after", "plain", "lines"}
        unknown = sorted(str(key) for key in data if key not in known)
        if unknown:
            raise ValueError(f"Unknown fault field(s): {', '.join(unknown)}.")
        mode = data.get("mode")
        if not isinstance(mode, str):
            raise TypeError(f"mode must be a fault name, not {mode!r}.")
        kwargs = {key: value for key, value in data.items() if key != "mode" and value is not None}
        return cls(mode=Fault.parse(mode), **kwargs)

    def to_json(self) -> dict[str, object]:
        """The spec in the control endpoint's form (what ``from_json`` reads)."""
        return {
            "mode": self.mode.value,
            "job_id": self.job_id,
            "job_prefix": self.job_prefix,
            "after": self.after,
            "duration": self.duration,
            "requests": self.requests,
            "retry_after": self.retry_after,
            "plain": self.plain,
            "lines": self.lines,
        }

    def describe(self) -> str:
        """One line for a person, e.g. ``http_503 for job-succeeds*, from 5s for 10s``."""
        if self.job_id is not None:
            target = f"job {self.job_id}"
        elif self.job_prefix is not None:
            target = f"jobs {self.job_prefix}*"
        else:
            target = "every job"
        when = f"from {self.after:g}s"
        when += " until cleared" if self.duration is None else f" for {self.duration:g}s"
        extra = "" if self.requests is None else f", first {self.requests} request(s)"
        if self.retry_after is not None:
            extra += f", retry after {self.retry_after:g}s"
        if self.plain:
            extra += ", plain text"
        if self.lines is not None:
            extra += f", cut after {self.lines} progress update(s)"
        return f"{self.mode.value} for {target}, {when}{extra}"


_rule_ids = itertools.count(1)


@dataclass(eq=False)
class FaultRule:
    """A spec placed on the clock: its window, what is left of it, how often it answered.

    Mutable and not thread-safe: the simulator changes it under its lock.
    """

    spec: FaultSpec
    starts_at: float
    ends_at: float | None
    requests_left: int | None
    hits: int = 0
    cleared: bool = False
    id: int = field(default_factory=lambda: next(_rule_ids))

    @classmethod
    def place(cls, spec: FaultSpec, now: float) -> FaultRule:
        """Open ``spec``'s window ``spec.after`` seconds after ``now``."""
        starts_at = now + spec.after
        ends_at = None if spec.duration is None else starts_at + spec.duration
        return cls(spec, starts_at, ends_at, spec.requests)

    def in_force(self, now: float) -> bool:
        """Not cleared and not past its window (a request it already holds stays held)."""
        return not self.cleared and (self.ends_at is None or now < self.ends_at)

    def active(self, now: float) -> bool:
        """Whether it would answer a matching request arriving at ``now``."""
        return self.in_force(now) and now >= self.starts_at and self.requests_left != 0

    def to_json(self, now: float) -> dict[str, object]:
        """The rule as the control endpoint lists it, times relative to ``now``."""
        return {
            "id": self.id,
            **self.spec.to_json(),
            "starts_in": max(0.0, self.starts_at - now),
            "ends_in": None if self.ends_at is None else max(0.0, self.ends_at - now),
            "requests_left": self.requests_left,
            "hits": self.hits,
            "active": self.active(now),
        }


class FaultHandle:
    """What :meth:`inject` returns: the rule, its hit count, and a way to clear it."""

    def __init__(self, rule: FaultRule, clear: Callable[[FaultRule], object]) -> None:
        """Wrap ``rule``; ``clear`` removes it from whatever board holds it."""
        self.rule = rule
        self._clear = clear

    @property
    def mode(self) -> Fault:
        """The fault this handle stands for."""
        return self.rule.spec.mode

    @property
    def hits(self) -> int:
        """How many requests this fault has answered so far."""
        return self.rule.hits

    def clear(self) -> None:
        """End this fault now (a request it holds without answer is let go)."""
        self._clear(self.rule)

    def __repr__(self) -> str:
        """Say what the fault is and how often it answered."""
        return f"<FaultHandle #{self.rule.id} {self.rule.spec.describe()} hits={self.hits}>"


class FaultBoard:
    """The faults in force on one simulator. Not thread-safe: its owner's lock guards it."""

    def __init__(self) -> None:
        """Start with no faults."""
        self._rules: list[FaultRule] = []

    def add(self, spec: FaultSpec, now: float) -> FaultRule:
        """Place ``spec`` on the clock at ``now`` and return its rule."""
        rule = FaultRule.place(spec, now)
        self._rules.append(rule)
        return rule

    def take(self, job_id: str | None, now: float, *, stream: bool = False) -> FaultRule | None:
        """Return the fault that answers a request for ``job_id`` at ``now``, and count it.

        ``stream`` says the request is for a progress stream, which only
        :data:`STREAM_FAULTS` act on (and they act on nothing else). The most
        recently injected active fault wins, so a test can layer a short fault
        over a long one; only the winner's ``requests`` is used up.
        """
        self._prune(now)
        for rule in reversed(self._rules):
            spec = rule.spec
            if rule.active(now) and spec.applies_to(job_id) and spec.answers(stream=stream):
                rule.hits += 1
                if rule.requests_left is not None:
                    rule.requests_left -= 1
                return rule
        return None

    def has(self, mode: Fault) -> bool:
        """Whether any fault of ``mode`` is on the board (no clock needed to say)."""
        return any(r.spec.mode is mode for r in self._rules)

    def down(self, now: float) -> bool:
        """Whether a ``DOWN`` window is open at ``now`` (the listener must be closed)."""
        return any(r.spec.mode is Fault.DOWN and r.active(now) for r in self._rules)

    def clear(
        self,
        job_id: str | None = None,
        job_prefix: str | None = None,
        mode: Fault | None = None,
    ) -> int:
        """Clear the faults injected with this ``job_id`` / ``job_prefix`` / ``mode``; all if none.

        Each filter given must match. Returns how many were cleared.
        """
        keep: list[FaultRule] = []
        cleared = 0
        for rule in self._rules:
            if (
                (job_id is None or rule.spec.job_id == job_id)
                and (job_prefix is None or rule.spec.job_prefix == job_prefix)
                and (mode is None or rule.spec.mode is mode)
            ):
                rule.cleared = True
                cleared += 1
            else:
                keep.append(rule)
        self._rules = keep
        return cleared

    def remove(self, rule: FaultRule) -> None:
        """Clear one rule (what :meth:`FaultHandle.clear` does)."""
        rule.cleared = True
        self._rules = [r for r in self._rules if r is not rule]

    def rules(self, now: float) -> list[FaultRule]:
        """The rules not yet over at ``now``, oldest first."""
        self._prune(now)
        return list(self._rules)

    def _prune(self, now: float) -> None:
        """Forget windows that have closed, so a long soak does not grow the list."""
        self._rules = [r for r in self._rules if r.in_force(now)]
