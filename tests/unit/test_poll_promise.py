"""The README's promise, proven as a property of the real poller over generated days.

"A job that can end (running, cancelling, unknown) is never left unasked for
more than 5 s" - unless its progress stream is delivering new rows, which is
asking by other means: then a status check comes within 10 s of the last new
rows (the stall watchdog), and at most 5 s after that when the budget is spent.
And requests that tell a job's status (``job-status``, and ``jobs/{id}``,
which the poller asks instead where it exists) never run ahead of the SDK's
budget: one per 5 s of a watch's life, plus the first, plus what the user
asked for with Refresh, plus one for the final cost after the end. A poll
(the first, or a Refresh) may take two requests: ``jobs/{id}`` and then
``job-status``, to tell a 404's owner or a failed or unknown job's story; so
may the first poll after ``jobs/{id}``, which answered before, answers 404.

A hypothesis state machine interleaves, for many jobs on up to three
deployments (legacy and current API): every status; streams that deliver, are
refused (404, 405, 410, 501, an HTML 404 page), break, end at once, stay open
after the end, stall or only beat; details answered, absent or failing; 5xx,
429 with ``Retry-After``, timeouts and refused connections; Refresh, stop and
start; cards made by the hundred; a second card on a job; time passing. It
runs the real poller, policy, feeds and HTTP client in virtual time
(:mod:`tests.virtual_sutro`), so a day of polling costs milliseconds.
"""

from __future__ import annotations

import math
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from sutro_widget.api.client import SutroClient
from sutro_widget.api.limits import IN_FLIGHT_PER_ORIGIN, REQUEST_DEADLINE
from sutro_widget.polling.feeds import JobFeed, feeds_of
from sutro_widget.polling.policy import PollPolicy
from sutro_widget.polling.streams import STALL_SECONDS
from tests.virtual_sutro import (
    DETAILS_MODES,
    ENDABLE,
    FAULTS,
    STREAM_MODES,
    WIRE_STATUS,
    Deployment,
    FakeSutro,
    InLoopPoller,
    Job,
    VirtualTimeLoop,
)

pytestmark = pytest.mark.long  # scheduled first: the parallel run must not end waiting on it

POLICY = PollPolicy()
PACE = POLICY.budget_interval
MAX_JOBS = 320


class Recorder:
    """A view of a job (what a card is to its feed): it only counts what it is told."""

    def __init__(self) -> None:
        self.results = 0

    def on_poll_result(self, result: object, *, still_polling: bool) -> None:
        self.results += 1

    def on_progress_view(self, progress: dict[str, Any], *, heard: bool) -> None:
        pass

    def on_details(self, result: object, *, final: bool) -> None:
        pass


class Card:
    """One job as the machine follows it: its feed, its views, its watch periods."""

    def __init__(self, deployment: Deployment, job: Job, feed: JobFeed) -> None:
        self.deployment, self.job, self.feed = deployment, job, feed
        self.views = [Recorder()]
        self.watching = False
        self.since = 0.0  # when the current watch period began
        self.requests_before = 0  # status requests before it began
        self.refreshes = 0


class PollPromise(RuleBasedStateMachine):
    """See the module docstring."""

    def __init__(self) -> None:
        super().__init__()
        self.loop = VirtualTimeLoop()
        self.sutro = FakeSutro(self.loop)
        self.sutro.on_status_request = self._check_arrival
        self.poller = InLoopPoller(self.loop, self.sutro)
        self.cards: list[Card] = []
        self.clients: dict[str, SutroClient] = {}
        self.violations: list[str] = []

    # -- the world ---------------------------------------------------------------

    @initialize(current=st.booleans(), stream=st.sampled_from(STREAM_MODES))
    def first_deployment(self, current: bool, stream: str) -> None:
        self._add_deployment(current, stream, "answered" if current else "absent")

    @precondition(lambda self: len(self.sutro.deployments) < 3)
    @rule(
        current=st.booleans(),
        stream=st.sampled_from(STREAM_MODES),
        details=st.sampled_from(DETAILS_MODES),
    )
    def another_deployment(self, current: bool, stream: str, details: str) -> None:
        self._add_deployment(current, stream, details)

    @precondition(lambda self: len(self.cards) < MAX_JOBS - 100)
    @rule(
        data=st.data(),
        count=st.sampled_from([1, 1, 2, 5, 100]),
        status=st.sampled_from(list(WIRE_STATUS)),
    )
    def cards_at_once(self, data: st.DataObject, count: int, status: str) -> None:
        deployment = data.draw(st.sampled_from(sorted(self.sutro.deployments.values(), key=_host)))
        for _ in range(count):
            job = Job(f"job-{len(self.cards)}", status="queued")
            deployment.jobs[job.job_id] = job
            self.sutro.set_status(deployment, job, status)
            client = self.clients[deployment.host]
            card = Card(deployment, job, feeds_of(self.poller).feed(client, job.job_id, POLICY))
            self.cards.append(card)
            self._start(card)

    @precondition(lambda self: self.cards)
    @rule(data=st.data())
    def second_card_on_a_job(self, data: st.DataObject) -> None:
        card = data.draw(st.sampled_from(self.cards))
        view = Recorder()
        card.views.append(view)
        if card.watching:
            card.feed.join(view)

    @precondition(lambda self: self.cards)
    @rule(data=st.data(), status=st.sampled_from(list(WIRE_STATUS)))
    def job_moves(self, data: st.DataObject, status: str) -> None:
        card = data.draw(st.sampled_from(self.cards))
        self.sutro.set_status(card.deployment, card.job, status)

    @rule(data=st.data(), mode=st.sampled_from(STREAM_MODES))
    def stream_changes(self, data: st.DataObject, mode: str) -> None:
        data.draw(self._deployments()).stream = mode

    @rule(data=st.data(), mode=st.sampled_from(DETAILS_MODES))
    def details_change(self, data: st.DataObject, mode: str) -> None:
        data.draw(self._deployments()).details = mode

    @rule(
        data=st.data(),
        fault=st.sampled_from(FAULTS),
        retry_after=st.sampled_from([1.0, 7.0, 30.0, 86_400.0]),
    )
    def server_fault(self, data: st.DataObject, fault: str, retry_after: float) -> None:
        deployment = data.draw(self._deployments())
        deployment.retry_after = retry_after
        self.sutro.set_fault(deployment, fault)

    @precondition(lambda self: self.cards)
    @rule(data=st.data())
    def refresh(self, data: st.DataObject) -> None:
        card = data.draw(st.sampled_from(self.cards))
        if card.feed.poll_now():
            card.refreshes += 1

    @precondition(lambda self: self.cards)
    @rule(data=st.data())
    def stop_or_start(self, data: st.DataObject) -> None:
        card = data.draw(st.sampled_from(self.cards))
        if card.watching:
            for view in card.views:
                card.feed.leave(view)
            card.watching = False
        else:
            self._start(card)

    @rule(seconds=st.sampled_from([0.1, 0.5, 1.0, 3.0, 4.9, 7.0, 12.0, 30.0, 75.0]))
    def time_passes(self, seconds: float) -> None:
        self.loop.advance(seconds)

    # -- the promise -------------------------------------------------------------

    @invariant()
    def nobody_was_left_unasked(self) -> None:
        assert not self.poller.crashes, self.poller.crashes
        for card in self.cards:
            due = self._deadline(card)
            if due is not None and self.loop.now > due:
                self.violations.append(self._late(card, self.loop.now, due))
        assert not self.violations, self.violations[:3]

    @invariant()
    def requests_never_run_ahead_of_the_budget(self) -> None:
        for card in self.cards:
            if card.watching:
                self._check_budget(card)

    def teardown(self) -> None:
        self.poller.shutdown()
        self.loop.advance(REQUEST_DEADLINE + 1)
        self.loop.close()

    # -- helpers -----------------------------------------------------------------

    def _add_deployment(self, current: bool, stream: str, details: str) -> None:
        host = f"d{len(self.sutro.deployments)}.sutro.test"
        deployment = self.sutro.add(Deployment(host, current=current, stream=stream))
        deployment.details = details
        self.clients[host] = SutroClient(api_key="sk-property", base_url=deployment.base_url)

    def _deployments(self) -> st.SearchStrategy[Deployment]:
        return st.sampled_from(sorted(self.sutro.deployments.values(), key=_host))

    def _start(self, card: Card) -> None:
        card.watching = True
        card.since = self.loop.now
        card.requests_before = len(card.job.status_requests)
        card.refreshes = 0
        card.job.answered = None  # the promise restarts with this watch's first answer
        for view in card.views:
            card.feed.join(view)

    def _deadline(self, card: Card) -> float | None:
        """When ``card``'s job must be asked next, or ``None`` if nothing is promised now."""
        job, deployment = card.job, card.deployment
        if not card.watching or job.answered is None:
            return None
        answered_at, status = job.answered
        if status not in ENDABLE:
            return None  # waiting (15 s is allowed) or final (polling stopped)
        if deployment.faulty_at + REQUEST_DEADLINE >= answered_at:
            return None  # a failing server (or its hung requests in the slots) excuses it
        due = answered_at + PACE
        if job.rows_sent_at is not None and job.rows_sent_at >= answered_at - STALL_SECONDS:
            due = max(due, job.rows_sent_at + STALL_SECONDS + PACE)
        on_deployment = len(deployment.jobs)
        queue = math.ceil(on_deployment / IN_FLIGHT_PER_ORIGIN) + 2
        return due + deployment.rtt * queue + 0.3 + on_deployment / 200

    def _check_arrival(self, deployment: Deployment, job: Job, now: float) -> None:
        card = self.cards[int(job.job_id.split("-")[1])]
        due = self._deadline(card)
        if due is not None and now > due:
            self.violations.append(self._late(card, now, due))

    def _check_budget(self, card: Card) -> None:
        made = len(card.job.status_requests) - card.requests_before
        # The first poll and each Refresh: one poll each, of at most two requests.
        allowed = 2 + (self.loop.now - card.since) / PACE + 2 * card.refreshes
        # A 404 from a jobs/{id} that answered before: the route went (or the job did);
        # telling which takes one job-status request more, once.
        allowed += sum(at >= card.since for at in card.job.details_vanished_at)
        ended = card.job.final_answered_at
        if ended is not None and ended >= card.since:
            allowed += 1  # the final cost, asked apart where the end came from job-status
        assert made <= allowed, (
            f"{card.job.job_id} on {card.deployment.host}: {made} status requests in "
            f"{self.loop.now - card.since:.1f} s, budget {allowed:.1f}"
        )

    def _late(self, card: Card, now: float, due: float) -> str:
        job = card.job
        return (
            f"{job.job_id} ({job.answered}) on {card.deployment.host} "
            f"(stream {card.deployment.stream}, current {card.deployment.current}): "
            f"unasked until {now:.2f}, due by {due:.2f}; rows sent at {job.rows_sent_at}"
        )


def _host(deployment: Deployment) -> str:
    return deployment.host


PollPromise.TestCase.settings = settings(
    max_examples=300,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
test_the_poll_promise_holds = PollPromise.TestCase


class _Picks:
    """Stands in for hypothesis' ``data``: each draw takes the next value given."""

    def __init__(self, *values: object) -> None:
        self._values = iter(values)

    def draw(self, _strategy: object) -> object:
        return next(self._values)


def test_a_details_route_that_vanishes_mid_watch_costs_one_request_once() -> None:
    """The day hypothesis found (4 requests in 6 s): an unknown job, then jobs/{id} gone."""
    machine = PollPromise()
    try:
        machine.first_deployment(current=True, stream="delivers")
        first = machine.sutro.deployments["d0.sutro.test"]
        machine.cards_at_once(_Picks(first), count=1, status="unknown")  # type: ignore[arg-type]
        machine.time_passes(3.0)
        machine.details_change(_Picks(first), mode="absent")  # type: ignore[arg-type]
        machine.time_passes(3.0)
        machine.time_passes(30.0)
        machine.nobody_was_left_unasked()
        machine.requests_never_run_ahead_of_the_budget()
        assert machine.cards[0].job.details_vanished_at, "the route never vanished for the job"
    finally:
        machine.teardown()
