"""Every fault the network or server can throw at a card, over real HTTP.

For each mode: the last good status stays on the card, ``error`` names the
problem in a sentence, polling goes on with backoff for faults that may pass
(and stops, with the reason, for 401/404), and the first good answer after the
fault clears the error. Nothing from the poller thread reaches stderr.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from sutro_widget import JobStatusWidget, PollPolicy
from sutro_widget.polling.poller import Poller
from sutro_widget.simulator import Fault, Simulator
from tests.helpers import make_card, wait_for

RETRY_POLICY = PollPolicy(
    initial_interval=0.05,
    max_interval=0.2,
    error_initial=0.05,
    error_max=0.2,
    stale_after=60,
    streaming_interval=0.2,  # the faults hit status polls: ask often under a stream too
    streaming_quiet_interval=0.2,
)


@dataclass(frozen=True)
class Case:
    fault: Fault
    #: Words the card's error sentence must contain.
    says: str
    #: Whether polling should go on (transient) or stop (401/404).
    transient: bool = True


CASES = [
    Case(Fault.HTTP_500, "HTTP 500"),
    Case(Fault.HTTP_502, "HTTP 502"),
    Case(Fault.HTTP_503, "HTTP 503"),
    Case(Fault.HTTP_408, "HTTP 408"),
    Case(Fault.RATE_LIMIT, "rate limiting"),
    Case(Fault.RATE_LIMIT_DATE, "rate limiting"),
    Case(Fault.DOWN, "Could not connect"),
    Case(Fault.CONNECTION_RESET, "broke before the answer was complete"),
    Case(Fault.NO_RESPONSE, "No answer"),
    Case(Fault.HTML_PAGE_200, "was not JSON"),
    Case(Fault.HTML_PAGE_502, "HTTP 502"),
    Case(Fault.TRUNCATED_JSON, "was not JSON"),
    Case(Fault.STATUS_NUMBER, "was not a job status"),
    Case(Fault.STATUS_LIST, "was not a job status"),
    Case(Fault.STATUS_OTHER_JOB, "does not mention job"),
    Case(Fault.HUGE_BODY, "too large to be a job status"),
    Case(Fault.HUGE_BODY_CHUNKED, "too large to be a job status"),
    Case(Fault.HUGE_BODY_NO_LENGTH, "too large to be a job status"),
    Case(Fault.REDIRECT_OTHER_ORIGIN, "redirect"),
    Case(Fault.UNAUTHORIZED, "rejected the API key", transient=False),
    Case(Fault.NOT_FOUND, "was not found", transient=False),
]


@pytest.fixture
def fault_sim() -> Iterator[Simulator]:
    """A simulator of its own: DOWN closes its port, which must not hurt other tests."""
    with Simulator() as simulator:
        yield simulator


@pytest.fixture
def quiet_thread(
    caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> Iterator[None]:
    """Fail if the poller thread logged an error or printed anything to stderr."""
    caplog.set_level(logging.WARNING, logger="sutro_widget")
    yield
    assert [r for r in caplog.records if r.name.startswith("sutro_widget")] == []
    assert "Traceback" not in capfd.readouterr().err


def running_card(sim: Simulator, poller: Poller, job_id: str) -> JobStatusWidget:
    """A card whose last good state is 'running', with a short request timeout."""
    w = make_card(sim, job_id, poller, policy=RETRY_POLICY, timeout=0.5)
    wait_for(lambda: w.status == "queued", what="queued")
    sim.advance(job_id)
    wait_for(lambda: w.status == "running", what="running")
    return w


@pytest.mark.usefixtures("quiet_thread")
@pytest.mark.parametrize("case", CASES, ids=[c.fault.value for c in CASES])
def test_the_card_rides_out_the_fault(
    fault_sim: Simulator, poller: Poller, fresh_id: Callable[[str], str], case: Case
) -> None:
    job_id = fresh_id("job-held")
    w = running_card(fault_sim, poller, job_id)
    # A refused connection names no job: DOWN takes the whole server away.
    down = case.fault is Fault.DOWN
    handle = fault_sim.inject(case.fault, job_id=None if down else job_id)

    # The first failure may be a pooled connection the fault cut; the card must
    # settle on the sentence that names this fault.
    wait_for(lambda: case.says in w.error, timeout=10, what=f"the card to say {case.says!r}")
    assert w.status == "running"  # the last good state stays
    assert w.raw_status == "RUNNING"

    if not case.transient:
        wait_for(lambda: not w.polling, what="polling to stop")
        return

    if down:  # refused connections are not counted anywhere; give them time
        threading.Event().wait(1.0)
    else:
        hits = fault_sim.fault_hits(job_id)
        wait_for(
            lambda: fault_sim.fault_hits(job_id) >= hits + 2,
            timeout=10,
            what="polling to go on through the fault",
        )
    assert w.polling is True
    assert w.status == "running"

    handle.clear()
    wait_for(lambda: w.error == "", timeout=10, what="recovery on the first good answer")
    assert w.status == "running"
    fault_sim.advance(job_id)
    assert w.wait(10) == "succeeded"


@pytest.mark.parametrize("fault", [Fault.RATE_LIMIT, Fault.RATE_LIMIT_DATE])
def test_retry_after_is_obeyed(
    fault_sim: Simulator, poller: Poller, fresh_id: Callable[[str], str], fault: Fault
) -> None:
    job_id = fresh_id("job-held")
    w = running_card(fault_sim, poller, job_id)
    fault_sim.inject(fault, job_id=job_id, retry_after=2, requests=1)
    wait_for(lambda: "rate limiting" in w.error, what="the 429")
    wait_for(lambda: w.error == "", timeout=10, what="the retry")
    mine = [r for r in fault_sim.requests if r.job_id == job_id]
    limited = next(i for i, r in enumerate(mine) if r.fault is not None)
    gap = mine[limited + 1].at - mine[limited].at
    # The backoff alone would retry after at most 0.2 s; the server asked for 2 s.
    # (An HTTP date has one-second resolution, so allow for the rounding.)
    assert gap >= (1.9 if fault is Fault.RATE_LIMIT else 1.0), gap
    w.close()


def test_a_redirect_to_another_origin_is_not_followed_and_the_key_never_goes_there(
    fault_sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    job_id = fresh_id("job-held")
    w = running_card(fault_sim, poller, job_id)
    fault_sim.inject(Fault.REDIRECT_OTHER_ORIGIN, job_id=job_id)
    wait_for(lambda: fault_sim.fault_hits(job_id) >= 3, what="several redirected polls")
    assert fault_sim.other_origin.visits == []
    w.close()


def test_the_server_going_down_and_up_again_on_the_same_port(
    fault_sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    job_id = fresh_id("job-held")
    w = running_card(fault_sim, poller, job_id)
    fault_sim.go_down()
    wait_for(lambda: "Could not connect" in w.error, what="connection refused")
    fault_sim.come_up()
    wait_for(lambda: w.error == "", timeout=10, what="recovery once the server is back")
    assert w.status == "running"
    w.close()
