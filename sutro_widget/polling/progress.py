"""Live progress: folding the stream's updates into what the card shows.

The progress stream sends one JSON object per line (parsed in
:mod:`sutro_widget.api.shapes`): ``progress`` (rows done, cumulative),
``tokens`` (any of input/output tokens and tokens per second) and
``heartbeat``. :class:`ProgressTracker` folds them into one view with a rate
and an estimated time left. Pure: time is passed in, so it is tested without a
clock; no HTTP, no traits.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Any

#: Rows-per-second is measured over this many seconds of recent updates.
RATE_WINDOW_SECONDS = 30.0


def _count(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    # Infinity and NaN are valid JSON to Python's parser, and no count.
    return int(value) if math.isfinite(value) and value >= 0 else None


def _rate(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not math.isfinite(value) or value < 0:
        return None
    return float(value)


class ProgressTracker:
    """Folds stream updates into rows done, tokens, a rate and an ETA."""

    def __init__(self, rows_total: int | None = None) -> None:
        self.rows_total = rows_total
        self.rows_done: int | None = None
        self.input_tokens: int | None = None
        self.output_tokens: int | None = None
        self.tokens_per_second: float | None = None
        #: When ``rows_done`` last changed (``now`` as passed to :meth:`apply`).
        self.rows_changed_at: float | None = None
        self._samples: deque[tuple[float, int]] = deque()

    def apply(self, update: dict[str, Any], now: float) -> None:
        """Take one update; unknown kinds and bad values are ignored."""
        kind = update.get("update_type")
        result = update.get("result")
        if kind == "progress":
            rows = _count(result)
            if rows is not None:
                if rows != self.rows_done:
                    self.rows_changed_at = now
                self.rows_done = rows
                self._samples.append((now, rows))
                while self._samples and now - self._samples[0][0] > RATE_WINDOW_SECONDS:
                    self._samples.popleft()
        elif kind == "tokens" and isinstance(result, dict):
            for key, attr in (("input_tokens", "input_tokens"), ("output_tokens", "output_tokens")):
                if key in result and (count := _count(result[key])) is not None:
                    setattr(self, attr, count)
            if "total_tokens_processed_per_second" in result:
                self.tokens_per_second = _rate(result["total_tokens_processed_per_second"])

    @property
    def has_news(self) -> bool:
        """Whether any update carried rows or tokens (heartbeats alone do not)."""
        return self.rows_done is not None or self.input_tokens is not None

    def rows_per_second(self) -> float | None:
        """Rows per second over the recent window, or ``None`` before two samples."""
        if len(self._samples) < 2:
            return None
        (t0, rows0), (t1, rows1) = self._samples[0], self._samples[-1]
        if t1 <= t0 or rows1 < rows0:
            return None
        return (rows1 - rows0) / (t1 - t0)

    def eta_seconds(self) -> float | None:
        """Seconds left at the recent rows-per-second, or ``None`` when unknowable."""
        per_second = self.rows_per_second()
        if self.rows_total is None or self.rows_done is None or not per_second:
            return None
        return max(0.0, (self.rows_total - self.rows_done) / per_second)

    def view(self, *, streaming: bool) -> dict[str, Any]:
        """What the card shows, rounded so that invisible changes compare equal."""
        eta = self.eta_seconds()
        rate = self.tokens_per_second
        rows_rate = self.rows_per_second()
        return {
            "rows_done": self.rows_done,
            "rows_total": self.rows_total,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "tokens_per_second": None if rate is None else round(rate, 1),
            "rows_per_second": None if rows_rate is None else round(rows_rate, 1),
            "eta_seconds": None if eta is None else round(eta),
            "streaming": streaming,
        }
