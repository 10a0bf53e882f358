"""Live progress: reading the stream's lines and turning them into what the card shows.

The progress stream sends one JSON object per line: ``progress`` (rows done,
cumulative), ``tokens`` (any of input/output tokens and tokens per second) and
``heartbeat``. :class:`ProgressTracker` folds them into one snapshot with a
rate and an estimated time left. Pure: time is passed in, so it is tested
without a clock; no HTTP, no widgets.
"""

from __future__ import annotations

import json
from collections import deque
from typing import Any

#: Rows-per-second is measured over this many seconds of recent updates.
RATE_WINDOW_SECONDS = 30.0


def parse_progress_line(line: str) -> dict[str, Any] | None:
    """One stream line as an update dict, or ``None`` for blank or unreadable lines.

    A stream is long and the server's; one odd line must not end it.
    """
    text = line.strip()
    if not text:
        return None
    try:
        update = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if isinstance(update, dict) and isinstance(update.get("update_type"), str):
        return update
    return None


def _count(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value) if value >= 0 else None


def _rate(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
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
        self._samples: deque[tuple[float, int]] = deque()

    def apply(self, update: dict[str, Any], now: float) -> None:
        """Take one update; unknown kinds and bad values are ignored."""
        kind = update.get("update_type")
        result = update.get("result")
        if kind == "progress":
            rows = _count(result)
            if rows is not None:
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

    def eta_seconds(self) -> float | None:
        """Seconds left at the recent rows-per-second, or ``None`` when unknowable."""
        if self.rows_total is None or self.rows_done is None or len(self._samples) < 2:
            return None
        (t0, rows0), (t1, rows1) = self._samples[0], self._samples[-1]
        if t1 <= t0 or rows1 <= rows0:
            return None
        per_second = (rows1 - rows0) / (t1 - t0)
        return max(0.0, (self.rows_total - self.rows_done) / per_second)

    def snapshot(self, *, streaming: bool) -> dict[str, Any]:
        """What the card shows, rounded so that invisible changes compare equal."""
        eta = self.eta_seconds()
        rate = self.tokens_per_second
        return {
            "rows_done": self.rows_done,
            "rows_total": self.rows_total,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "tokens_per_second": None if rate is None else round(rate, 1),
            "eta_seconds": None if eta is None else round(eta),
            "streaming": streaming,
        }
