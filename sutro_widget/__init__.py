"""A live Jupyter card for the status of a Sutro batch-inference job.

``JobStatusWidget("job-123")`` shows a card that follows the job to its final
state from one background thread; ``SutroClient`` asks for a status directly;
``JobStatus`` names the canonical statuses. Errors are typed by meaning
(``AuthenticationError``, ``JobNotFoundError``, ...) so callers can catch them.
"""

from ._version import __version__
from .client import SutroClient
from .errors import (
    AuthenticationError,
    ConflictError,
    InsecureURLError,
    JobNotFoundError,
    NetworkError,
    ProtocolError,
    RateLimitedError,
    ServerError,
    SutroError,
)
from .policy import PollPolicy
from .status import JobStatus, StatusReport
from .widget import JobStatusWidget

__all__ = [
    "AuthenticationError",
    "ConflictError",
    "InsecureURLError",
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
