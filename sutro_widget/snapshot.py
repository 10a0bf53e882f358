"""Static stand-ins for the live card: a ``text/plain`` line and a ``text/html`` card.

Frontends that cannot run widgets (nbviewer, GitHub, a terminal, a notebook
whose kernel is gone) show these instead of the live card. Every value from the
server is escaped: the snapshot is text, never markup.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any

#: One glyph and one word per canonical status, so status is never told by colour alone.
STATUS_GLYPHS: dict[str, str] = {  # the same glyphs as js/statuses.ts
    "pending": "○",
    "submitted": "↑",
    "queued": "⋯",
    "starting": "◔",
    "running": "▶",
    "cancelling": "⊖",
    "succeeded": "✓",
    "failed": "✕",
    "cancelled": "⊘",
    "unknown": "?",
}

_COLOURS: dict[str, str] = {
    "succeeded": "#1a7f37",
    "failed": "#cf222e",
    "cancelling": "#9a6700",
    "cancelled": "#9a6700",
    "running": "#0969da",
    "starting": "#0969da",
}


@dataclass(frozen=True)
class CardState:
    """The values a card shows, independent of traitlets."""

    job_id: str
    status: str
    raw_status: str = ""
    message: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    polling: bool = False
    #: Seconds since the last good answer when the state is stale, else ``None``.
    stale_for: float | None = None


def format_duration(seconds: float) -> str:
    """``45 s``, ``3 min``, ``2 h 05 min``: how long ago, at a glance."""
    total = max(0, int(seconds))
    if total < 60:
        return f"{total} s"
    minutes = total // 60
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def staleness_note(state: CardState) -> str:
    """``last confirmed 2 min ago, reconnecting…`` for a stale state, else ``""``."""
    if state.stale_for is None:
        return ""
    return f"last confirmed {format_duration(state.stale_for)} ago, reconnecting…"


def status_label(state: CardState) -> str:
    """The status word as the card shows it, e.g. ``Running`` or ``Unknown: PAUSED``."""
    if state.status == "unknown" and state.raw_status and state.raw_status.lower() != "unknown":
        return f"Unknown: {state.raw_status}"
    return state.status.capitalize()


def render_text(state: CardState) -> str:
    """A readable one-line ``repr``: what ``print(widget)`` and plain-text frontends show."""
    parts = [f"job_id={state.job_id!r}", f"status={state.status!r}"]
    if state.raw_status and state.raw_status != state.status:
        parts.append(f"raw_status={state.raw_status!r}")
    if state.message:
        parts.append(f"message={state.message!r}")
    if state.error:
        parts.append(f"error={state.error!r}")
    if state.stale_for is not None:
        parts.append(f"stale={staleness_note(state)!r}")
    parts.append(f"polling={state.polling}")
    return f"JobStatusWidget({', '.join(parts)})"


def render_html(state: CardState) -> str:
    """A self-contained HTML card (inline styles only) with every server value escaped."""
    esc = html.escape
    colour = _COLOURS.get(state.status, "#57606a")
    glyph = STATUS_GLYPHS.get(state.status, "?")
    rows = [
        f'<div style="font-weight:600;color:{colour}">'
        f'<span aria-hidden="true">{glyph}</span> {esc(status_label(state))}</div>',
        f'<div style="opacity:.75;font-size:.9em">job <code>{esc(state.job_id)}</code>'
        " · snapshot; run the notebook for the live card</div>",
    ]
    if state.message:
        rows.append(f"<div>{esc(state.message)}</div>")
    if state.error:
        rows.append(f'<div style="color:#cf222e">{esc(state.error)}</div>')
    if state.stale_for is not None:
        rows.append(f'<div style="font-style:italic">{esc(staleness_note(state))}</div>')
    reason = state.metadata.get("failure_reason")
    if reason is not None:
        reason_text = reason.get("message") if isinstance(reason, dict) else reason
        if not isinstance(reason_text, str):
            reason_text = json.dumps(reason, default=str)
        metadata_json = json.dumps(state.metadata, indent=2, ensure_ascii=False, default=str)
        rows.append(
            "<details><summary>Why it failed</summary>"
            f"<div>{esc(reason_text)}</div>"
            f'<pre style="white-space:pre-wrap">{esc(metadata_json)}</pre></details>'
        )
    body = "".join(rows)
    return (
        f'<div class="sutro-job-card-snapshot" role="status" data-status="{esc(state.status)}" '
        'style="border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;'
        f'font-family:system-ui,sans-serif;max-width:40em">{body}</div>'
    )
