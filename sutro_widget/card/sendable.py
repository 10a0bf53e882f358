r"""Make any value from the server safe to send to the browser and to save in a notebook.

The kernel's JSON packer refuses lone surrogates (``"\\ud800"`` is valid JSON
and decodes to one), ``NaN`` and infinities, and recurses without a bound.
One bad string in a failed job's metadata must not make a sync raise, which
would skip the state notification, the waiters and the callbacks; so every
value passes through :func:`sendable` on its way into a trait.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

#: Deeper nesting than this is replaced by a short note (no real answer nests so deep).
MAX_DEPTH = 32


def sendable(value: Any, depth: int = 0) -> Any:
    """``value`` with unencodable text replaced, non-finite numbers as ``None``, depth bounded."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if depth >= MAX_DEPTH:
        return "… (nested too deeply to show)"
    if isinstance(value, Mapping):
        return {clean_text(str(k)): sendable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [sendable(item, depth + 1) for item in value]
    return clean_text(str(value))


def clean_text(text: str) -> str:
    """``text`` as valid UTF-8: a lone surrogate becomes U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return text
