"""What someone asked for: a :class:`FaultSpec`, checked where it is written.

A spec comes from Python (``inject``), the command line (``--fault``, read by
:meth:`FaultSpec.parse`) or the control endpoint (JSON, read by
:meth:`FaultSpec.from_json`). Every check happens here, when it is made, so a
mistake fails in the test or shell that wrote it instead of in a request
handler thread. Placing a spec on a clock is ``rules``' concern.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from .modes import (
    DEFAULT_RETRY_AFTER,
    DEFAULT_STREAM_LINES,
    PLAIN_CAPABLE,
    RATE_LIMITS,
    Fault,
    FaultTarget,
    applies_to_target,
)

__all__ = ["FaultSpec"]


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

    def answers(self, target: FaultTarget) -> bool:
        """Whether this fault acts on requests of kind ``target`` (status, stream or list)."""
        return applies_to_target(self.mode, target)

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
