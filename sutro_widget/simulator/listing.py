"""Paging a job list: the ``limit`` and ``cursor`` of ``GET /v1/list-jobs``, pure.

The real endpoint pages newest first with an opaque cursor. Here a cursor is
the sort key of the last job on the previous page (when it was created, and
the order it entered the account in, to break ties), so the next page starts
strictly after it: jobs created while a client pages through never shift a
page the way an offset would. The cursor is encoded so clients treat it as
opaque, and decoded strictly, so a cursor that was not handed out is a 400.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Sequence
from typing import TypeVar

__all__ = [
    "MAX_LIMIT",
    "MIN_LIMIT",
    "CursorError",
    "LimitError",
    "ListKey",
    "decode_cursor",
    "encode_cursor",
    "page",
    "parse_limit",
]

#: The page sizes the endpoint accepts (the API reference's bounds).
MIN_LIMIT = 1
MAX_LIMIT = 100

#: Where a job sorts: (clock reading of its creation, order it entered the account).
ListKey = tuple[float, int]
_Row = TypeVar("_Row")
_INTEGER = re.compile(r"[+-]?[0-9]+")


class LimitError(ValueError):
    """A ``limit`` that is not an integer in range (the endpoint answers 422)."""


class CursorError(ValueError):
    """A ``cursor`` that was never handed out (the endpoint answers 400)."""


def parse_limit(text: str | None) -> int | None:
    """Read the ``limit`` query parameter: ``None`` if absent, else an int in 1..100."""
    if text is None:
        return None
    if not _INTEGER.fullmatch(text.strip()):
        raise LimitError(f"limit must be an integer, not {text!r}.")
    limit = int(text)
    if not MIN_LIMIT <= limit <= MAX_LIMIT:
        raise LimitError(f"limit must be between {MIN_LIMIT} and {MAX_LIMIT}, not {limit}.")
    return limit


def encode_cursor(key: ListKey) -> str:
    """The opaque text a client sends back to get the jobs after ``key``."""
    created, order = key
    raw = f"{created!r}:{order}".encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(text: str) -> ListKey:
    """Read a cursor made by :func:`encode_cursor`; ``CursorError`` for anything else."""
    invalid = CursorError(f"Invalid cursor {text[:40]!r}: use the next_cursor of a previous page.")
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
        created_text, order_text = raw.decode("ascii").split(":")
        key = (float(created_text), int(order_text))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid from None
    if not math.isfinite(key[0]) or key[1] < 0 or encode_cursor(key) != text:
        raise invalid
    return key


def page(
    entries: Sequence[tuple[ListKey, _Row]], limit: int | None, after: ListKey | None
) -> tuple[list[_Row], ListKey | None]:
    """The rows of one page, and the key to continue from (``None``: this was the last page).

    ``entries`` are sorted newest first; ``after`` is a decoded cursor (only
    entries that sort after it count); no ``limit`` means every entry left.
    """
    rest = [entry for entry in entries if after is None or entry[0] < after]
    if limit is None or len(rest) <= limit:
        return [row for _, row in rest], None
    taken = rest[:limit]
    return [row for _, row in taken], taken[-1][0]
