"""One deployment's stuck requests never take the connections another one needs.

Before the pool per origin, 64 requests hanging on one server filled the
poller's one shared pool (``max_connections=64``), and a card on a healthy
server showed ``PoolTimeout`` for as long as they hung.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sutro_widget import NetworkError, PollPolicy, StatusReport, SutroClient, SutroError
from sutro_widget.api.limits import IN_FLIGHT_PER_ORIGIN
from sutro_widget.polling.poller import Poller
from sutro_widget.simulator import Simulator
from tests import hostile_servers as hostile
from tests.helpers import make_card, wait_for

STUCK = 70


class Quiet:
    """A listener that only counts what it hears."""

    def __init__(self) -> None:
        self.heard = 0

    def on_poll_result(self, result: StatusReport | SutroError, *, still_polling: bool) -> None:
        self.heard += 1

    def on_progress(self, updates: list[dict[str, Any]], *, streaming: bool) -> None:
        """Never called here."""


def test_a_card_on_a_healthy_server_is_unaffected_by_70_stuck_requests_elsewhere(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    with hostile.HostileServer(hostile.trickle(1.0)) as stuck:
        listeners = [Quiet() for _ in range(STUCK)]
        for number, listener in enumerate(listeners):
            # A deadline far beyond the test: only isolation can save the card.
            client = SutroClient(api_key="k", base_url=stuck.url, deadline=600)
            poller.watch(f"job-stuck-{number}", client, listener)
        # The deployment's slots hold 24 of them; the rest wait in the poller's
        # queue (never in the pool's), and not in anybody else's way.
        slots = IN_FLIGHT_PER_ORIGIN
        wait_for(lambda: stuck.open_connections >= slots, timeout=30, what="stuck requests")
        card = make_card(sim, fresh_id("job-succeeds"), poller)
        assert card.wait(timeout=30) == "succeeded"
        assert card.error == ""
        assert not any(listener.heard for listener in listeners)  # still stuck meanwhile
        assert stuck.open_connections == slots, "no more than the slots ever reach the pool"


def test_requests_about_one_job_are_bounded_while_the_server_hangs(poller: Poller) -> None:
    with hostile.HostileServer(hostile.silence()) as hung:
        client = SutroClient(api_key="k", base_url=hung.url, deadline=600)
        results: list[object] = []
        lock = threading.Lock()

        def done(result: object) -> None:
            with lock:
                results.append(result)

        for _ in range(10):
            poller.submit(lambda http: client.cancel_async("job-1", http), done)
        wait_for(lambda: len(results) >= 6, timeout=20, what="refused extra requests")
        assert all(isinstance(r, NetworkError) and "still waiting" in str(r) for r in results)
        wait_for(lambda: len(hung.requests) >= 4, what="the four allowed requests")
        assert len(hung.requests) == 4
        assert hung.open_connections == 4


def test_many_deployments_each_get_their_own_pool(poller: Poller) -> None:
    policy = PollPolicy()
    with (
        hostile.HostileServer(hostile.silence()) as first,
        hostile.HostileServer(
            hostile.answer("200 OK", hostile.status_body("job-ok", "SUCCEEDED"))
        ) as second,
    ):
        stuck = [Quiet() for _ in range(40)]
        for number, listener in enumerate(stuck):
            client = SutroClient(api_key="k", base_url=first.url, deadline=600)
            poller.watch(f"job-{number}", client, listener, policy=policy)
        wait_for(lambda: first.open_connections >= 32, timeout=30, what="a full first pool")
        healthy = Quiet()
        poller.watch("job-ok", SutroClient(api_key="k", base_url=second.url), healthy)
        wait_for(lambda: healthy.heard == 1, timeout=10, what="the healthy deployment's answer")
