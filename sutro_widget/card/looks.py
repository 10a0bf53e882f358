"""How each card state looks: one icon and one word, so no state is told by colour alone.

The browser's own table is ``js/states.ts``; a contract test holds the two
equal, so the live card and the saved notebook's static card never disagree.
"""

from __future__ import annotations

from typing import NamedTuple


class Look(NamedTuple):
    """A state's glyph (plain Unicode, no emoji font needed) and its word."""

    icon: str
    word: str


# U+FE0E asks for the text (not emoji) presentation of the glyphs that have both.
LOOKS: dict[str, Look] = {
    "connecting": Look("\u25cc", "Connecting"),
    "not-found": Look("\u2205", "Not found"),
    "unauthorized": Look("\u26a0\ufe0e", "Key refused"),
    "unreachable": Look("\u2297", "Unreachable"),
    "stale": Look("\u25f7", "Contact lost"),
    "stopped": Look("\u25a0", "Stopped"),
    "unfollowed": Look("\u2016", "Not followed"),
    "pending": Look("\u25cb", "Pending"),
    "submitted": Look("\u2191", "Submitted"),
    "queued": Look("\u22ef", "Queued"),
    "starting": Look("\u25d4", "Starting"),
    "running": Look("\u25b6\ufe0e", "Running"),
    "cancelling": Look("\u2296", "Cancelling"),
    "succeeded": Look("\u2713", "Succeeded"),
    "failed": Look("\u2715", "Failed"),
    "cancelled": Look("\u2298", "Cancelled"),
    "unknown": Look("?", "Unknown"),
}


def look_for(state: str) -> Look:
    """The look of ``state``; anything unexpected looks like ``unknown``."""
    return LOOKS.get(state, LOOKS["unknown"])


def state_word(state: str, raw_status: str = "") -> str:
    """The word to show; for ``unknown`` the server's own word ("Unknown: PAUSED")."""
    word = look_for(state).word
    if state == "unknown" and raw_status and raw_status.lower() != "unknown":
        return f"{word}: {raw_status}"
    return word
