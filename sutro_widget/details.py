"""The shape of a ``jobs/{id}`` answer, reduced to what the card shows.

Only known fields with plain JSON values are kept, so the browser never gets
more of the server's document than it needs. Knows nothing of HTTP.
"""

from __future__ import annotations

from typing import Any

from .errors import ProtocolError
from .status import excerpt, load_json

#: The job fields the card shows (see the API reference); everything else is dropped.
DETAIL_FIELDS = (
    "name",
    "description",
    "model",
    "num_rows",
    "input_tokens",
    "output_tokens",
    "job_cost",
    "cost_estimate",
    "datetime_created",
    "datetime_started",
    "datetime_completed",
    "failure_reason",
)
_PLAIN = (str, int, float, bool, type(None))


def parse_details_body(body: bytes, *, status_code: int = 200) -> dict[str, Any]:
    """Parse a details answer: ``{"job": {...}}`` -> the known fields of ``job``."""
    document = load_json(body, what="The job details answer", status_code=status_code)
    job = document.get("job") if isinstance(document, dict) else None
    if not isinstance(job, dict):
        raise ProtocolError(
            f"The job details (HTTP {status_code}) had no 'job' object.",
            status_code=status_code,
            excerpt=excerpt(body),
        )
    details: dict[str, Any] = {}
    for name in DETAIL_FIELDS:
        if name not in job:
            continue
        value = job[name]
        if isinstance(value, _PLAIN) or (name == "failure_reason" and isinstance(value, dict)):
            details[name] = value
    return details
