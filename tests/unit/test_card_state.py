"""The card-state reducer, in virtual time: every state and transition, no clock, no sleep."""

from __future__ import annotations

import pytest

from sutro_widget.api.shapes import JobStatus, StatusReport
from sutro_widget.card.state import (
    CARD_STATES,
    CHECKED_RESOLUTION_MS,
    HISTORY_LIMIT,
    KERNEL_ENDED,
    SYNCED_FIELDS,
    Answered,
    CardState,
    Event,
    Failed,
    Heard,
    KernelEnding,
    Started,
    Stopped,
    initial,
    reduce,
)
from sutro_widget.errors import (
    AuthenticationError,
    JobNotFoundError,
    NetworkError,
    ProtocolError,
    ServerError,
)

STALE_AFTER = 10.0  # seconds


def answer(status: str, *, polling: bool = True, **fields: object) -> Answered:
    report = StatusReport(JobStatus(status), status.upper(), **fields)  # type: ignore[arg-type]
    return Answered(report, still_polling=polling and not report.is_final)


def run(*steps: tuple[float, Event], card: CardState | None = None) -> CardState:
    """Apply ``(seconds, event)`` steps from a fresh, started card."""
    card = card or reduce(initial("job-1"), Started(), 0.0, stale_after=STALE_AFTER)
    for seconds, event in steps:
        card = reduce(card, event, seconds * 1000.0, stale_after=STALE_AFTER)
    return card


def test_a_new_card_is_connecting_not_pending() -> None:
    card = run()
    assert card.state == "connecting"
    assert card.status == ""
    assert card.polling is True


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (JobNotFoundError("Job 'x' was not found", status_code=404), "not-found"),
        (AuthenticationError("The server rejected the API key"), "unauthorized"),
        (NetworkError("Could not connect to h"), "unreachable"),
        (ServerError("HTTP 503"), "unreachable"),
        (ProtocolError("not JSON"), "unreachable"),
    ],
)
def test_a_job_never_reached_says_why(error: Exception, expected: str) -> None:
    polling = getattr(error, "transient", True)
    card = run((1, Failed(error, still_polling=polling)))  # type: ignore[arg-type]
    assert card.state == expected
    assert card.error == str(error)
    assert card.status == ""
    assert card.stale is False  # nothing good was ever known, so nothing is stale


def test_answers_walk_the_lifecycle_and_record_history() -> None:
    card = run((1, answer("queued")), (2, answer("running")), (3, answer("running")))
    assert card.state == "running"
    assert card.history == (("queued", 1000.0), ("running", 2000.0))
    card = run((9, answer("succeeded")), card=card)
    assert card.state == "succeeded"
    assert card.polling is False
    assert card.finished_at == 9000.0
    assert "get_job_results('job-1')" in card.results_snippet
    assert not card.is_live


def test_the_first_finish_time_stays() -> None:
    card = run((5, answer("failed")), (6, answer("failed", polling=False)))
    assert card.finished_at == 5000.0


def test_history_is_capped_on_a_flapping_status() -> None:
    steps = [(i, answer("queued" if i % 2 else "running")) for i in range(1, 500)]
    card = run(*steps)
    assert len(card.history) == HISTORY_LIMIT
    assert card.history[-1] == ("queued", 499_000.0)


def test_one_failure_after_good_answers_keeps_the_status_until_contact_is_old() -> None:
    card = run((1, answer("running")), (5, Failed(NetworkError("down"), still_polling=True)))
    assert card.state == "running"  # 4 s since contact: not yet stale
    assert card.error == "down"
    assert card.stale is False


def test_contact_lost_becomes_stale_and_says_when_it_was_last_confirmed() -> None:
    card = run(
        (1, answer("running")),
        (5, Failed(NetworkError("down"), still_polling=True)),
        (12, Failed(NetworkError("down"), still_polling=True)),
    )
    assert card.state == "stale"
    assert card.stale is True
    assert card.status == "running"  # the last seen status stays, marked for what it is
    assert card.last_checked_at == 1000.0  # exactly when contact was last confirmed
    assert not card.is_live


def test_a_stream_line_is_contact_too() -> None:
    card = run(
        (1, answer("running")),
        (9, Heard()),
        (15, Failed(NetworkError("down"), still_polling=True)),
    )
    assert card.state == "running"  # heard from the stream 6 s ago
    card = run((20, Failed(NetworkError("down"), still_polling=True)), card=card)
    assert card.state == "stale"
    assert card.last_checked_at == 9000.0


def test_recovery_clears_stale_and_error_at_the_next_answer() -> None:
    card = run(
        (1, answer("running")),
        (30, Failed(NetworkError("down"), still_polling=True)),
        (31, answer("running")),
    )
    assert card.state == "running"
    assert card.stale is False
    assert card.error == ""
    assert card.last_checked_at == 31_000.0  # recovering is news: the time is refreshed


def test_checked_says_when_the_server_was_last_heard_from_to_the_second() -> None:
    card = run((1, answer("running")), (15, answer("running")))
    assert card.last_checked_at == 15_000.0  # every answer, changed or not
    card = run((15.4, Heard()), card=card)
    assert card.last_checked_at == 15_000.0  # stream lines move it at most once a second
    card = run((15 + CHECKED_RESOLUTION_MS / 1000, Heard()), card=card)
    assert card.last_checked_at == 16_000.0


def test_stop_keeps_the_last_contact_and_stops_a_live_clock_where_it_was_stopped() -> None:
    card = run((1, answer("running")), (17.5, Heard()), (17.6, Heard()), (18, Stopped()))
    assert card.state == "stopped"
    assert card.last_checked_at == 17_600.0  # "last seen": not the older answer, not the Stop
    assert card.stopped_at == 18_000.0  # the clock: where the user stopped it, not turned back


def test_stopping_a_card_that_lost_contact_keeps_its_clock_at_the_last_contact() -> None:
    card = run((1, answer("running")), (30, Failed(NetworkError("down"), still_polling=True)))
    assert card.state == "stale"
    card = run((40, Stopped()), card=card)
    assert card.state == "stopped"
    assert card.stopped_at == 1_000.0  # no time counted on facts that were already old


def test_a_second_stop_does_not_move_the_clock_and_start_clears_it() -> None:
    card = run((1, answer("running")), (2, Stopped()), (9, Stopped()))
    assert card.stopped_at == 2_000.0
    assert run((10, Started()), card=card).stopped_at == 0.0


def test_stop_shows_a_stopped_card_and_start_resumes() -> None:
    card = run((1, answer("running")), (2, Stopped()))
    assert card.state == "stopped"
    assert card.polling is False
    assert card.status == "running"
    assert not card.is_live
    card = run((3, Started()), card=card)
    assert card.state == "running"
    assert card.polling is True


def test_stopping_a_finished_card_keeps_its_outcome_and_changes_no_trait() -> None:
    final = run((1, answer("cancelled")))
    card = run((2, Stopped()), card=final)
    assert card.state == "cancelled"
    # Nothing to send: closing many finished cards at once is not a burst of messages.
    assert [(f, getattr(card, f)) for f in SYNCED_FIELDS] == [
        (f, getattr(final, f)) for f in SYNCED_FIELDS
    ]


def test_a_refresh_of_a_stopped_card_updates_it_but_it_stays_stopped() -> None:
    card = run((1, answer("queued")), (2, Stopped()), (3, answer("running", polling=False)))
    assert card.state == "stopped"
    assert card.status == "running"


def test_retry_after_not_found_connects_again() -> None:
    card = run((1, Failed(JobNotFoundError("nope"), still_polling=False)))
    assert card.state == "not-found"
    card = run((2, Started()), card=card)
    assert card.state == "connecting"
    assert card.error == ""
    card = run((3, answer("queued")), card=card)
    assert card.state == "queued"


def test_a_key_revoked_mid_job_says_key_refused() -> None:
    card = run((1, answer("running")), (2, Failed(AuthenticationError("no"), still_polling=False)))
    assert card.state == "unauthorized"
    assert card.status == "running"


def test_unknown_statuses_stay_unknown_with_the_servers_word() -> None:
    report = StatusReport(JobStatus.UNKNOWN, "PAUSED")
    card = run((1, Answered(report, still_polling=True)))
    assert card.state == "unknown"
    assert card.raw_status == "PAUSED"


def test_every_state_the_reducer_produces_is_in_the_vocabulary() -> None:
    seen = {
        run().state,
        run((1, Failed(JobNotFoundError("x"), still_polling=False))).state,
        run((1, Failed(AuthenticationError("x"), still_polling=False))).state,
        run((1, Failed(NetworkError("x"), still_polling=True))).state,
        run((1, answer("running")), (20, Failed(NetworkError("x"), still_polling=True))).state,
        run((1, answer("running")), (2, Stopped())).state,
        run((1, answer("running")), (2, KernelEnding())).state,
    }
    seen |= {run((1, answer(status.value))).state for status in JobStatus}
    assert seen == set(CARD_STATES)


def test_a_kernel_that_exits_leaves_a_live_card_not_followed_and_its_clock_stopped() -> None:
    card = run((1, answer("running")), (30, KernelEnding()))
    assert (card.state, card.polling, card.status) == ("unfollowed", False, "running")
    assert card.error == KERNEL_ENDED
    assert card.stopped_at == 30_000.0, "frozen where the kernel went, not at the answer"
    assert run((1, answer("running")), (30, KernelEnding()), (31, answer("running"))).state == (
        "unfollowed"
    ), "nothing can follow it again in this kernel"


def test_a_final_card_is_left_as_it_is_when_its_kernel_exits() -> None:
    done = run((1, answer("succeeded")))
    assert run((1, answer("succeeded")), (5, KernelEnding())) == done


def test_staleness_is_decided_on_the_monotonic_clock_whatever_the_wall_clock_does() -> None:
    started = reduce(initial("job-1"), Started(), 0.0, stale_after=STALE_AFTER, mono=100.0)
    seen = reduce(started, answer("running"), 1_000.0, stale_after=STALE_AFTER, mono=101.0)
    failed = Failed(NetworkError("x"), still_polling=True)
    # The wall clock jumps an hour ahead, 2 s after the answer: not stale.
    ahead = reduce(seen, failed, 1_000.0 + 3_600_000, stale_after=STALE_AFTER, mono=103.0)
    assert ahead.state == "running" and not ahead.stale
    # It jumps an hour back, and 20 s really pass: stale.
    back = reduce(seen, failed, 1_000.0 - 3_600_000, stale_after=STALE_AFTER, mono=121.0)
    assert back.state == "stale"
