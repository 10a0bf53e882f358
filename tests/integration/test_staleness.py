"""A card that cannot reach the server says how old its state is, and recovers."""

from __future__ import annotations

from collections.abc import Callable

from sutro_widget import JobStatusWidget, PollPolicy
from sutro_widget.polling.poller import Poller
from sutro_widget.simulator import Simulator
from tests.helpers import wait_for

QUICK_STALE = PollPolicy(
    initial_interval=0.05, max_interval=0.1, error_initial=0.05, error_max=0.1, stale_after=0.4
)


def test_stale_state_is_said_in_traits_and_repr_then_cleared_on_recovery(
    poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    job_id = fresh_id("job-held")
    sim = Simulator().start()
    port = int(sim.url.rsplit(":", 1)[1])
    w = JobStatusWidget(
        job_id, api_key=sim.api_key, base_url=sim.url_v1, policy=QUICK_STALE, poller=poller
    )
    wait_for(lambda: w.status == "queued", what="queued")
    confirmed_at = w.last_checked_at
    sim.stop()  # the server goes away: connections are refused

    wait_for(lambda: bool(w.error), what="the connection error")
    assert "Could not connect" in w.error or "broke" in w.error  # a poll may be in flight
    assert w.stale is False  # a single failure is not yet staleness
    assert w.status == "queued"  # the last good state stays

    wait_for(lambda: w.stale, timeout=5, what="the stale flag")
    assert w.status == "queued"
    assert w.polling is True  # still trying
    assert w.state == "stale"
    assert w.last_checked_at >= confirmed_at
    assert "state='stale'" in repr(w)
    assert "last_seen=" in repr(w)
    html = w._repr_mimebundle_()[0]["text/html"]
    assert "Contact lost · last seen queued" in html

    revived = Simulator(port=port).start()  # the server is back on the same address
    try:
        wait_for(lambda: not w.stale and not w.error, timeout=5, what="recovery")
        assert w.status == "queued"  # a fresh simulator replays the job from the start
        assert w.state == "queued"
        assert "last_seen=" not in repr(w)
    finally:
        w.close()
        revived.stop()
