"""No request is asked twice for an answer already known: per deployment, not per card.

A current deployment may lack the details endpoint and the progress stream
(both 404). The first job on such a deployment finds out about both (its
stream is opened only once its status said "running", so a 404 there is the
route's, not the job's); no later card asks again, and none asks for "final
details" it knows cannot come. The legacy API has neither by definition: its
answers say so, and nothing is asked. Where the details route exists, polls
ask it (status and details in one answer), so no card asks for details apart.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from sutro_widget.polling.poller import Poller
from sutro_widget.simulator import Fault, Simulator, Step
from tests.helpers import make_card, wait_for

MISSING = ("jobs", "stream-job-progress")  # the routes such a deployment 404s, by path


def asked(sim: Simulator, job_id: str, path: str, prefix: str = "/v1") -> int:
    """Requests for ``{prefix}/{path}/{job_id}`` (unknown routes there, so by raw path)."""
    wanted = f"{prefix}/{path}/{job_id}"
    return sum(1 for r in sim.requests if r.raw_path.split("?")[0] == wanted)


def test_the_legacy_api_is_never_asked_for_details_or_a_stream(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    cards = [make_card(sim, fresh_id("job-succeeds"), poller, v1=False) for _ in range(3)]
    for card in cards:
        assert card.wait(30) == "succeeded"  # waiting for details that cannot come ends too
    for path in MISSING:
        assert sum(asked(sim, card.job_id, path, prefix="") for card in cards) == 0, path
        assert sum(asked(sim, card.job_id, path) for card in cards) == 0, path
    assert all(asked(sim, card.job_id, "job-status", prefix="") >= 2 for card in cards)


def test_a_deployment_without_details_or_streams_is_asked_once_or_twice_not_per_card(
    poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    with Simulator(without=["details", "stream"]) as sim:
        _asked_once_or_twice(sim, poller, fresh_id)


def _asked_once_or_twice(sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]) -> None:
    first = make_card(sim, fresh_id("job-succeeds"), poller)
    assert first.wait(30) == "succeeded"
    asked_first = {path: asked(sim, first.job_id, path) for path in MISSING}
    assert asked_first == {"jobs": 1, "stream-job-progress": 1}

    others = [make_card(sim, fresh_id("job-succeeds"), poller) for _ in range(5)]
    for card in others:
        assert card.wait(30) == "succeeded"  # waiting for details that cannot come ends too
    by_others = {path: sum(asked(sim, card.job_id, path) for card in others) for path in MISSING}
    assert by_others == {"jobs": 0, "stream-job-progress": 0}


def test_a_job_that_is_not_found_is_asked_once_per_route_and_then_left(
    sim: Simulator, poller: Poller
) -> None:
    card = make_card(sim, "no-such-job-anywhere", poller)
    wait_for(lambda: card.state == "not-found", what="not found")
    # jobs/{id} says 404 (the job's or the route's?), job-status says whose: the job's.
    assert sim.request_count("no-such-job-anywhere", route="v1/jobs") == 1
    assert sim.request_count("no-such-job-anywhere", route="v1/job-status") <= 1
    before = len(sim.requests)
    threading.Event().wait(0.5)  # FAST polls every 0.2 s: a poll after the end would show
    assert len(sim.requests) == before, "nothing asked after the answer that it does not exist"
    card.close()


def test_where_details_exist_polls_ask_them_and_no_card_asks_apart(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    cards = [make_card(sim, fresh_id("job-succeeds"), poller) for _ in range(3)]
    for card in cards:
        assert card.wait(30) == "succeeded"
        assert card.details.get("name"), "the details came with the polls"
        assert card.details.get("job_cost") is not None, "the final cost came with the end"
        polls = asked(sim, card.job_id, "jobs")
        assert polls >= 2, "every poll after the first asks jobs/{id}"
        assert asked(sim, card.job_id, "job-status") <= 1, "at most the first poll of all"


def test_an_unknown_status_is_told_by_job_status_once_per_status_not_per_poll(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    """jobs/{id} has no sentence; job-status's ("paused by operator") is asked once."""
    job_id = fresh_id("job-paused")
    sim.add_job(job_id, [Step("PAUSED", None, "Job paused by operator")])
    card = make_card(sim, job_id, poller)
    wait_for(lambda: card.state == "unknown" and card.message == "Job paused by operator", 15)
    wait_for(lambda: asked(sim, job_id, "jobs") >= 4, 30)  # an unknown job is polled on
    assert asked(sim, job_id, "job-status") == 1, "once for its status, not once per poll"
    card.close()


def test_a_job_whose_requests_hang_holds_no_other_card_at_connecting(
    poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    """The first poll on a new deployment probes jobs/{id}; if that job hangs, others go on."""
    with Simulator() as sim:  # a deployment nobody has probed yet
        hung, other = fresh_id("job-held"), fresh_id("job-held")
        handle = sim.inject(Fault.NO_RESPONSE, job_id=hung)
        try:
            first = make_card(sim, hung, poller)  # its poll is the probe, and never answered
            wait_for(lambda: sim.request_count(hung) >= 1, 5, "the hung job's probe")
            second = make_card(sim, other, poller)
            # Not after the hung request's 15-s deadline: within the probe wait (3 s) and a trip.
            wait_for(lambda: second.state == "queued", 8, "the other card's first status")
            assert first.state == "connecting"
        finally:
            handle.clear()
        for card in (first, second):
            card.close()
