"""The progress tracker and stream-line parser, in virtual time."""

from __future__ import annotations

import pytest

from sutro_widget.api.shapes import parse_progress_line
from sutro_widget.polling.progress import ProgressTracker


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('{"update_type": "progress", "result": 10}', {"update_type": "progress", "result": 10}),
        ('{"update_type": "heartbeat"}', {"update_type": "heartbeat"}),
        ("", None),
        ("   ", None),
        ("not json", None),
        ("[1, 2]", None),
        ('{"result": 5}', None),
        ('{"update_type": 5}', None),
    ],
)
def test_stream_lines(line: str, expected: object) -> None:
    assert parse_progress_line(line) == expected


def progress(rows: object) -> dict[str, object]:
    return {"update_type": "progress", "result": rows}


def test_rows_tokens_rate_and_eta() -> None:
    tracker = ProgressTracker(rows_total=1000)
    tracker.apply(progress(100), now=0.0)
    assert tracker.eta_seconds() is None  # one sample is no rate
    tracker.apply(progress(300), now=10.0)  # 20 rows/s
    tracker.apply(
        {
            "update_type": "tokens",
            "result": {"input_tokens": 5000, "total_tokens_processed_per_second": 123.456},
        },
        now=10.0,
    )
    snap = tracker.view(streaming=True)
    assert snap == {
        "rows_done": 300,
        "rows_total": 1000,
        "input_tokens": 5000,
        "output_tokens": None,
        "tokens_per_second": 123.5,
        "rows_per_second": 20.0,
        "eta_seconds": 35,  # 700 rows left at 20 rows/s
        "streaming": True,
    }


def test_infinite_or_nan_counts_are_ignored_not_raised() -> None:
    tracker = ProgressTracker(rows_total=10)
    for bad in (float("inf"), float("-inf"), float("nan")):
        tracker.apply(progress(bad), now=1.0)  # type: ignore[arg-type]
        tracker.apply({"update_type": "tokens", "result": {"input_tokens": bad}}, now=1.0)
    assert tracker.rows_done is None
    assert tracker.input_tokens is None


def test_rate_is_measured_over_a_recent_window() -> None:
    tracker = ProgressTracker(rows_total=10_000)
    tracker.apply(progress(0), now=0.0)
    tracker.apply(progress(100), now=100.0)  # slow start, 1 row/s
    tracker.apply(progress(1100), now=110.0)  # now 100 rows/s
    eta = tracker.eta_seconds()
    assert eta is not None
    assert eta == pytest.approx((10_000 - 1100) / 100)


@pytest.mark.parametrize("bad", [-5, "12", None, True, {"rows": 3}])
def test_bad_values_are_ignored(bad: object) -> None:
    tracker = ProgressTracker(rows_total=10)
    tracker.apply(progress(4), now=0.0)
    tracker.apply(progress(bad), now=1.0)
    tracker.apply({"update_type": "tokens", "result": {"output_tokens": bad}}, now=1.0)
    assert tracker.rows_done == 4
    assert tracker.output_tokens is None


def test_no_eta_without_a_total_or_without_movement() -> None:
    unknown_total = ProgressTracker()
    unknown_total.apply(progress(1), now=0)
    unknown_total.apply(progress(5), now=1)
    assert unknown_total.eta_seconds() is None
    stalled = ProgressTracker(rows_total=10)
    stalled.apply(progress(5), now=0)
    stalled.apply(progress(5), now=5)
    assert stalled.eta_seconds() is None
