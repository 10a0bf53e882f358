"""The errors a user can catch by meaning, in one small hierarchy.

Every problem fetching a job's status becomes one of these, so the poller can
decide from the *type* whether to retry (network, rate limit, server, protocol)
or give up (authentication, not found), and a notebook user can write
``except JobNotFoundError`` instead of parsing HTTP codes. Each ``str(error)``
is one plain sentence a user can act on; none ever contains the API key.
"""

from __future__ import annotations


class SutroError(Exception):
    """Base of every error this package raises about talking to Sutro."""

    #: Whether asking again later may succeed; the poller backs off and retries
    #: these, and stops on the others.
    transient: bool = True
    #: The least sensible wait before asking again, in seconds (0: the backoff decides).
    least_wait: float = 0.0

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class AuthenticationError(SutroError):
    """The server refused the API key (HTTP 401 or 403): retrying will not help."""

    transient = False


class JobNotFoundError(SutroError):
    """The server does not know this job id (HTTP 404): retrying will not help."""

    transient = False


class ConflictError(SutroError):
    """The job cannot do what was asked in its current state (e.g. cancel a finished job)."""

    transient = False


class RateLimitedError(SutroError):
    """The server asked us to slow down (HTTP 429).

    ``retry_after`` holds the server's ``Retry-After`` in seconds when it sent
    one, so the poller can wait exactly as long as asked.
    """

    def __init__(
        self, message: str, *, status_code: int | None = 429, retry_after: float | None = None
    ) -> None:
        super().__init__(message, status_code=status_code)
        self.retry_after = retry_after


class ServerError(SutroError):
    """The server failed to answer (HTTP 5xx, or another unexpected status)."""


class ProtocolError(SutroError):
    """The server answered, but not in a shape we understand.

    Non-JSON bodies, JSON of the wrong shape, or a body too large to be a status.
    ``excerpt`` keeps the first characters of the body for the bug report.
    """

    def __init__(self, message: str, *, status_code: int | None = None, excerpt: str = "") -> None:
        super().__init__(message, status_code=status_code)
        self.excerpt = excerpt


class NetworkError(SutroError):
    """No answer arrived: the connection failed, broke, or timed out."""


class CertificateError(NetworkError):
    """The server's TLS certificate is not trusted here (a company proxy, a private CA).

    Asking again helps only once the trust is set (``SSL_CERT_FILE``, or the
    system's store), so the poller asks at most every :attr:`least_wait` seconds.
    """

    least_wait = 30.0


class HostNotFoundError(NetworkError):
    """The deployment's host name does not resolve: a typo, or no DNS on this network.

    Retried at a calm pace (a network that comes back is noticed), never in a hurry.
    """

    least_wait = 15.0


class HostError(SutroError):
    """The Python running the card cannot follow a job (no threads or sockets: Pyodide)."""

    transient = False


class ConfigurationError(SutroError):
    """The server says this is not how to reach the API: the URL must change.

    Raised for HTTP 410 ("Direct Sutro Batch API access is no longer
    supported"): the old shared ``api.sutro.sh`` endpoint answers this once
    an account moved to its own deployment, so retrying cannot help; the user
    must set their deployment's URL.
    """

    transient = False


class InsecureURLError(ValueError):
    """A plain ``http://`` URL to a host that is not this machine.

    The API key travels in a header, so it must only go over HTTPS, or over
    plain HTTP to loopback (a local simulator). A ``ValueError`` because it is
    a bad argument, raised before any request is made.
    """
