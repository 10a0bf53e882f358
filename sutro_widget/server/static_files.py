"""The card's built code, served once per page so cards need not carry it (``card/served_assets``).

* ``GET sutro/assets``: this build's fingerprint and the path it is served
  under (behind Jupyter's login, like every other route of ours);
* ``GET sutro/static/{fingerprint}/{widget.js|board.js|widget.css}``: the files,
  only for this build's fingerprint (another build's kernel gets a 404 and
  stays inline), cached for good since the path names the build.

The files are served without login, as Jupyter serves its own ``/static/`` and
``/lab/extensions/``: they are public code with no secret in them, and an ES
module import must not depend on how the page's login travels.
"""

from __future__ import annotations

import json

import tornado.web
from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.base.handlers import APIHandler, JupyterHandler

from ..card.assets import FILES, build_fingerprint

_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


def static_path() -> str:
    """Where this build is served, below the server's base URL."""
    return f"sutro/static/{build_fingerprint()}/"


class AssetsHandler(APIHandler):
    """Which build the server serves, and where."""

    @tornado.web.authenticated
    def get(self) -> None:
        """``{"fingerprint": ..., "path": "sutro/static/<fingerprint>/"}``."""
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps({"fingerprint": build_fingerprint(), "path": static_path()}))


class StaticFileHandler(JupyterHandler):
    """One built file of this build; anything else is a 404."""

    @allow_unauthenticated
    def get(self, fingerprint: str, name: str) -> None:
        """The file, cached for a year: its path changes with every build."""
        if fingerprint != build_fingerprint() or name not in FILES:
            raise tornado.web.HTTPError(404)
        self.set_header("Content-Type", _TYPES[name[name.rindex(".") :]])
        self.set_header("Cache-Control", "public, max-age=31536000, immutable")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.finish(FILES[name])


def static_routes(prefix: str) -> list[tuple[str, type[JupyterHandler]]]:
    """The two routes under ``{prefix}`` (the server's ``…/sutro``)."""
    return [
        (f"{prefix}/assets", AssetsHandler),
        (f"{prefix}/static/([0-9a-f]{{16}})/([a-z.]+)", StaticFileHandler),
    ]
