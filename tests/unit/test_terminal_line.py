"""The terminal's line renderer: a CardState, a progress dict and a width in, one string out.

Pure, so every layout is checked exactly: what the reducer decided is what the
line says (same icon and word as the card), the line never outgrows its width
(a wrapped line breaks the in-place redraw), and server text can never smuggle
an escape sequence onto the terminal.
"""

from __future__ import annotations

from typing import Any

import pytest

from sutro_widget.api.shapes import JobStatus, StatusReport
from sutro_widget.card.looks import LOOKS
from sutro_widget.card.state import Answered, CardState, Failed, Started, initial, reduce
from sutro_widget.errors import AuthenticationError, JobNotFoundError, NetworkError
from sutro_widget.simulator import FAILURE_METADATA
from sutro_widget.terminal.line import (
    BAR_MAX,
    outcome_words,
    render_bar,
    render_line,
    render_log_line,
    render_outcome,
)
from sutro_widget.terminal.text import display_width

T0 = 1_796_140_992_000.0  # 2026-12-01T16:03:12Z, in epoch ms
STALE_AFTER = 10.0
PROGRESS = {
    "rows_done": 673,
    "rows_total": 2000,
    "rows_per_second": 10.7,
    "eta_seconds": 124,
    "streaming": True,
}
RUNNING = "\u25b6\ufe0e Running"


def card_at(status: str | None = None, *, job_id: str = "job-1", **report: Any) -> CardState:
    card = reduce(initial(job_id), Started(), T0, stale_after=STALE_AFTER)
    if status is not None:
        answer = StatusReport(JobStatus(status), status.upper(), **report)
        card = reduce(card, Answered(answer, still_polling=True), T0, stale_after=STALE_AFTER)
    return card


def failed_with(card: CardState, error: Exception, *, later_s: float = 0.0) -> CardState:
    event = Failed(error, still_polling=True)  # type: ignore[arg-type]
    return reduce(card, event, T0 + later_s * 1000, stale_after=STALE_AFTER)


def test_a_running_job_reads_like_tqdm() -> None:
    line = render_line(card_at("running"), PROGRESS, 100, name="Summarise tickets", elapsed=61)
    bar = "\u2588" * 8 + "\u258d" + " " * 16  # 673/2000 of 25 columns, in eighths
    assert line == f"{RUNNING}  Summarise tickets   33% {bar} 673/2000 [01:01<02:04, 10.7 rows/s]"


def test_the_bar_takes_the_room_left_up_to_a_cap() -> None:
    narrow = render_line(card_at("running"), PROGRESS, 82, name="Summarise tickets", elapsed=61)
    wide = render_line(card_at("running"), PROGRESS, 200, name="Summarise tickets", elapsed=61)
    assert display_width(narrow) <= 82
    assert 0 < narrow.count("\u2588") < 8  # a shorter bar for the same fraction
    assert wide.count("\u2588") == 8  # same fraction, capped bar: no wider than BAR_MAX
    assert display_width(wide) < 200


@pytest.mark.parametrize("width", [10, 20, 33, 47, 60, 79, 80, 120, 240])
@pytest.mark.parametrize(
    "name", ["", "Summarise tickets", "x" * 300, "\u5831\u544a\u66f8\u306e\u8981\u7d04" * 20]
)
def test_a_line_never_outgrows_its_width(width: int, name: str) -> None:
    cards = [
        card_at(),
        card_at("running"),
        failed_with(card_at("running"), NetworkError("Could not connect " * 20), later_s=30),
        failed_with(card_at(), JobNotFoundError("Job 'job-1' was not found.")),
    ]
    for card in cards:
        line = render_line(card, PROGRESS, width, name=name, elapsed=3725)
        assert display_width(line) <= width, (card.state, line)


def test_a_long_name_is_cut_before_the_numbers_are() -> None:
    line = render_line(card_at("running"), PROGRESS, 80, name="N" * 200, elapsed=61)
    assert "673/2000 [01:01<02:04, 10.7 rows/s]" in line
    assert "\u2026" in line  # the name says it was cut


def test_without_a_total_there_is_no_bar_and_no_eta() -> None:
    progress = {**PROGRESS, "rows_total": None, "eta_seconds": None}
    line = render_line(card_at("running"), progress, 100, elapsed=5)
    assert line == f"{RUNNING}  job-1  673 [00:05, 10.7 rows/s]"


def test_before_any_progress_the_line_says_state_and_time_only() -> None:
    assert render_line(card_at(), {}, 80, elapsed=2) == "\u25cc Connecting  job-1  [00:02]"
    assert render_line(card_at("queued"), {}, 80, elapsed=65) == "\u22ef Queued  job-1  [01:05]"


def test_an_unknown_rate_and_eta_say_so() -> None:
    progress = {"rows_done": 10, "rows_total": 2000}
    line = render_line(card_at("running"), progress, 120, elapsed=1)
    assert line.endswith("10/2000 [00:01<?, ? rows/s]")


def test_a_job_that_lost_contact_keeps_its_last_numbers_but_no_live_ones() -> None:
    stale = failed_with(
        card_at("running"), NetworkError("Could not connect to 127.0.0.1."), later_s=30
    )
    assert stale.state == "stale"
    line = render_line(stale, PROGRESS, 160, name="Summarise tickets", elapsed=61)
    assert line.startswith("\u25f7 Contact lost \u00b7 last seen running  Summarise tickets")
    assert "673/2000 [01:01]" in line
    assert "rows/s" not in line and "<" not in line
    assert line.endswith("Could not connect to 127.0.0.1.")


def test_an_unknown_status_shows_the_servers_word() -> None:
    card = reduce(
        card_at(),
        Answered(StatusReport(JobStatus.UNKNOWN, "PAUSED"), still_polling=True),
        T0,
        stale_after=STALE_AFTER,
    )
    assert render_line(card, {}, 80, elapsed=0).startswith("? Unknown: PAUSED  job-1")


def test_server_text_cannot_put_escape_sequences_on_the_terminal() -> None:
    hostile = "evil\x1b[2J\x1b]0;owned\x07name\x9b31m\r\nnext"
    card = card_at("failed", metadata={"failure_reason": hostile})
    outputs = [
        render_line(card_at("running"), PROGRESS, 120, name=hostile, elapsed=1),
        render_outcome(card, PROGRESS, name=hostile, elapsed=1),
        render_log_line(card, PROGRESS, at=T0 / 1000, outcome=True),
    ]
    for text in outputs:
        assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in text), repr(text)
    assert "evil [2J ]0;owned name 31m next" in outputs[0]


def test_every_card_state_has_its_icon_and_word_on_the_line() -> None:
    for status in JobStatus:
        card = card_at(status.value)
        line = render_line(card, {}, 80, elapsed=0)
        look = LOOKS[status.value]
        assert line.startswith(f"{look.icon} {look.word}"), line


@pytest.mark.parametrize(
    ("fraction", "width", "expected"),
    [
        (0.0, 4, "    "),
        (1.0, 4, "\u2588\u2588\u2588\u2588"),
        (0.5, 10, "\u2588" * 5 + " " * 5),
        (0.5, 1, "\u258c"),
        (0.999, BAR_MAX, "\u2588" * 24 + "\u2589"),
    ],
)
def test_the_bar_is_drawn_in_eighths(fraction: float, width: int, expected: str) -> None:
    assert render_bar(fraction, width) == expected


def test_the_outcome_of_a_failed_job_names_the_reason() -> None:
    card = card_at("failed", metadata=dict(FAILURE_METADATA))
    progress = {"rows_done": 1532, "rows_total": 2000}
    line = render_outcome(card, progress, name="Extract invoice fields", elapsed=5)
    assert line == (
        "\u2715 Failed  Extract invoice fields (job-1)  1532/2000 rows in 00:05 \u2014 "
        "Row 1532: input exceeds the model context window (41230 > 40960 tokens)"
    )
    assert outcome_words(card).startswith("Failed: Row 1532")


def test_the_outcome_of_a_success_and_a_cancel_is_just_the_word() -> None:
    done = {"rows_done": 2000, "rows_total": 2000}
    assert render_outcome(card_at("succeeded"), done, elapsed=7) == (
        "\u2713 Succeeded  job-1  2000/2000 rows in 00:07"
    )
    assert outcome_words(card_at("cancelled")) == "Cancelled"


def test_the_outcome_of_a_job_that_could_not_be_followed_says_why() -> None:
    missing = failed_with(card_at(), JobNotFoundError("Job 'job-1' was not found."))
    refused = failed_with(card_at(), AuthenticationError("The server rejected the API key."))
    assert outcome_words(missing) == "Not found: Job 'job-1' was not found."
    assert outcome_words(refused) == "Key refused: The server rejected the API key."
    gave_up = outcome_words(card_at("queued"), cut_short="gave up after 5 s")
    assert gave_up == "Queued: gave up after 5 s; the job carries on"
    unreachable = failed_with(card_at(), NetworkError("Could not connect to 127.0.0.1."))
    assert outcome_words(unreachable, cut_short="gave up after 5 s") == (
        "Unreachable: gave up after 5 s: Could not connect to 127.0.0.1."
    )


def test_a_log_line_is_timestamp_id_state_rows() -> None:
    at = T0 / 1000
    assert render_log_line(card_at("running"), PROGRESS, at=at) == (
        "2026-12-01T16:03:12Z job-1 running 673/2000"
    )
    assert render_log_line(card_at("queued"), {}, at=at) == "2026-12-01T16:03:12Z job-1 queued"
    failed = card_at("failed", metadata=dict(FAILURE_METADATA))
    assert render_log_line(failed, {}, at=at, outcome=True) == (
        "2026-12-01T16:03:12Z job-1 failed - Failed: Row 1532: input exceeds the model "
        "context window (41230 > 40960 tokens)"
    )
