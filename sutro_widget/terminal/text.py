"""Terminal text: how wide a string is on screen, cutting it to fit, and making it safe.

A line that is redrawn in place must never be wider than the terminal (a
wrapped line breaks the cursor-up arithmetic), so widths are counted as a
terminal counts them: combining marks and variation selectors take no
column, East Asian wide characters take two. And a job name comes from the
server, so before it reaches a terminal every control character (an escape
sequence could move the cursor, retitle the window or worse) becomes a space.
Pure functions, no I/O.
"""

from __future__ import annotations

import math
import unicodedata

#: What a cut string ends with, so nobody takes a truncated name for the whole.
ELLIPSIS = "\u2026"


def char_width(ch: str) -> int:
    """Columns one character takes: 0 for marks and format characters, 2 for wide ones."""
    if unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal (see :func:`char_width`)."""
    return sum(char_width(ch) for ch in text)


def clip_to_width(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` columns, ending in an ellipsis when cut."""
    if width <= 0:
        return ""
    if display_width(text) <= width:
        return text
    kept: list[str] = []
    used = 0
    for ch in text:
        size = char_width(ch)
        if used + size > width - 1:
            break
        kept.append(ch)
        used += size
    return "".join(kept) + ELLIPSIS


def safe_text(text: str) -> str:
    """``text`` on one line with no control characters (C0, DEL, C1), runs of space squeezed.

    Server text (names, messages, failure reasons) goes through this before it
    is written to a terminal, so it can neither break the line layout nor
    smuggle in an escape sequence.
    """
    cleaned = "".join(
        " " if unicodedata.category(ch) == "Cc" or ch in "\u2028\u2029" else ch for ch in text
    )
    return " ".join(cleaned.split())


def format_clock(seconds: float | None) -> str:
    """``01:01`` or ``1:02:03``, as tqdm shows elapsed and remaining time; ``?`` if unknown."""
    if seconds is None or not math.isfinite(seconds):
        return "?"
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"


def format_rate(per_second: float | None, unit: str = "rows") -> str:
    """``10.7 rows/s``, ``1.2k rows/s``, or ``? rows/s`` before a rate is known."""
    if per_second is None or not math.isfinite(per_second):
        return f"? {unit}/s"
    if per_second >= 1000:
        return f"{per_second / 1000:.1f}k {unit}/s"
    return f"{per_second:.1f} {unit}/s"
