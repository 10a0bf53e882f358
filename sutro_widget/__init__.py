"""A live Jupyter card for the status of a Sutro batch-inference job.

``JobStatusWidget("job-123")`` shows a card that follows the job to its final
state from one background thread; ``JobBoard([...])`` shows many jobs in one
widget; ``SutroClient`` asks for a status directly;
``JobStatus`` names the canonical statuses. Errors are typed by meaning
(``AuthenticationError``, ``JobNotFoundError``, ...) so callers can catch them.

Where things live: :mod:`~sutro_widget.api` (HTTP and the API's shapes),
:mod:`~sutro_widget.polling` (time: when to ask, the one thread),
:mod:`~sutro_widget.card` (what a card shows, and the widget).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:  # what the lazy names below are, for type checkers and readers
    from .api.client import SutroClient
    from .api.shapes import JobStatus, StatusReport
    from .card.board import JobBoard
    from .card.widget import JobStatusWidget
    from .errors import (
        AuthenticationError,
        CertificateError,
        ConfigurationError,
        ConflictError,
        HostError,
        HostNotFoundError,
        InsecureURLError,
        JobNotFoundError,
        NetworkError,
        ProtocolError,
        RateLimitedError,
        ServerError,
        SutroError,
    )
    from .polling.policy import PollPolicy

#: Where each public name lives. ``import sutro_widget`` loads none of them:
#: a notebook that only imports the package (or ``%load_ext`` it) does not pay
#: for the widget, the HTTP stack and the poller until it uses them.
_LAZY = {
    "SutroClient": ".api.client",
    "JobStatus": ".api.shapes",
    "StatusReport": ".api.shapes",
    "JobBoard": ".card.board",
    "JobStatusWidget": ".card.widget",
    "PollPolicy": ".polling.policy",
    **dict.fromkeys(
        [
            "AuthenticationError",
            "CertificateError",
            "ConfigurationError",
            "ConflictError",
            "HostError",
            "HostNotFoundError",
            "InsecureURLError",
            "JobNotFoundError",
            "NetworkError",
            "ProtocolError",
            "RateLimitedError",
            "ServerError",
            "SutroError",
        ],
        ".errors",
    ),
}


def __getattr__(name: str) -> Any:
    """Load a public name on first use (PEP 562); later uses find it in the module."""
    where = _LAZY.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(where, __name__), name)
    globals()[name] = value
    return value


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """Where Jupyter finds the server extension (the Sutro jobs panel's routes)."""
    return [{"module": "sutro_widget.server"}]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Where Jupyter finds the prebuilt JupyterLab extension (the panel itself)."""
    return [{"src": "labextension", "dest": "sutro-widget"}]


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext sutro_widget``: register ``%sutro_job`` and ``%sutro_jobs``."""
    from .magics import load_ipython_extension as load

    load(ipython)


__all__ = [
    "AuthenticationError",
    "CertificateError",
    "ConfigurationError",
    "ConflictError",
    "HostError",
    "HostNotFoundError",
    "InsecureURLError",
    "JobBoard",
    "JobNotFoundError",
    "JobStatus",
    "JobStatusWidget",
    "NetworkError",
    "PollPolicy",
    "ProtocolError",
    "RateLimitedError",
    "ServerError",
    "StatusReport",
    "SutroClient",
    "SutroError",
    "__version__",
]
