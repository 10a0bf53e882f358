"""The board's static stand-ins: one line per job as text, a small table as HTML.

Like the card's (:mod:`~sutro_widget.card.fallback`), they tell the same truth
as the live board where widgets cannot run (GitHub, nbviewer, a terminal),
escaped and bounded; kept true after each job ends by the board's saved view.
"""

from __future__ import annotations

import html
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from .fallback import clip, headline
from .looks import look_for, state_word
from .state import CardState

#: The static table shows at most this many rows ("… and N more").
MAX_STATIC_ROWS = 200


def counts_line(cards: Sequence[CardState]) -> str:
    """``3 running · 1 failed · 6 succeeded``: how many jobs are in each state."""
    counts = Counter(card.state for card in cards)
    return " · ".join(f"{n} {state_word(state).lower()}" for state, n in counts.most_common())


def render_board_text(cards: Sequence[CardState]) -> str:
    """``JobBoard(3 jobs: 2 running · 1 failed; job-1, job-2, job-3)``: what ``print`` shows."""
    ids = ", ".join(card.job_id for card in cards[:5]) + (", …" if len(cards) > 5 else "")
    named = f"; {ids}" if ids else ""
    return f"JobBoard({len(cards)} jobs: {counts_line(cards) or 'none yet'}{named})"


def render_board_html(rows: Sequence[tuple[CardState, Mapping[str, Any]]]) -> str:
    """A self-contained HTML table of the jobs, saying it is a saved view."""
    esc = html.escape
    cards = [card for card, _ in rows]
    updated = time.strftime("%Y-%m-%d %H:%M:%S")
    lines = [
        f'<div style="font-weight:600">{esc(counts_line(cards) or "No jobs")}</div>',
        f'<div style="opacity:.75;font-size:.9em">{len(cards)} jobs · saved view, '
        f"last updated {updated}</div>",
        '<table style="border-collapse:collapse">',
    ]
    for card, details in rows[:MAX_STATIC_ROWS]:
        name = details.get("name") if isinstance(details.get("name"), str) else ""
        lines.append(
            f'<tr data-state="{esc(card.state)}"><td aria-hidden="true">'
            f"{look_for(card.state).icon}</td><td>{esc(clip(headline(card), 300))}</td>"
            f"<td>{esc(clip(name or '', 120))}</td><td><code>{esc(card.job_id)}</code></td></tr>"
        )
    lines.append("</table>")
    if len(rows) > MAX_STATIC_ROWS:
        lines.append(f"<div>… and {len(rows) - MAX_STATIC_ROWS} more</div>")
    return (
        '<div class="sutro-job-board-static" role="status" '
        'style="border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;'
        f'font-family:system-ui,sans-serif">{"".join(lines)}</div>'
    )
