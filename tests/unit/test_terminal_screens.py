"""The two screens and the exit status, driven with hand-made job views (no HTTP, no thread).

The live screen must redraw in place (cursor up, erase line) and leave the
cursor on a fresh line; the log must never write an escape sequence and say
each state once. The exit status's precedence is the one ``--help`` promises.
"""

from __future__ import annotations

import io
import re
from types import MappingProxyType
from typing import Any

import pytest

from sutro_widget.api.shapes import JobStatus, StatusReport
from sutro_widget.card.state import Answered, CardState, Failed, Started, initial, reduce
from sutro_widget.errors import JobNotFoundError
from sutro_widget.terminal.follow import exit_status, is_interactive
from sutro_widget.terminal.screens import LiveScreen, LogScreen
from sutro_widget.terminal.text import display_width
from sutro_widget.terminal.tracker import JobView

T0 = 1_796_140_992_000.0
CURSOR_UP = re.compile(r"\x1b\[(\d+)A")
ANSI_OR_CR = re.compile(r"\x1b\[\d*[A-Za-z]|\r")


def card(job_id: str, status: str | None = None) -> CardState:
    state = reduce(initial(job_id), Started(), T0, stale_after=10)
    if status is not None:
        report = StatusReport(JobStatus(status), status.upper())
        state = reduce(state, Answered(report, still_polling=True), T0, stale_after=10)
    return state


def view(
    job_id: str, status: str | None = None, *, cut_short: str = "", **progress: Any
) -> JobView:
    return JobView(
        card(job_id, status), MappingProxyType(progress), name="", elapsed=1.0, cut_short=cut_short
    )


def not_found(job_id: str) -> JobView:
    event = Failed(JobNotFoundError(f"Job {job_id!r} was not found."), still_polling=False)
    return JobView(reduce(card(job_id), event, T0, stale_after=10), MappingProxyType({}), "", 0.0)


def test_the_live_screen_redraws_in_place_and_ends_on_a_fresh_line() -> None:
    out = io.StringIO()
    screen = LiveScreen(out, width=lambda: 80)
    screen.draw([view("a", "queued"), view("b", "queued")])
    assert CURSOR_UP.search(out.getvalue()) is None  # nothing to move over yet
    screen.draw([view("a", "running", rows_done=5, rows_total=10), view("b", "queued")])
    assert [m.group(1) for m in CURSOR_UP.finditer(out.getvalue())] == ["2"]
    screen.draw([view("a", "succeeded", rows_done=10, rows_total=10), view("b", "queued")])
    screen.draw([view("a", "succeeded"), view("b", "failed")])
    text = out.getvalue()
    assert text.count("Succeeded  a") == 1  # an outcome is printed once, then left alone
    assert text.count("Failed  b") == 1
    assert text.endswith("\n")
    last_frame = text.rsplit("\r", 1)[-1]
    assert "Queued" not in last_frame


def test_the_live_screen_writes_nothing_when_nothing_changed() -> None:
    out = io.StringIO()
    screen = LiveScreen(out, width=lambda: 80)
    screen.draw([view("a", "queued")])
    before = out.getvalue()
    screen.draw([view("a", "queued")])
    assert out.getvalue() == before


def test_live_lines_fit_the_terminal_width_read_on_every_frame() -> None:
    widths = iter([120, 40])
    out = io.StringIO()
    screen = LiveScreen(out, width=lambda: next(widths))
    long = view("job-with-a-rather-long-identifier-indeed", "running", rows_done=5, rows_total=9)
    screen.draw([long])
    first = out.getvalue()
    screen.draw([JobView(long.card, long.progress, "", 2.0)])
    second = out.getvalue()[len(first) :]
    assert max(len(line) for line in first.splitlines()) > 40
    for line in second.split("\n"):
        visible = ANSI_OR_CR.sub("", line)
        assert display_width(visible) <= 39  # one column spare


def test_jobs_with_the_same_name_are_told_apart_by_id() -> None:
    out = io.StringIO()
    twins = [
        JobView(card(job_id, "queued"), MappingProxyType({}), "Nightly digest", 1.0)
        for job_id in ("run-1", "run-2")
    ]
    other = JobView(card("run-3", "queued"), MappingProxyType({}), "Invoices", 1.0)
    LiveScreen(out, width=lambda: 80).draw([*twins, other])
    lines = ANSI_OR_CR.sub("", out.getvalue()).splitlines()
    assert lines == [
        "\u22ef Queued  Nightly digest (run-1)  [00:01]",
        "\u22ef Queued  Nightly digest (run-2)  [00:01]",
        "\u22ef Queued  Invoices  [00:01]",
    ]


def test_the_log_says_each_state_once_and_never_writes_escapes() -> None:
    out = io.StringIO()
    screen = LogScreen(out, wall=lambda: T0 / 1000)
    screen.draw([view("a")])  # connecting: nothing worth a line yet
    screen.draw([view("a", "queued")])
    screen.draw([view("a", "queued")])
    screen.draw([view("a", "running", rows_done=3, rows_total=9)])
    screen.draw([view("a", "running", rows_done=4, rows_total=9)])  # rows alone: not yet
    screen.draw([view("a", "succeeded", rows_done=9, rows_total=9)])
    screen.draw([view("a", "succeeded", rows_done=9, rows_total=9)])
    assert out.getvalue().splitlines() == [
        "2026-12-01T16:03:12Z a queued",
        "2026-12-01T16:03:12Z a running 3/9",
        "2026-12-01T16:03:12Z a succeeded 9/9 - Succeeded",
    ]
    assert "\x1b" not in out.getvalue()


def test_the_log_repeats_moving_rows_once_a_minute() -> None:
    now = [T0 / 1000]
    out = io.StringIO()
    screen = LogScreen(out, wall=lambda: now[0])
    screen.draw([view("a", "running", rows_done=1, rows_total=9)])
    now[0] += 30
    screen.draw([view("a", "running", rows_done=2, rows_total=9)])
    now[0] += 31
    screen.draw([view("a", "running", rows_done=3, rows_total=9)])
    assert [line.split()[-1] for line in out.getvalue().splitlines()] == ["1/9", "3/9"]


def test_a_job_cut_short_says_why_in_the_log() -> None:
    out = io.StringIO()
    LogScreen(out, wall=lambda: T0 / 1000).draw(
        [view("a", "queued", cut_short="gave up after 5 s")]
    )
    assert (
        out.getvalue()
        == "2026-12-01T16:03:12Z a queued - Queued: gave up after 5 s; the job carries on\n"
    )


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        (["succeeded"], 0),
        (["succeeded", "succeeded"], 0),
        (["succeeded", "failed"], 1),
        (["cancelled"], 2),
        (["cancelled", "failed"], 1),
        (["not-found"], 3),
        (["queued"], 3),
        (["cancelled", "not-found"], 2),
        (["not-found", "failed", "cancelled"], 1),
    ],
)
def test_the_smallest_non_zero_status_wins(outcomes: list[str], expected: int) -> None:
    views = [
        not_found(f"j{i}") if o == "not-found" else view(f"j{i}", o) for i, o in enumerate(outcomes)
    ]
    assert exit_status(views) == expected


def test_an_interruption_is_130_whatever_the_jobs_did() -> None:
    assert exit_status([view("a", "failed")], interrupted=True) == 130


def test_only_a_real_terminal_gets_cursor_movement(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setenv("TERM", "xterm-256color")
    assert is_interactive(Tty())
    assert not is_interactive(io.StringIO())
    monkeypatch.setenv("TERM", "dumb")
    assert not is_interactive(Tty())
