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

Faults
------
A client must survive what real networks do, so the simulator can misbehave on
purpose: every :class:`Fault` (5xx and 408, 429 with ``Retry-After`` in both
forms, a reset mid-body, no response at all, HTML pages, truncated or
wrong-shaped JSON, 2 MiB bodies framed three ways, a redirect to another
origin, 401 and 404 after good answers, the whole server down) can be switched
per job and per time window on the status endpoints of both generations::

    from sutro_widget.simulator import Fault, Simulator

    with Simulator() as sim:
        h = sim.inject(Fault.HTTP_503, job_id="job-x", after=0.0, duration=5.0)
        sim.inject(Fault.RATE_LIMIT, retry_after=2, requests=1)   # only the next request
        sim.go_down(); sim.come_up()          # refused, then up on the same port
        sim.revoke_key(); sim.restore_key()   # 401, then fine again
        h.clear(); sim.clear_faults()
        sim.fault_hits()                      # requests a fault answered
        sim.other_origin.visits               # who followed a redirect, with a key or not

Windows run on the simulator's clock (the injected one in tests, so nobody
sleeps); a faulted request never starts or moves a job's script, and is marked
in ``sim.requests`` (``RecordedRequest.fault``).

From a shell: ``--fault MODE[@JOB_PREFIX][,after=S][,for=S][,requests=N]``
(repeatable; also ``retry_after=S`` and ``plain``), e.g. ``--fault
http_503@job-succeeds,after=5,for=10``.

Another process (a browser test, a soak benchmark) switches faults on a running
simulator over HTTP, with the same ``Authorization: Key <key>`` header (401
without it; faults never apply to these requests, so a revoked key or a 503
window cannot lock the controller out):

- ``POST /_sim/faults`` with ``{"mode": "http_503", "job_id": null,
  "job_prefix": null, "after": 0, "duration": 5, "requests": null,
  "retry_after": null, "plain": false}`` (only ``mode`` is required; unknown
  fields are refused) -> ``201 {"fault": {"id": ..., ...}}``, or ``422
  {"detail": why}``. ``down`` needs a ``duration`` here, since the endpoint
  lives on the listener it closes.
- ``GET /_sim/faults`` -> ``{"faults": [...]}``, the faults not yet over.
- ``DELETE /_sim/faults[?job_id=X|job_prefix=P|mode=M]`` -> ``{"cleared": n}``
  (no filter: every fault).

Control answers close their connection (``Connection: close``) and are never
cut off by a ``DOWN`` they switch on; while the server is down the endpoint is
unreachable like the rest, so a controller waits for the window to end.

It knows nothing of the widget; it only knows what the API says. Layout:
``scripts`` (lifecycles, pure), ``wire`` (the two body shapes), ``faults``
(which fault, for whom, when; pure), ``fault_answers`` (each fault's bytes;
pure), ``app`` (routes, auth, job state, faults, request log; no sockets),
``fault_wire`` (playing a fault on a connection: resets, stalls, framing),
``other_origin`` (the redirect target that records visits), ``server`` (HTTP
and the :class:`Simulator` lifecycle, going down and up), ``__main__`` (the
command line).
"""

from __future__ import annotations

from .app import CONTROL_PATH, DEFAULT_API_KEY, RecordedRequest, SimulatedApi
from .fault_answers import HTML_ERROR_PAGE, HUGE_BODY_BYTES
from .faults import Fault, FaultHandle, FaultRule, FaultSpec
from .other_origin import OriginVisit, OtherOrigin
from .scripts import BUILTIN_SCRIPTS, FAILURE_METADATA, JobState, Step
from .server import Simulator

__all__ = [
    "BUILTIN_SCRIPTS",
    "CONTROL_PATH",
    "DEFAULT_API_KEY",
    "FAILURE_METADATA",
    "HTML_ERROR_PAGE",
    "HUGE_BODY_BYTES",
    "Fault",
    "FaultHandle",
    "FaultRule",
    "FaultSpec",
    "JobState",
    "OriginVisit",
    "OtherOrigin",
    "RecordedRequest",
    "SimulatedApi",
    "Simulator",
    "Step",
]
