"""The comm budget in virtual time: one sliding window of sends shared by every widget."""

from __future__ import annotations

from sutro_widget.card.budget import (
    NEWS,
    RATE_PER_SECOND,
    ROUTINE_SHARE,
    URGENT,
    CommBudget,
    Flush,
)
from sutro_widget.polling.poller import Poller
from tests.helpers import VirtualClock


def _sender(log: list[str], name: str) -> Flush:
    def flush() -> bool:
        log.append(name)
        return True

    return flush


def test_no_second_ever_holds_more_than_the_rate() -> None:
    clock = VirtualClock()
    budget = CommBudget(Poller(clock=clock))
    routine = int(RATE_PER_SECOND * ROUTINE_SHARE)
    assert sum(budget.take() for _ in range(1000)) == routine
    assert sum(budget.take(NEWS) for _ in range(1000)) == RATE_PER_SECOND - routine
    clock.advance(0.5)
    assert sum(budget.take(URGENT) for _ in range(1000)) == 0, "the window still holds 100"
    clock.advance(0.5)
    assert sum(budget.take(NEWS) for _ in range(1000)) == RATE_PER_SECOND


def test_progress_can_never_fill_the_room_kept_for_a_final_state() -> None:
    clock = VirtualClock()
    budget = CommBudget(Poller(clock=clock))
    while budget.take():
        pass
    assert budget.take() is False
    assert budget.take(URGENT) is True, "an error or final state goes out at once"


def test_a_queued_widget_is_flushed_once_however_often_it_asks() -> None:
    clock = VirtualClock()
    poller = Poller(clock=clock)
    budget = CommBudget(poller)
    flushed: list[str] = []
    while budget.take():
        pass
    for _ in range(50):
        budget.queue(1, _sender(flushed, "one"))
    budget.queue(2, _sender(flushed, "two"))
    clock.advance(1.0)
    budget._drain(None)  # what the poller's loop runs every DRAIN_SECONDS
    assert flushed == ["one", "two"]
    poller.shutdown()


def test_news_goes_before_routine_updates_that_waited_longer() -> None:
    clock = VirtualClock()
    poller = Poller(clock=clock)
    budget = CommBudget(poller, rate=2)
    flushed: list[str] = []
    while budget.take(NEWS):
        pass
    for key in range(3):
        budget.queue(key, _sender(flushed, f"progress {key}"))
    budget.queue(9, _sender(flushed, "first status"), NEWS)
    budget.queue(1, _sender(flushed, "progress 1, then a new state"), NEWS)
    clock.advance(1.0)
    budget._drain(None)
    assert flushed == ["first status", "progress 1"], "news first, then the oldest routine"
    clock.advance(1.0)
    budget._drain(None)
    assert flushed[2:] == ["progress 0"], "routine fills only its share of the window"
    clock.advance(1.0)
    budget._drain(None)
    assert flushed[3:] == ["progress 2"]
    poller.shutdown()


def test_nobody_jumps_the_queue_but_higher_tiers_go_first() -> None:
    clock = VirtualClock()
    poller = Poller(clock=clock)
    budget = CommBudget(poller)
    while budget.take(NEWS):
        pass
    budget.queue(1, lambda: True)
    clock.advance(1.0)
    assert budget.take() is False  # room goes to the waiting widget first
    assert budget.take(NEWS) is True  # but news passes routine updates
    budget.queue(2, lambda: True, NEWS)
    assert budget.take(NEWS) is False  # and not other news
    assert budget.take(URGENT) is True  # which a final state passes
    poller.shutdown()


def test_urgent_sends_past_the_limit_wait_first_in_line() -> None:
    clock = VirtualClock()
    poller = Poller(clock=clock)
    budget = CommBudget(poller, rate=3)
    flushed: list[str] = []
    while budget.take(URGENT):
        pass
    budget.queue(1, _sender(flushed, "progress"))
    budget.queue(2, _sender(flushed, "first status"), NEWS)
    for key in (3, 4, 5, 6):
        budget.queue(key, _sender(flushed, f"final {key}"), URGENT)
    clock.advance(1.0)
    budget._drain(None)
    assert flushed == ["final 3", "final 4", "final 5"]
    clock.advance(1.0)
    budget._drain(None)
    assert flushed[3:] == ["final 6", "first status"], "routine gets only its share"
    poller.shutdown()
