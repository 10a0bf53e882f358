"""The static stand-ins of the live card: a ``text/plain`` line and a ``text/html`` card.

Frontends that cannot run widgets (GitHub, nbviewer, ``nbconvert --to html``,
a terminal, a notebook whose kernel is gone) show these instead of the live
card, so they must say the same truth: the card state in words, the failure
reason, when the view was last updated. Every server value is escaped (text,
never markup) and bounded in size, whatever the server sent.
"""

from __future__ import annotations

import html
import json
import time
from collections.abc import Mapping
from typing import Any

from .looks import look_for, state_word
from .state import CardState

#: The metadata shown in the static card is cut to this many characters of JSON.
MAX_METADATA_CHARS = 64 * 1024
#: Any one server string (message, error, reason) is cut to this many characters.
MAX_TEXT_CHARS = 2000

_TONES: dict[str, str] = {
    "succeeded": "#1a7f37",
    "failed": "#cf222e",
    "not-found": "#cf222e",
    "unauthorized": "#cf222e",
    "unreachable": "#cf222e",
    "cancelling": "#9a6700",
    "cancelled": "#9a6700",
    "stale": "#9a6700",
    "running": "#0969da",
    "starting": "#0969da",
}


def format_duration(seconds: float) -> str:
    """``45 s``, ``3 min``, ``2 h 05 min``: how long, at a glance."""
    total = max(0, int(seconds))
    if total < 60:
        return f"{total} s"
    minutes = total // 60
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def clip(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


def failure_reason(metadata: Mapping[str, Any]) -> str:
    """The failure reason as one string (its ``message`` when it is an object), or ``""``."""
    reason = metadata.get("failure_reason")
    if reason is None:
        return ""
    text = reason.get("message") if isinstance(reason, Mapping) else reason
    return text if isinstance(text, str) else json.dumps(reason, default=str)


def headline(card: CardState) -> str:
    """``Running``, ``Failed: out of memory``, ``Contact lost · last seen running``."""
    word = state_word(card.state, card.raw_status)
    if card.state == "failed" and (reason := failure_reason(card.metadata)):
        return f"{word}: {clip(reason, 200)}"
    if card.status and card.state != card.status and not card.is_final:
        return f"{word} · last seen {card.status}"
    return word


def render_text(card: CardState, *, now: float | None = None) -> str:
    """A readable one-line ``repr``: what ``print(widget)`` and plain-text frontends show."""
    parts = [f"job_id={card.job_id!r}", f"state={card.state!r}", f"status={card.status!r}"]
    if card.raw_status and card.raw_status != card.status:
        parts.append(f"raw_status={card.raw_status!r}")
    if card.message:
        parts.append(f"message={clip(card.message, 200)!r}")
    if card.error:
        parts.append(f"error={clip(card.error, 300)!r}")
    if card.state == "failed" and (reason := failure_reason(card.metadata)):
        parts.append(f"reason={clip(reason, 300)!r}")
    if card.stale and card.last_checked_at:
        ago = _now_ms(now) - card.last_checked_at
        parts.append(f"last_seen={format_duration(ago / 1000)!r} ago")
    parts.append(f"polling={card.polling}")
    return f"JobStatusWidget({', '.join(parts)})"


def render_html(card: CardState, details: Mapping[str, Any], *, now: float | None = None) -> str:
    """A self-contained HTML card (inline styles only) that says it is a saved view."""
    esc = html.escape
    look = look_for(card.state)
    colour = _TONES.get(card.state, "#57606a")
    name = details.get("name") if isinstance(details.get("name"), str) else None
    updated = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(_now_ms(now) / 1000))
    rows = [
        f'<div style="font-weight:600;color:{colour}">'
        f'<span aria-hidden="true">{look.icon}</span> {esc(headline(card))}</div>',
        f'<div style="opacity:.75;font-size:.9em">{esc(clip(name, 200)) + " · " if name else ""}'
        f"job <code>{esc(card.job_id)}</code> · saved view, last updated {updated}</div>",
    ]
    if card.message:
        rows.append(f"<div>{esc(clip(card.message))}</div>")
    if card.error:
        rows.append(f'<div style="color:#cf222e">{esc(clip(card.error))}</div>')
    if cost := _cost_line(details, final=card.is_final):
        rows.append(f"<div>{esc(cost)}</div>")
    if card.metadata and (card.state == "failed" or failure_reason(card.metadata)):
        rows.append(_failure_section(card.metadata))
    return (
        f'<div class="sutro-job-card-static" role="status" data-state="{esc(card.state)}" '
        f'data-status="{esc(card.status)}" '
        'style="border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;'
        f'font-family:system-ui,sans-serif;max-width:40em">{"".join(rows)}</div>'
    )


def _failure_section(metadata: Mapping[str, Any]) -> str:
    esc = html.escape
    reason = failure_reason(metadata)
    # Compact JSON: indentation of a deeply nested document can multiply its size.
    try:
        document = json.dumps(dict(metadata), ensure_ascii=False, default=str)
    except (ValueError, RecursionError):
        document = "(the metadata is nested too deeply to show)"
    shown = document[:MAX_METADATA_CHARS]
    more = len(document) - len(shown)
    tail = f"… {more // 1024 + 1} KB more" if more > 0 else ""
    return (
        "<details><summary>Why it failed</summary>"
        f"<div>{esc(clip(reason))}</div>"
        f'<pre style="white-space:pre-wrap;max-height:20em;overflow:auto">{esc(shown)}'
        f"{esc(tail)}</pre></details>"
    )


def _cost_line(details: Mapping[str, Any], *, final: bool) -> str:
    cost = details.get("job_cost")
    if isinstance(cost, (int, float)) and not isinstance(cost, bool):
        return f"cost ${cost:.4g}"
    estimate = details.get("cost_estimate")
    if not final and isinstance(estimate, (int, float)) and not isinstance(estimate, bool):
        return f"est. ${estimate:.2g} for the whole job"
    return ""


def _now_ms(now: float | None) -> float:
    return time.time() * 1000.0 if now is None else now
