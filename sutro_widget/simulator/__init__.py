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

It knows nothing of the widget; it only knows what the API says. Layout:
``scripts`` (lifecycles, pure), ``wire`` (the two body shapes), ``app``
(routes, auth, job state, request log; no sockets), ``server`` (HTTP and the
:class:`Simulator` lifecycle), ``__main__`` (the command line).
"""

from __future__ import annotations

from .app import DEFAULT_API_KEY, RecordedRequest, SimulatedApi
from .scripts import BUILTIN_SCRIPTS, FAILURE_METADATA, JobState, Step
from .server import Simulator

__all__ = [
    "BUILTIN_SCRIPTS",
    "DEFAULT_API_KEY",
    "FAILURE_METADATA",
    "JobState",
    "RecordedRequest",
    "SimulatedApi",
    "Simulator",
    "Step",
]
