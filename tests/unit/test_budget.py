"""The comm budget in virtual time: a bucket of routine sends shared by every widget."""

from __future__ import annotations

from sutro_widget.card.budget import RATE_PER_SECOND, CommBudget
from sutro_widget.polling.poller import Poller
from tests.helpers import VirtualClock


def test_the_bucket_allows_a_second_of_sends_then_refills_with_time() -> None:
    clock = VirtualClock()
    budget = CommBudget(Poller(clock=clock))
    allowed = sum(budget.take() for _ in range(1000))
    assert allowed == int(RATE_PER_SECOND)
    clock.advance(0.5)
    assert sum(budget.take() for _ in range(1000)) == int(RATE_PER_SECOND / 2)


def test_a_queued_widget_is_flushed_once_however_often_it_asks() -> None:
    clock = VirtualClock()
    poller = Poller(clock=clock)
    budget = CommBudget(poller)
    flushed: list[str] = []
    while budget.take():
        pass
    for _ in range(50):
        budget.queue(1, lambda: flushed.append("one"))
    budget.queue(2, lambda: flushed.append("two"))
    clock.advance(1.0)
    budget._drain(None)  # what the poller's loop runs every DRAIN_SECONDS
    assert flushed == ["one", "two"]
    poller.shutdown()


def test_nobody_jumps_the_queue() -> None:
    clock = VirtualClock()
    poller = Poller(clock=clock)
    budget = CommBudget(poller)
    while budget.take():
        pass
    budget.queue(1, lambda: None)
    clock.advance(1.0)
    assert budget.take() is False  # tokens go to the waiting widget first
    poller.shutdown()
