"""The age- and phase-aware schedule, in virtual time: budgets and gaps, never timings."""

from __future__ import annotations

import itertools
import random

import pytest

from sutro_widget import PollPolicy
from sutro_widget.api.shapes import JobStatus
from sutro_widget.errors import ServerError
from sutro_widget.polling.policy import JobHint, PollState


def follow(
    policy: PollPolicy, queued: float, running: float, seed: int = 1
) -> tuple[list[float], list[float], int]:
    """Poll a job queued for ``queued`` s, then running for ``running`` s, in virtual time.

    Returns the times of the polls, the gaps between polls while it could
    end (running), and the polls made until the end was seen.
    """
    rng = random.Random(seed)
    state, now, polls = policy.start(), 0.0, [0.0]
    previous: JobStatus | None = None
    running_gaps: list[float] = []
    while now < queued + running:
        status = JobStatus.QUEUED if now < queued else JobStatus.RUNNING
        decision = policy.after_answer(
            state, changed=status != previous, final=False, status=status, rand=rng.random
        )
        previous = status
        assert decision.delay is not None and decision.delay > 0
        if status is JobStatus.RUNNING:
            running_gaps.append(decision.delay)
        now += decision.delay
        state = decision.state
        polls.append(now)
    return polls, running_gaps, len(polls)


def sdk_requests(length: float) -> int:
    """The SDK's requests for a job of ``length`` s: one at 0, then one every 5 s."""
    return 1 + int(length // 5) + 1


@pytest.mark.parametrize("running", [60, 120, 600, 1800, 3600, 7200])
@pytest.mark.parametrize("queued", [0, 20, 300])
def test_never_more_requests_and_never_a_longer_gap_than_the_sdk(
    queued: float, running: float
) -> None:
    polls, gaps, count = follow(PollPolicy(), queued, running)
    assert count <= sdk_requests(queued + running)
    assert max(gaps) <= 5.0  # a finish is never seen later than the SDK's loop sees it
    del polls


@pytest.mark.parametrize("running", [90, 600, 3600])
@pytest.mark.parametrize("queued", [10, 20, 60, 300])
def test_a_job_that_waited_leaves_a_request_for_the_cards_others(
    queued: float, running: float
) -> None:
    # While a job cannot end, polls settle at 15 s within three polls, and the
    # policy keeps one saved request unspent: a details fetch, or the one 404
    # that shows a deployment has none, still leaves the card under the SDK.
    _, _, count = follow(PollPolicy(), queued, running)
    assert count + 1 <= sdk_requests(queued + running)


def test_a_waiting_job_settles_at_15s_within_three_polls() -> None:
    polls, _, _ = follow(PollPolicy(jitter=0), queued=120, running=60)
    gaps = [b - a for a, b in itertools.pairwise(polls)]
    assert gaps[:4] == pytest.approx([5.0, 7.5, 11.25, 15.0])


def test_waiting_saves_requests_that_running_spends_sooner_than_5s() -> None:
    _, gaps, _ = follow(PollPolicy(), queued=300, running=600)
    assert min(gaps) < 5.0  # the credit saved while queued buys shorter gaps
    assert gaps[-1] <= 5.0


def test_saved_credit_is_spread_over_the_run_not_spent_at_once() -> None:
    """The gap stays below 5 s for a while that grows with the saved credit."""
    _, gaps, _ = follow(PollPolicy(), queued=600, running=600)
    elapsed, short_for = 0.0, 0.0
    for gap in gaps:
        elapsed += gap
        if gap < 4.9:
            short_for = elapsed
    assert short_for >= 120  # not a burst in the first seconds


def test_a_queued_job_is_asked_at_most_at_the_sdks_pace_and_settles_slower() -> None:
    polls, _, _ = follow(PollPolicy(), queued=600, running=1)
    for made, at in enumerate(polls):  # never ahead of a 5 s loop started with it
        assert made <= at / 5 + 1
    waiting = [b - a for a, b in itertools.pairwise(polls) if b <= 600]
    assert waiting[-1] >= 13.5  # settles at max_interval (15 s), with jitter


def test_the_budget_is_capped() -> None:
    policy = PollPolicy(budget_burst=10)
    state = PollState(interval=10, credit=10)
    decision = policy.after_answer(state, changed=False, final=False, status=JobStatus.QUEUED)
    assert decision.state.credit <= 10


def test_errors_spend_the_budget_too() -> None:
    policy = PollPolicy()
    state = PollState(interval=1, credit=3)
    decision = policy.after_error(state, ServerError("500"), rand=lambda: 0.5)
    assert decision.delay is not None
    assert decision.state.credit == pytest.approx(2 + decision.delay / 5)


def test_an_unknown_status_is_polled_like_a_running_job() -> None:
    decision = PollPolicy().after_answer(PollPolicy().start(), changed=False, final=False)
    assert decision.delay is not None and decision.delay <= 5.0


def test_known_running_time_stretches_the_horizon() -> None:
    """A job known (from details) to have run an hour spreads its credit thinner."""
    policy = PollPolicy(jitter=0)
    state = PollState(interval=10, credit=30, age=600, running_since=600)
    fresh = policy.after_answer(state, changed=False, final=False, status=JobStatus.RUNNING)
    old = policy.after_answer(
        state,
        changed=False,
        final=False,
        status=JobStatus.RUNNING,
        hint=JobHint(running_for=3600),
    )
    assert fresh.delay is not None and old.delay is not None
    assert fresh.delay < old.delay <= 5.0


def test_a_predicted_end_gets_a_poll_just_after_it() -> None:
    policy = PollPolicy(jitter=0)
    state = PollState(interval=10, credit=5, age=100, running_since=50)
    hint = JobHint(rows_done=990, rows_total=1000, rows_per_second=10.0)  # 1 s to go
    decision = policy.after_answer(
        state, changed=False, final=False, status=JobStatus.RUNNING, hint=hint
    )
    assert decision.delay == pytest.approx(1.0 + policy.eta_margin)


STREAMING_CASES = [
    (None, 13.5),  # no hint: the safety net, under 15 s
    (JobHint(rows_done=10, rows_total=1000, progress_age=1.0), 60.0),  # rows flow
    (JobHint(rows_done=10, rows_total=1000, progress_age=30.0), 13.5),  # stalled
    (JobHint(rows_done=1000, rows_total=1000, progress_age=0.5), 13.5),  # all rows done
    (JobHint(rows_done=900, rows_total=1000, progress_age=0.5, rows_per_second=10.0), 20.0),
]


@pytest.mark.parametrize(("hint", "expected"), STREAMING_CASES)
def test_an_open_stream_is_a_rare_safety_net_that_tightens_when_it_could_hide_the_end(
    hint: JobHint | None, expected: float
) -> None:
    policy = PollPolicy(jitter=0)
    decision = policy.after_answer(
        policy.start(), changed=False, final=False, streaming=True, status=JobStatus.RUNNING,
        hint=hint,
    )  # fmt: skip
    assert decision.delay == pytest.approx(expected)


def test_the_default_safety_net_stays_under_15s_with_any_jitter() -> None:
    policy = PollPolicy()
    for rand in (lambda: 0.0, lambda: 0.999999):
        decision = policy.after_answer(
            policy.start(), changed=False, final=False, streaming=True,
            status=JobStatus.RUNNING, rand=rand,
        )  # fmt: skip
        assert decision.delay is not None and decision.delay < 15.0
