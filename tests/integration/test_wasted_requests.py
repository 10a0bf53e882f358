"""No request is asked twice for an answer already known: per deployment, not per card.

A current deployment may lack the details endpoint and the progress stream
(both 404). The first job on such a deployment finds out about details (the
second about the stream: one job's 404 could be that job's); no later card
asks again, and none asks for "final details" it knows cannot come. The
legacy API has neither by definition: its answers say so, and nothing is asked.
"""

from __future__ import annotations

from collections.abc import Callable

from sutro_widget.polling.poller import Poller
from sutro_widget.simulator import Simulator
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
    # One job's 404 on its stream could be that job's: a second job's makes it the route's.
    second = make_card(sim, fresh_id("job-succeeds"), poller)
    assert second.wait(30) == "succeeded"
    asked_second = {path: asked(sim, second.job_id, path) for path in MISSING}
    assert asked_second == {"jobs": 0, "stream-job-progress": 1}, "details known after one"

    others = [make_card(sim, fresh_id("job-succeeds"), poller) for _ in range(4)]
    for card in others:
        assert card.wait(30) == "succeeded"  # waiting for details that cannot come ends too
    by_others = {path: sum(asked(sim, card.job_id, path) for card in others) for path in MISSING}
    assert by_others == {"jobs": 0, "stream-job-progress": 0}


def test_a_job_that_is_not_found_gets_no_details_request(sim: Simulator, poller: Poller) -> None:
    card = make_card(sim, "no-such-job-anywhere", poller)
    wait_for(lambda: card.state == "not-found", what="not found")
    assert sim.request_count("no-such-job-anywhere", route="v1/jobs") == 0
    card.close()
