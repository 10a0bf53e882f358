"""A local stand-in for the Sutro job API, for the demo notebook and every test.

The widget needs a server that behaves like Sutro's (both API generations,
``Authorization: Key`` auth, 404s, jobs that move through their statuses) but
costs nothing, needs no key, and can be driven step by step. This package is
that server: a real HTTP/1.1 server on loopback (standard library only) whose
jobs play *scripts* chosen by job-id prefix::

    from sutro_widget.simulator import Simulator, Step

    with Simulator() as sim:                 # sim.url, sim.url_v1, sim.api_key
        ...  # point a client at f"{sim.url_v1}/job-status/job-succeeds-1"
        sim.add_job("my-job", [Step("queued", None, "Waiting"), Step("succeeded", None, "Done")])
        sim.advance("my-job")

Or from a shell: ``python -m sutro_widget.simulator --port 8765``.

Endpoints
---------
Status in both generations (``GET /job-status/{id}``, ``GET
/v1/job-status/{id}``), and four more of the current API, under ``/v1`` only
(the legacy API has none of them, so ``/jobs/{id}`` or ``/list-jobs`` is a 404
like any unknown path):

- ``GET /v1/jobs/{id}`` -> ``{"job": {job_id, status, name, description,
  model, num_rows, input_tokens, output_tokens, job_cost, cost_estimate,
  failure_reason, datetime_created, datetime_started, datetime_completed}}``.
  ``job_cost`` is ``null`` until the job succeeded; dates are ISO-8601 UTC
  (``Z``) of the moments the script's clock passed those steps.
- ``GET /v1/stream-job-progress/{id}`` -> a chunked ``application/x-ndjson``
  response, one update per line: ``progress`` (rows done, cumulative, paced
  at most every 0.2 s of script time, the last one ``num_rows`` for a job
  that succeeds), ``tokens`` now and then, ``heartbeat`` after a real second
  of silence. It waits (with heartbeats) for a job not yet running and ends
  when the job leaves ``running``; for a job already over it sends the final
  count and ends at once.
- ``GET /v1/job-cancel/{id}`` -> ``{"cancelled": true, "message": ...}``; the
  job is ``CANCELLING`` for 2 s of script time (held if its step was held),
  then ``CANCELLED``. ``409`` with ``detail`` for a job that already ended.
- ``GET /v1/list-jobs[?limit=N][&cursor=C]`` -> the account's jobs, newest
  first by ``datetime_created``: with ``limit`` (1..100, else ``422``) one
  page, ``{"jobs": [...], "next_cursor": <str, null on the last page>}``;
  without it every job, ``{"jobs": [...], "message": ...}``. ``cursor`` is a
  previous page's ``next_cursor`` (anything else: ``400``). A row is
  ``{job_id, status, name, description, model, num_rows, job_priority,
  run_type ("FULL"), datetime_created, datetime_started, datetime_completed,
  job_cost, cost_estimate}``. The account holds every job registered
  (``add_job``, seeding) and every built-in job someone asked about; a
  registered job nobody has asked about yet is ``PENDING`` (submitted, not
  queued: its clock starts at its first request). Listing starts no clock.

A fresh simulator's account is empty; ``sim.seed_demo_jobs(6)`` (or
``--demo-jobs 6``) fills it with realistic jobs submitted minutes to days ago:
succeeded, failed, cancelled, one running, one queued, one pending.

Each built-in script has a name, a model and ``num_rows`` (2000); a
``running`` step moves rows linearly from 0 to ``num_rows`` over its time
(``Step(rows=...)`` stops short, for failures and cancels). A held running step
moves only by hand::

    sim.advance("job-held-1")                 # queued -> running (held)
    sim.set_progress("job-held-1", 500)       # open streams get {"result": 500} now
    sim.rows_done("job-held-1"), sim.num_rows("job-held-1")   # 500, 2000
    sim.request_count("job-held-1", route="v1/stream-job-progress")

A stream that breaks: the first stream of a ``job-stream-breaks-*`` job is
closed without its terminating chunk after 3 progress updates (once per job,
so a client that reconnects gets a whole stream), and ``Fault.STREAM_BREAK``
(``lines=N``) does it to every stream it targets.

Faults
------
A client must survive what real networks do, so the simulator can misbehave on
purpose: every :class:`Fault` (5xx and 408, 429 with ``Retry-After`` in both
forms, a reset mid-body, no response at all, HTML pages, truncated or
wrong-shaped JSON, 2 MiB bodies framed three ways, a redirect to another
origin, 401 and 404 after good answers, the whole server down) can be switched
per job and per time window on the status endpoints of both generations (and,
when aimed at no job in particular, on the job list, except the ``status_*``
shapes and ``not_found``), and ``STREAM_BREAK`` on progress streams (details
and cancel are never faulted)::

    from sutro_widget.simulator import Fault, Simulator

    with Simulator() as sim:
        h = sim.inject(Fault.HTTP_503, job_id="job-x", after=0.0, duration=5.0)
        sim.inject(Fault.RATE_LIMIT, retry_after=2, requests=1)   # only the next request
        sim.inject(Fault.STREAM_BREAK, job_id="job-x", lines=2)   # streams cut after 2 updates
        sim.go_down(); sim.come_up()          # refused, then up on the same port
        sim.revoke_key(); sim.restore_key()   # 401, then fine again
        h.clear(); sim.clear_faults()
        sim.fault_hits()                      # requests a fault answered
        sim.other_origin.visits               # who followed a redirect, with a key or not

Windows run on the simulator's clock (the injected one in tests, so nobody
sleeps); a faulted status request never starts or moves a job's script (a
broken stream was served first, so it does), and is marked in
``sim.requests`` (``RecordedRequest.fault``).

From a shell: ``--fault MODE[@JOB_PREFIX][,after=S][,for=S][,requests=N]``
(repeatable; also ``retry_after=S``, ``plain`` and ``lines=N``), e.g. ``--fault
http_503@job-succeeds,after=5,for=10``.

Another process (a browser test, a soak benchmark) switches faults on a running
simulator over HTTP, with the same ``Authorization: Key <key>`` header (401
without it; faults never apply to these requests, so a revoked key or a 503
window cannot lock the controller out):

- ``POST /_sim/faults`` with ``{"mode": "http_503", "job_id": null,
  "job_prefix": null, "after": 0, "duration": 5, "requests": null,
  "retry_after": null, "plain": false, "lines": null}`` (only ``mode`` is required; unknown
  fields are refused) -> ``201 {"fault": {"id": ..., ...}}``, or ``422
  {"detail": why}``. ``down`` needs a ``duration`` here, since the endpoint
  lives on the listener it closes.
- ``GET /_sim/faults`` -> ``{"faults": [...]}``, the faults not yet over.
- ``DELETE /_sim/faults[?job_id=X|job_prefix=P|mode=M]`` -> ``{"cleared": n}``
  (no filter: every fault).

Control answers close their connection (``Connection: close``) and are never
cut off by a ``DOWN`` they switch on; while the server is down the endpoint is
unreachable like the rest, so a controller waits for the window to end.

Tests pass ``clock=`` (scripts, fault windows, stream pacing), ``wall_clock=``
(the dates in job details) and ``heartbeat_seconds=`` to :class:`Simulator`,
so nothing depends on how fast the machine is.

It knows nothing of the widget; it only knows what the API says. Layout,
from data to sockets (each module imports only modules above it):

- ``scripts`` (steps, job metadata; pure), ``catalogue`` (the built-in jobs
  by prefix), ``demo_jobs`` (the jobs ``seed_demo_jobs`` adds), ``job_state``
  (playing a script: steps, rows, dates, cancel; pure), ``wire`` (every body,
  row and stream line's shape), ``listing`` (paging the job list; pure);
- ``faults/``: ``modes`` (every :class:`Fault`, and which requests it
  answers), ``specs`` (:class:`FaultSpec`, checked where written), ``rules``
  (faults on the clock), ``answers`` (each fault's bytes), ``player``
  (playing a fault on a connection: resets, stalls, framing);
- ``progress`` (which stream line goes out when; pure), ``routes`` (routes,
  calls, answers, the request record, the key check),
  ``state`` (the one object's state: jobs, account, faults, request log),
  ``scripting`` (jobs from Python), ``jobs_api`` (the job endpoints),
  ``control`` (faults from Python and ``/_sim/faults``), ``app``
  (:class:`SimulatedApi`, made of those three: the order of checks);
- ``stream_wire`` (playing a progress stream), ``other_origin`` (the redirect
  target that records visits), ``listener`` (HTTP on a socket), ``server``
  (:class:`Simulator`: a :class:`SimulatedApi` with a listener's life, going
  down and up), ``__main__`` (the command line).
"""

from __future__ import annotations

from .app import SimulatedApi
from .catalogue import BUILTIN_INFO, BUILTIN_SCRIPTS, FAILURE_METADATA
from .demo_jobs import DEMO_JOBS, DemoJob
from .faults import HTML_ERROR_PAGE, HUGE_BODY_BYTES, Fault, FaultHandle, FaultRule, FaultSpec
from .job_state import JobState, JobView
from .listing import MAX_LIMIT, MIN_LIMIT
from .other_origin import OriginVisit, OtherOrigin
from .progress import ProgressFeed
from .routes import CONTROL_PATH, DEFAULT_API_KEY, RecordedRequest
from .scripts import JobInfo, Step
from .server import Simulator

__all__ = [
    "BUILTIN_INFO",
    "BUILTIN_SCRIPTS",
    "CONTROL_PATH",
    "DEFAULT_API_KEY",
    "DEMO_JOBS",
    "FAILURE_METADATA",
    "HTML_ERROR_PAGE",
    "HUGE_BODY_BYTES",
    "MAX_LIMIT",
    "MIN_LIMIT",
    "DemoJob",
    "Fault",
    "FaultHandle",
    "FaultRule",
    "FaultSpec",
    "JobInfo",
    "JobState",
    "JobView",
    "OriginVisit",
    "OtherOrigin",
    "ProgressFeed",
    "RecordedRequest",
    "SimulatedApi",
    "Simulator",
    "Step",
]
