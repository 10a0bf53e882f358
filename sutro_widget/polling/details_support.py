"""Whether a deployment has ``jobs/{id}``, learnt once per deployment, and so what a poll asks.

The current API's ``jobs/{id}`` answer holds a job's status *and* its details
(name, model, rows, tokens, cost, times). Where a deployment has the route,
every poll asks it (:meth:`DetailsSupport.poll`): the card's details cost no
request of their own, and a finished job's final cost comes with the answer
that says it finished, so a card asks no more than the SDK's status loop.
The legacy API (and a current deployment without the route) answers 404;
there a poll asks ``job-status`` and the card has no details.

Per deployment (by base URL) the route is known present, known absent, or not
known yet. While it is not known, one request goes first (the probe) and the
others wait for it on the poller's loop: a URL that ends in ``/v1`` (the SDK's
form of a current deployment) probes with a poll; any other base URL probes
with a details request (:meth:`DetailsSupport.fetch`) after its first answer
of the current generation. A 404 for a job whose status answered means "no
details here" for every job of that deployment. A ``jobs/{id}`` that fails
(5xx, a wrong shape) makes the deployment unknown again: the next poll asks
``job-status``, and the route is probed afresh when details are next wanted.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from ..api.client import SutroClient
from ..api.shapes import JobStatus, StatusReport
from ..errors import ProtocolError, ServerError, SutroError

#: Answers to ``jobs/{id}`` that mean "no such route here" (for a job that exists).
ROUTE_ABSENT = frozenset({404, 405, 501})

#: Seconds after a failing ``jobs/{id}`` during which a deployment's polls ask ``job-status``.
FAILING_FOR = 60.0

#: Jobs whose ``job-status`` story (message, metadata) is kept for their unknown status.
MAX_STORIES = 1024

#: Statuses whose ``job-status`` answer tells what the job object does not: why it
#: failed (its context, the row), what an unknown status means ("paused by operator").
TOLD_BY_JOB_STATUS = frozenset({JobStatus.FAILED, JobStatus.UNKNOWN})

#: Seconds a poll waits for another job's probe of ``jobs/{id}`` before asking ``job-status``:
#: one job whose requests hang must not hold every other card at "Connecting".
PROBE_WAIT = 3.0

#: What a deployment without ``jobs/{id}`` gives a card instead of details.
NO_DETAILS = SutroError("This deployment has no job details endpoint.", status_code=404)


class Asker:
    """One poll's requests about one job, counted: each spends the poll budget."""

    def __init__(self, client: SutroClient, job_id: str, http: httpx.AsyncClient) -> None:
        self.client, self.job_id, self._http = client, job_id, http
        #: Requests sent so far (2 where a ``jobs/{id}`` 404 was told apart by ``job-status``).
        self.requests = 0

    async def status(self) -> StatusReport:
        """``job-status``: the status alone."""
        self.requests += 1
        return await self.client.fetch_status_async(self.job_id, self._http)

    async def job(self) -> StatusReport:
        """``jobs/{id}``: the status with the details."""
        self.requests += 1
        return await self.client.fetch_job_async(self.job_id, self._http)


class DetailsSupport:
    """What each deployment said about ``jobs/{id}``; used on the poller's loop."""

    def __init__(self) -> None:
        self._without: dict[str, SutroError] = {}
        self._with: set[str] = set()
        #: Deployments whose ``jobs/{id}`` failed lately, and until when polls ask
        #: ``job-status`` there (the loop's clock).
        self._failing: dict[str, float] = {}
        self._probes: dict[str, asyncio.Event] = {}
        #: The last ``job-status`` answer per (deployment, job) in a told status.
        self._stories: OrderedDict[tuple[str, str], StatusReport] = OrderedDict()

    def missing(self, base_url: str) -> SutroError | None:
        """The error that showed ``base_url`` has no details endpoint, if one did."""
        return self._without.get(base_url)

    def polls_bring_details(self, base_url: str) -> bool:
        """Whether polls there ask ``jobs/{id}``, now or soon: details need no request apart."""
        if base_url in self._with:
            return True
        return base_url not in self._without and _looks_current(base_url)

    async def poll(self, ask: Asker) -> StatusReport:
        """The job's status, asked the cheapest way this deployment allows; raise its error.

        The answer carries the details (:attr:`StatusReport.details`) when it came from
        ``jobs/{id}``. A failed or unknown job's answer is completed from ``job-status``, whose
        metadata tells more of the failure than the job object does.
        """
        base_url = ask.client.base_url
        while True:
            if base_url in self._with:
                return await self._ask_job(ask)
            if base_url in self._without or self._is_failing(base_url):
                return await ask.status()
            if not _looks_current(base_url):
                return await ask.status()
            probe = self._probes.get(base_url)
            if probe is None:
                return await self._probe_with_poll(ask)
            try:
                await asyncio.wait_for(probe.wait(), PROBE_WAIT)
            except asyncio.TimeoutError:  # the probe's job hangs; this job asks job-status
                return await ask.status()

    async def fetch(
        self, base_url: str, ask: Callable[[], Awaitable[dict[str, Any]]]
    ) -> dict[str, Any] | SutroError:
        """``ask()``'s details, or the error; alone while the deployment is unknown.

        Only call it for a job whose status answered (so a 404 is the route's,
        not the job's).
        """
        while base_url not in self._with:
            if (missing := self._without.get(base_url)) is not None:
                return missing
            probe = self._probes.get(base_url)
            if probe is None:
                return await self._probe_with_details(base_url, ask)
            await probe.wait()
        return await _outcome(ask)

    async def _ask_job(self, ask: Asker) -> StatusReport:
        try:
            report = await ask.job()
        except (ServerError, ProtocolError):
            self._failed(ask.client.base_url)
            raise
        except SutroError as error:
            if error.status_code not in ROUTE_ABSENT:
                raise
            return await self._whose_404(ask)
        return await self._with_story(report, ask)

    async def _with_story(self, report: StatusReport, ask: Asker) -> StatusReport:
        """A failed or unknown job's report with ``job-status``'s message and metadata.

        One more request per raw status a job shows (a failed job once, an
        unknown one when its status changes); if it fails, the job object stands.
        """
        if report.status not in TOLD_BY_JOB_STATUS:
            return report
        key = (ask.client.base_url, ask.job_id)
        told = self._stories.get(key)
        if told is None or told.raw_status.upper() != report.raw_status.upper():
            try:
                told = await ask.status()
            except SutroError:
                return report
            if told.status is not report.status:  # it moved on in between
                return report
            self._stories[key] = told
            while len(self._stories) > MAX_STORIES:
                self._stories.popitem(last=False)
        self._stories.move_to_end(key)
        return dataclasses.replace(told, details=report.details)

    async def _whose_404(self, ask: Asker) -> StatusReport:
        """``jobs/{id}`` said 404: the job's or the route's? ``job-status`` tells.

        It raises the job's own 404; if it answers, the deployment has no details route;
        if it fails otherwise, polls ask ``job-status`` for a while. Never a job given up
        for a route that is missing.
        """
        base_url = ask.client.base_url
        try:
            report = await ask.status()
        except SutroError as error:
            if error.status_code != 404:
                self._failed(base_url)
            raise
        self._with.discard(base_url)
        self._without[base_url] = NO_DETAILS
        return report

    def _failed(self, base_url: str) -> None:
        """``jobs/{id}`` failed there: polls ask ``job-status`` for :data:`FAILING_FOR` s."""
        self._with.discard(base_url)
        self._failing[base_url] = asyncio.get_running_loop().time() + FAILING_FOR

    def _is_failing(self, base_url: str) -> bool:
        until = self._failing.get(base_url)
        if until is None:
            return False
        if asyncio.get_running_loop().time() < until:
            return True
        del self._failing[base_url]  # try jobs/{id} again (the next poll probes it)
        return False

    async def _probe_with_poll(self, ask: Asker) -> StatusReport:
        base_url = ask.client.base_url
        self._probes[base_url] = probe = asyncio.Event()
        try:
            try:
                report = await ask.job()
            except (ServerError, ProtocolError):
                self._failed(base_url)
                raise
            except SutroError as error:
                if error.status_code not in ROUTE_ABSENT:
                    raise
                return await self._whose_404(ask)
            self._with.add(base_url)
            return await self._with_story(report, ask)
        finally:
            del self._probes[base_url]
            probe.set()

    async def _probe_with_details(
        self, base_url: str, ask: Callable[[], Awaitable[dict[str, Any]]]
    ) -> dict[str, Any] | SutroError:
        self._probes[base_url] = probe = asyncio.Event()
        try:
            result = await _outcome(ask)
            if isinstance(result, dict):
                self._with.add(base_url)
                self._failing.pop(base_url, None)
            elif result.status_code in ROUTE_ABSENT:
                self._without[base_url] = NO_DETAILS
            return result
        finally:
            del self._probes[base_url]
            probe.set()


def _looks_current(base_url: str) -> bool:
    """Whether ``base_url`` has the SDK's form of a current deployment (``<origin>/v1``)."""
    return httpx.URL(base_url).path.rstrip("/").endswith("/v1")


async def _outcome(ask: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any] | SutroError:
    try:
        return await ask()
    except SutroError as error:
        return error
