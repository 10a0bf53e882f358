"""What a listener knows about a running job beyond its status, for the policy.

Apart from the policy so that the pure schedule and the facts it may use are
read separately; the policy re-exports it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class JobHint:
    """What else is known about a running job (details, the stream); all optional."""

    #: Seconds since the job started running (details' ``datetime_started``).
    running_for: float | None = None
    rows_done: int | None = None
    rows_total: int | None = None
    #: Rows per second, as measured from the stream.
    rows_per_second: float | None = None
    #: Seconds since the stream last reported new rows.
    progress_age: float | None = None

    @property
    def eta(self) -> float | None:
        """Seconds until the last row is predicted done, if rows and a rate are known."""
        done, total, rate = self.rows_done, self.rows_total, self.rows_per_second
        if done is None or total is None or not rate or rate <= 0:
            return None
        return max(0.0, (total - done) / rate)
