"""The Jupyter server extension: JupyterLab follows Sutro jobs with no kernel at all.

Enabled by the wheel (``etc/jupyter/jupyter_server_config.d/sutro_widget.json``),
it serves the Sutro jobs panel of the Lab extension (``js/lab/``): the account's
newest jobs and any job a page asks about, followed by one poller in the server
process with the same ``api/`` and ``polling/`` code a kernel uses, the key and
URL found by the same rules in the server's environment. Nothing below this
room imports it.
"""

from __future__ import annotations

from typing import Any

from tornado.ioloop import PeriodicCallback

from .handlers import routes
from .jobs import ServerJobs

#: How often the server lists again and looks for idleness (milliseconds).
TICK_MS = 10_000


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Register the routes and the one :class:`ServerJobs` of this server."""
    jobs = ServerJobs()
    web_app = serverapp.web_app
    web_app.settings["sutro_jobs"] = jobs
    web_app.add_handlers(".*$", routes(web_app.settings["base_url"]))
    ticker = PeriodicCallback(jobs.tick, TICK_MS)
    ticker.start()
    web_app.settings["sutro_ticker"] = ticker
    serverapp.log.info("sutro-widget: the Sutro jobs panel is served under /sutro/")
