"""The REST routes of the server extension, behind Jupyter's own login and XSRF checks.

Every handler is an ``APIHandler`` whose verbs carry ``tornado.web.authenticated``:
a request without the user's token or cookie is refused, and a ``POST`` with a
cookie but without the XSRF token is refused by Jupyter before it reaches us.
The answers are rows and sentences; the API key never leaves the server.

* ``GET  sutro/board?after=N&wait=S`` what changed since version N (waits up to S s)
* ``POST sutro/board/more``           the next list-jobs page
* ``POST sutro/jobs/{id}/follow``     follow a job by id (a card whose kernel is gone)
* ``POST sutro/jobs/{id}/expand``     ``{"expanded": bool}``: send its full card fields
* ``POST sutro/jobs/{id}/cancel``     ask Sutro to cancel it
* ``GET  sutro/assets``, ``sutro/static/…`` the card's built code (:mod:`.static_files`)
"""

from __future__ import annotations

import json
from typing import Any

import tornado.web
from jupyter_server.base.handlers import APIHandler, JupyterHandler

from .jobs import ServerJobs
from .static_files import static_routes

#: The longest a page's request for changes is held open (seconds).
MAX_WAIT_SECONDS = 25.0


class _JobsHandler(APIHandler):
    """A route of the extension: it reaches the server's one :class:`ServerJobs`."""

    @property
    def jobs(self) -> ServerJobs:
        jobs: ServerJobs = self.settings["sutro_jobs"]
        return jobs

    def answer(self, body: dict[str, Any], status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(body))


class BoardHandler(_JobsHandler):
    """The board's rows: what changed since the page's version, held until something does."""

    @tornado.web.authenticated
    async def get(self) -> None:
        """``after``: the version the page has; ``wait``: how long to hold (0: at once)."""
        try:
            after = int(self.get_query_argument("after", "0"))
            wait = min(MAX_WAIT_SECONDS, max(0.0, float(self.get_query_argument("wait", "0"))))
        except ValueError:
            self.answer({"error": "after must be a whole number and wait a number of seconds"}, 400)
            return
        if wait > 0:
            self.answer(await self.jobs.next_snapshot(after, wait))
        else:
            self.answer(self.jobs.snapshot(after))


class MoreHandler(_JobsHandler):
    """The next page of the account's jobs."""

    @tornado.web.authenticated
    def post(self) -> None:
        """Ask for it; the rows arrive through the board route."""
        self.jobs.load_more()
        self.answer({"ok": True})


class JobHandler(_JobsHandler):
    """One job: follow it, unfold it, cancel it."""

    @tornado.web.authenticated
    def post(self, job_id: str, action: str) -> None:
        """``action`` is ``follow``, ``expand`` or ``cancel``."""
        try:
            if action == "follow":
                self.jobs.follow(job_id)
            elif action == "expand":
                expanded = bool((self.get_json_body() or {}).get("expanded", True))
                self.jobs.set_expanded(job_id, expanded)
            elif not self.jobs.cancel(job_id):
                self.answer({"error": f"Job {job_id!r} is not followed here."}, 404)
                return
        except (ValueError, TypeError, AttributeError) as exc:
            self.answer({"error": str(exc)}, 400)
            return
        self.answer({"ok": True})


def routes(base_url: str) -> list[tuple[str, type[JupyterHandler]]]:
    """The handlers under ``{base_url}sutro/``."""
    prefix = base_url.rstrip("/") + "/sutro"
    return [
        (f"{prefix}/board", BoardHandler),
        (f"{prefix}/board/more", MoreHandler),
        (f"{prefix}/jobs/([^/]+)/(follow|expand|cancel)", JobHandler),
        *static_routes(prefix),
    ]
