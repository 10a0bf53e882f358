"""``timeout`` and ``timeout_at`` for an overall deadline, on every supported Python.

Python 3.11 has them in :mod:`asyncio`; on 3.10 the ``async-timeout`` backport
(the same code, by asyncio's authors) supplies them. Both raise
``asyncio.TimeoutError`` (on 3.11+ the builtin ``TimeoutError``), which is what
callers catch.
"""

from __future__ import annotations

import sys

if sys.version_info >= (3, 11):
    from asyncio import timeout, timeout_at
else:  # pragma: no cover - exercised by the Python 3.10 run
    from async_timeout import timeout, timeout_at

__all__ = ["timeout", "timeout_at"]
