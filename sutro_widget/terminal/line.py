"""One job as one line of text: the live line, the outcome line and the log line.

Pure functions of a :class:`~sutro_widget.card.state.CardState` (what the
reducer decided, exactly as the card shows it), the progress dict of
:meth:`~sutro_widget.polling.progress.ProgressTracker.view` and a width, so the
terminal says the same truth as the card and every layout is unit-tested
without a terminal:

- :func:`render_line`, redrawn in place on a TTY, tqdm-dense and never wider
  than asked: ``▶ Running  Summarise tickets  34% ███▍      673/2000 [01:01<02:04, 10.7 rows/s]``;
- :func:`render_outcome`, printed once when a job is over, saying how it ended
  in words (with the failure reason), never cut;
- :func:`render_log_line`, for logs and CI: plain ASCII around the server's
  text, no escape sequences: ``2026-12-01T16:03:12Z job-1 running 673/2000``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from ..card.fallback import failure_reason, headline
from ..card.looks import look_for, state_word
from ..card.state import CardState
from .text import clip_to_width, display_width, format_clock, format_rate, safe_text

#: The bar never grows past this many columns (wider says nothing more).
BAR_MAX = 25
#: Narrower than this, the bar is left out rather than drawn uselessly small.
BAR_MIN = 6
#: A name keeps at least this many columns before the line is cut at its end.
LABEL_MIN = 12
#: Server text in an outcome or log line is cut to this many characters.
MAX_DETAIL_CHARS = 500
_PARTS = " \u258f\u258e\u258d\u258c\u258b\u258a\u2589"
_FULL = "\u2588"


def _count(progress: Mapping[str, Any], key: str) -> int | None:
    value = progress.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _number(progress: Mapping[str, Any], key: str) -> float | None:
    value = progress.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def rows_text(progress: Mapping[str, Any]) -> str:
    """``673/2000``, ``673`` (total unknown), or ``""`` before any row was counted."""
    done, total = _count(progress, "rows_done"), _count(progress, "rows_total")
    if done is None:
        return ""
    return f"{done}/{total}" if total else str(done)


def fraction_done(progress: Mapping[str, Any]) -> float | None:
    """Rows done over rows in the job, in [0, 1]; ``None`` when either is unknown."""
    done, total = _count(progress, "rows_done"), _count(progress, "rows_total")
    if done is None or not total:
        return None
    return min(1.0, max(0.0, done / total))


def render_bar(fraction: float, width: int) -> str:
    """A tqdm bar ``width`` columns wide: full blocks, one eighth-block, then spaces."""
    eighths = int(fraction * width * 8)
    full, part = divmod(eighths, 8)
    bar = _FULL * full + (_PARTS[part] if full < width and part else "")
    return bar + " " * (width - display_width(bar))


def _times(card: CardState, progress: Mapping[str, Any], elapsed: float | None) -> str:
    """``[01:01<02:04, 10.7 rows/s]``; only the elapsed time once the numbers are not live."""
    clock = format_clock(elapsed)
    if not card.is_live or _count(progress, "rows_done") is None:
        return f"[{clock}]" if elapsed is not None else ""
    rate = format_rate(_number(progress, "rows_per_second"))
    if fraction_done(progress) is None:
        return f"[{clock}, {rate}]"
    return f"[{clock}<{format_clock(_number(progress, 'eta_seconds'))}, {rate}]"


def render_line(
    card: CardState,
    progress: Mapping[str, Any],
    width: int,
    *,
    name: str = "",
    elapsed: float | None = None,
) -> str:
    """The live line of one job, at most ``width`` columns.

    Icon and headline (the card's words, ``Contact lost · last seen running``
    included), the job's name (or id), then the bar, rows and times when
    progress is known, and the current problem when there is one. The bar
    takes what room is left (up to :data:`BAR_MAX`); a long name is cut
    before the line is.
    """
    head = f"{look_for(card.state).icon} {safe_text(headline(card))}"
    label = safe_text(name) or card.job_id
    rows, times = rows_text(progress), _times(card, progress, elapsed)
    note = safe_text(card.error)
    fraction = fraction_done(progress)
    pct = f"{int(fraction * 100):3d}%" if fraction is not None else ""

    def assemble(label: str, bar: str) -> str:
        numbers = " ".join(part for part in (pct, bar, rows, times) if part)
        return "  ".join(part for part in (head, label, numbers, note) if part)

    line = assemble(label, "")
    overflow = display_width(line) - width
    if overflow > 0 and display_width(label) > LABEL_MIN:
        label = clip_to_width(label, max(LABEL_MIN, display_width(label) - overflow))
        line = assemble(label, "")
    spare = width - display_width(line) - 1
    if fraction is not None and spare >= BAR_MIN:
        line = assemble(label, render_bar(fraction, min(BAR_MAX, spare)))
    return clip_to_width(line, width)


def outcome_detail(card: CardState, *, cut_short: str = "") -> str:
    """What to say after the state word when a job is over for us, or ``""``.

    The failure reason of a failed job; the problem that stopped us (an
    unknown job, a refused key); or ``cut_short`` (``gave up after 30 s``,
    ``stopped following``) with what was last known.
    """
    if card.is_final:
        if card.state == "failed":
            return safe_text(failure_reason(card.metadata) or card.message)[:MAX_DETAIL_CHARS]
        return ""
    error = safe_text(card.error)[:MAX_DETAIL_CHARS]
    if not cut_short:
        return error
    carries_on = "; the job carries on" if card.status else ""
    return f"{cut_short}{carries_on}" + (f": {error}" if error else "")


def outcome_words(card: CardState, *, cut_short: str = "") -> str:
    """The outcome in words: ``Succeeded``, ``Failed: Row 1532: …``, ``Not found: …``."""
    word = safe_text(headline(card)) if not card.is_final else state_word(card.state)
    detail = outcome_detail(card, cut_short=cut_short)
    return f"{word}: {detail}" if detail else word


def render_outcome(
    card: CardState,
    progress: Mapping[str, Any],
    *,
    name: str = "",
    elapsed: float | None = None,
    cut_short: str = "",
) -> str:
    """The line printed once when a job is over for us; never cut, so a reason is whole.

    ``✕ Failed  Extract invoice fields (job-fails-1)  1532/2000 rows in 00:05 — Row 1532: …``
    """
    look = look_for(card.state)
    word = state_word(card.state, card.raw_status) if card.is_final else headline(card)
    clean_name = safe_text(name)
    label = f"{clean_name} ({card.job_id})" if clean_name else card.job_id
    rows = rows_text(progress)
    took = f"in {format_clock(elapsed)}" if elapsed is not None else ""
    numbers = " ".join(part for part in (f"{rows} rows" if rows else "", took) if part)
    line = "  ".join(part for part in (f"{look.icon} {safe_text(word)}", label, numbers) if part)
    detail = outcome_detail(card, cut_short=cut_short)
    return f"{line} \u2014 {detail}" if detail else line


def render_log_line(
    card: CardState,
    progress: Mapping[str, Any],
    *,
    at: float,
    outcome: bool = False,
    cut_short: str = "",
) -> str:
    """One log line: ``2026-12-01T16:03:12Z job-1 running 673/2000``.

    ``at`` is epoch seconds (written in UTC). With ``outcome`` the line ends
    with the outcome in words (:func:`outcome_words`); a state that is not
    live says its problem, so a CI log explains itself.
    """
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))
    parts = [stamp, card.job_id, card.state]
    if rows := rows_text(progress):
        parts.append(rows)
    line = " ".join(parts)
    if outcome:
        return f"{line} - {outcome_words(card, cut_short=cut_short)}"
    if card.error and not card.is_live:
        return f"{line} - {safe_text(card.error)[:MAX_DETAIL_CHARS]}"
    return line
