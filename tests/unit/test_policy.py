"""The poll policy, run in virtual time: no clock, no sleeping."""

from __future__ import annotations

import pytest

from sutro_widget import (
    AuthenticationError,
    JobNotFoundError,
    NetworkError,
    PollPolicy,
    ProtocolError,
    RateLimitedError,
    ServerError,
)
from sutro_widget.api.shapes import JobStatus
from sutro_widget.errors import CertificateError, HostNotFoundError
from sutro_widget.polling.policy import PollState


def mid() -> float:
    """A jitter source at the middle of its range: jitter adds nothing."""
    return 0.5


def simulate_unchanged(policy: PollPolicy, polls: int) -> list[float]:
    state = PollState(interval=policy.initial_interval, credit=60)  # a budget to spare
    delays = []
    for _ in range(polls):
        decision = policy.after_answer(
            state, changed=False, final=False, status=JobStatus.QUEUED, rand=mid
        )
        assert decision.delay is not None
        delays.append(decision.delay)
        state = decision.state
    return delays


def test_interval_grows_while_nothing_changes_and_is_capped() -> None:
    policy = PollPolicy(initial_interval=1, max_interval=10, growth=2, jitter=0)
    assert simulate_unchanged(policy, 6) == [2, 4, 8, 10, 10, 10]


def test_a_change_resets_to_the_short_interval() -> None:
    policy = PollPolicy(initial_interval=1, max_interval=10, growth=2, jitter=0)
    slow = PollState(interval=10, credit=5)
    decision = policy.after_answer(
        slow, changed=True, final=False, status=JobStatus.QUEUED, rand=mid
    )
    assert decision.delay == 1
    assert decision.state.interval == 1


def test_final_status_stops() -> None:
    decision = PollPolicy().after_answer(PollState(3), changed=True, final=True)
    assert decision.delay is None


def test_jitter_spreads_healthy_delays_within_bounds() -> None:
    policy = PollPolicy(initial_interval=10, max_interval=10, jitter=0.1)
    rich = PollState(interval=10, credit=5)
    queued = JobStatus.QUEUED
    low = policy.after_answer(rich, changed=True, final=False, status=queued, rand=lambda: 0.0)
    high = policy.after_answer(
        rich, changed=True, final=False, status=queued, rand=lambda: 0.999999
    )
    assert low.delay == pytest.approx(9.0)
    assert high.delay == pytest.approx(11.0, rel=1e-5)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (NetworkError("down"), [2, 4, 8, 8, 8, 8, 8]),  # unreachable: back within seconds
        (ServerError("500"), [2, 4, 8, 16, 30, 30, 30]),
        (ProtocolError("html"), [2, 4, 8, 16, 30, 30, 30]),
        (RateLimitedError("slow"), [2, 4, 8, 16, 30, 30, 30]),
    ],
)
def test_transient_errors_back_off_exponentially_with_a_cap(
    error: Exception, expected: list[int]
) -> None:
    policy = PollPolicy(error_initial=2, error_max=30, unreachable_max=8)
    state = PollState(interval=1, credit=policy.budget_burst)  # the budget does not gate here
    ceilings = []
    for _ in range(7):
        top = policy.after_error(state, error, rand=lambda: 0.999999)  # type: ignore[arg-type]
        bottom = policy.after_error(state, error, rand=lambda: 0.0)  # type: ignore[arg-type]
        assert top.delay is not None and bottom.delay is not None
        assert bottom.delay == pytest.approx(top.delay / 2, rel=1e-5)  # never bunches at zero
        ceilings.append(round(top.delay))
        state = top.state
    assert ceilings == expected


def test_flapping_answers_never_get_more_than_one_request_ahead_of_the_budget() -> None:
    """Error, answer, error, ...: each error's short backoff alone would beat the SDK's pace."""
    policy = PollPolicy()
    state, elapsed = policy.start(), 0.0
    for requests, turn in enumerate(range(400), start=1):
        if turn % 2:
            decision = policy.after_answer(state, changed=False, final=False, rand=mid)
        else:
            decision = policy.after_error(state, ServerError("502"), rand=mid)
        assert decision.delay is not None
        state, elapsed = decision.state, elapsed + decision.delay
        assert requests <= 2 + elapsed / policy.budget_interval


def test_a_poll_that_came_early_is_settled_against_the_budget() -> None:
    policy = PollPolicy()
    state = PollState(interval=1, credit=1.0, age=100.0)
    decided = policy.after_answer(state, changed=False, final=False, rand=mid)
    assert decided.delay == pytest.approx(5.0)
    early = policy.settle(decided.state, scheduled=decided.delay, waited=1.0)
    # Asked 1 s after deciding: the request spent, and 1 s earned (0.2 of a request).
    assert early.credit == pytest.approx(0.2) and early.age == pytest.approx(101.0)
    assert policy.credit_wait(decided.state, elapsed=1.0) == pytest.approx(4.0)
    assert policy.credit_wait(decided.state, elapsed=decided.delay) == pytest.approx(0.0, abs=1e-9)
    full = PollState(interval=1, credit=policy.budget_burst, age=100.0)
    capped = policy.after_answer(full, changed=False, final=False, rand=mid)
    assert capped.delay is not None
    # Credit capped at the burst is not owed back in full by a check that came early.
    assert policy.credit_wait(capped.state, elapsed=0.0) == 0.0
    late = policy.settle(capped.state, scheduled=capped.delay, waited=5000.0)
    assert late.credit == policy.budget_burst  # a sleeping laptop earns no more than the cap


def test_recovery_resets_the_failure_count() -> None:
    policy = PollPolicy()
    failing = PollState(interval=4, failures=5)
    decision = policy.after_answer(failing, changed=True, final=False, rand=mid)
    assert decision.state.failures == 0


@pytest.mark.parametrize("error", [AuthenticationError("401"), JobNotFoundError("404")])
def test_permanent_errors_stop(error: Exception) -> None:
    decision = PollPolicy().after_error(PollPolicy().start(), error)  # type: ignore[arg-type]
    assert decision.delay is None


def test_retry_after_is_obeyed_and_capped() -> None:
    policy = PollPolicy(error_initial=1, max_retry_after=60)
    asked = policy.after_error(policy.start(), RateLimitedError("x", retry_after=42), rand=mid)
    assert asked.delay == 42
    greedy = policy.after_error(policy.start(), RateLimitedError("x", retry_after=86400), rand=mid)
    assert greedy.delay == 60


def test_a_running_job_hour_costs_no_more_than_the_sdks_720_requests() -> None:
    """Virtual hour of a running job without a stream: count the polls, check each gap."""
    policy = PollPolicy()
    state, clock, polls = policy.start(), 0.0, 1
    while clock < 3600:
        decision = policy.after_answer(
            state, changed=False, final=False, status=JobStatus.RUNNING, rand=mid
        )
        assert decision.delay is not None and decision.delay <= 5.0
        clock += decision.delay
        state = decision.state
        polls += 1
    assert polls <= 3600 / 5 + 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"initial_interval": 0},
        {"initial_interval": 5, "max_interval": 1},
        {"growth": 0.5},
        {"jitter": 1.0},
        {"error_initial": 0},
    ],
)
def test_nonsense_settings_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        PollPolicy(**kwargs)


def test_an_open_stream_makes_polls_a_rare_safety_net() -> None:
    policy = PollPolicy(initial_interval=1, max_interval=15, streaming_interval=60, jitter=0)
    state = PollState(interval=1, credit=5)
    plain = policy.after_answer(state, changed=True, final=False, status=JobStatus.QUEUED)
    streaming = policy.after_answer(
        state, changed=True, final=False, streaming=True, status=JobStatus.RUNNING
    )
    assert plain.delay == 1
    assert streaming.delay == 60
    assert streaming.state.interval == plain.state.interval  # resumes once the stream ends


@pytest.mark.parametrize(
    ("error", "at_least"),
    [
        (CertificateError("untrusted"), 30.0),
        (HostNotFoundError("no such name"), 15.0),
    ],
)
def test_what_only_the_user_can_fix_is_asked_again_calmly(
    error: NetworkError, at_least: float
) -> None:
    policy = PollPolicy()
    state = PollState(interval=1.0, credit=60)
    for _ in range(5):  # never sooner, however it backs off after
        decision = policy.after_error(state, error, rand=lambda: 0.0)
        assert decision.delay is not None and decision.delay >= at_least
        state = decision.state


def test_a_server_that_is_down_is_still_retried_within_seconds() -> None:
    decision = PollPolicy().after_error(PollState(interval=1.0, credit=60), NetworkError("down"))
    assert decision.delay is not None and decision.delay <= PollPolicy().unreachable_max


def test_a_paused_process_wakes_without_a_burst_of_saved_requests() -> None:
    # Running, polled at the pace; then the laptop sleeps two minutes before the next poll.
    policy = PollPolicy(jitter=0)
    state = PollState(interval=1.0, credit=1.0, age=600.0, running_since=0.0)
    decision = policy.after_answer(state, changed=False, final=False, status=JobStatus.RUNNING)
    assert decision.delay == policy.pace
    woke = policy.settle(decision.state, scheduled=decision.delay, waited=125.0)
    assert woke.age == decision.state.age - decision.delay + 125.0, "the job did age"
    gaps = []
    for _ in range(5):
        after = policy.after_answer(woke, changed=False, final=False, status=JobStatus.RUNNING)
        assert after.delay is not None
        gaps.append(after.delay)
        woke = policy.settle(after.state, scheduled=after.delay, waited=after.delay)
    assert min(gaps) >= policy.pace * 0.9, f"the sleep was spent in a burst on waking: {gaps}"
