"""Cards on one job share one watch: ten cost what one costs, and closing one keeps the rest."""

from __future__ import annotations

from collections.abc import Callable

from sutro_widget.polling.poller import Poller
from sutro_widget.simulator import Simulator
from tests.helpers import make_card, wait_for

ROUTES = ("v1/jobs", "v1/stream-job-progress")


def requests_of(sim: Simulator, job_id: str) -> dict[str, int]:
    counts = {route: sim.request_count(job_id, route=route) for route in ROUTES}
    counts["status"] = sim.request_count(job_id)
    return counts


def test_ten_cards_on_one_job_cost_the_requests_of_one(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    alone, shared = fresh_id("job-succeeds"), fresh_id("job-succeeds")
    one = make_card(sim, alone, poller)
    ten = [make_card(sim, shared, poller) for _ in range(10)]
    one.wait(30)
    for card in ten:
        assert card.wait(30) == "succeeded"
    # The same script, one card against ten: the same requests, give or take a poll.
    solo, many = requests_of(sim, alone), requests_of(sim, shared)
    assert many["v1/jobs"] <= solo["v1/jobs"] + 1  # one details fetch, not one per card
    assert many["v1/stream-job-progress"] <= solo["v1/stream-job-progress"] + 1
    assert many["status"] <= solo["status"] + 2
    assert all(card.details == ten[0].details for card in ten)


def test_a_card_made_for_a_finished_job_asks_nothing(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    job_id = fresh_id("job-fails")
    first = make_card(sim, job_id, poller)
    first.wait(30)
    before = requests_of(sim, job_id)
    again = make_card(sim, job_id, poller)  # a re-run cell
    assert again.state == "failed"  # told at once, from the shared watch
    assert again.wait(5) == "failed"
    assert requests_of(sim, job_id) == before


def test_closing_one_of_two_cards_keeps_the_other_live(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    job_id = fresh_id("job-held")
    kept, closed = make_card(sim, job_id, poller), make_card(sim, job_id, poller)
    wait_for(lambda: kept.state == "queued" and closed.state == "queued", what="queued")
    closed.close()
    sim.advance(job_id)
    wait_for(lambda: kept.state == "running", what="the kept card to follow the job")
    assert closed.state == "stopped"  # the closed card says it stopped, and stays so
    sim.advance(job_id)
    assert kept.wait(10) == "succeeded"
    kept.close()


def test_the_watch_ends_with_the_last_card(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    job_id = fresh_id("job-held")
    cards = [make_card(sim, job_id, poller) for _ in range(3)]
    wait_for(lambda: all(c.state == "queued" for c in cards), what="queued")
    for card in cards:
        card.stop()
    wait_for(lambda: poller.thread is None, timeout=10, what="the poller to go idle")
    settled = sim.request_count(job_id)
    sim.advance(job_id)
    assert sim.request_count(job_id) == settled
    assert all(card.state == "stopped" for card in cards)
