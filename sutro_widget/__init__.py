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

from ._version import __version__
from .api.client import SutroClient
from .api.shapes import JobStatus, StatusReport
from .card.board import JobBoard
from .card.widget import JobStatusWidget
from .errors import (
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    HostError,
    InsecureURLError,
    JobNotFoundError,
    NetworkError,
    ProtocolError,
    RateLimitedError,
    ServerError,
    SutroError,
)
from .magics import load_ipython_extension as load_ipython_extension
from .polling.policy import PollPolicy

__all__ = [
    "AuthenticationError",
    "ConfigurationError",
    "ConflictError",
    "HostError",
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
