"""Writing job lines to a terminal, or to a log: the two screens.

:class:`LiveScreen` (a TTY) keeps one line per job that is still being
followed at the bottom of the terminal and redraws it in place with plain
ANSI (cursor up, erase line; no curses); a job that is over leaves the block
as a permanent outcome line, which may wrap because it is never redrawn.
Every redrawn line is cut to the terminal's width, read again on each frame
so a resize is honoured. The cursor is always left at the start of the line
below the block, so an interruption leaves the shell prompt on a fresh line.

:class:`LogScreen` (a pipe, a file, CI) never writes an escape sequence: one
line per state change, a progress line at most every
:data:`LOG_PROGRESS_SECONDS` while rows move (so a long job does not look dead
to a CI watchdog), and one outcome line per job.
"""

from __future__ import annotations

import shutil
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TextIO

from .line import render_line, render_log_line, render_outcome
from .tracker import JobView

#: While rows move, a log repeats a job's line at most this often (seconds).
LOG_PROGRESS_SECONDS = 60.0

_UP = "\x1b[{n}A"
_ERASE_LINE = "\x1b[2K"
_ERASE_BELOW = "\x1b[J"


def terminal_width() -> int:
    """The terminal's width in columns now (``COLUMNS``, then the terminal, then 80)."""
    return shutil.get_terminal_size().columns


class LiveScreen:
    """Redraws one line per job in place; see the module docstring."""

    def __init__(self, out: TextIO, *, width: Callable[[], int] = terminal_width) -> None:
        self._out = out
        self._width = width
        self._drawn = 0
        self._done: set[str] = set()
        self._last = ""

    def draw(self, views: Sequence[JobView]) -> None:
        """Show ``views``: jobs newly over become permanent lines, the rest are redrawn."""
        # One column spare: a line exactly as wide as the terminal wraps on some.
        width = max(10, self._width() - 1)
        finished = [v for v in views if v.over and v.card.job_id not in self._done]
        names = Counter(v.name for v in views if v.name)
        live = [
            render_line(v.card, v.progress, width, name=_label(v, names), elapsed=v.elapsed)
            for v in views
            if not v.over
        ]
        frame = "\n".join(live)
        if not finished and frame == self._last and self._drawn == len(live):
            return
        parts = ["\r" + _UP.format(n=self._drawn)] if self._drawn else []
        for view in finished:
            self._done.add(view.card.job_id)
            outcome = render_outcome(
                view.card,
                view.progress,
                name=view.name,
                elapsed=view.elapsed,
                cut_short=view.cut_short,
            )
            parts.append(f"{_ERASE_LINE}{outcome}\n")
        parts.extend(f"{_ERASE_LINE}{line}\n" for line in live)
        if len(finished) + len(live) < self._drawn:
            parts.append(_ERASE_BELOW)
        self._out.write("".join(parts))
        self._out.flush()
        self._drawn, self._last = len(live), frame


def _label(view: JobView, names: Counter[str]) -> str:
    """The job's name, with its id when another job shown has the same name (re-runs)."""
    if view.name and names[view.name] > 1:
        return f"{view.name} ({view.card.job_id})"
    return view.name


class LogScreen:
    """Writes plain log lines, never an escape sequence; see the module docstring."""

    def __init__(self, out: TextIO, *, wall: Callable[[], float] = time.time) -> None:
        self._out = out
        self._wall = wall
        self._logged: dict[str, tuple[str, str, float]] = {}
        self._done: set[str] = set()

    def draw(self, views: Sequence[JobView]) -> None:
        """Log what changed since the last call: new states, slow progress, outcomes."""
        now = self._wall()
        lines: list[str] = []
        for view in views:
            job_id, card = view.card.job_id, view.card
            if job_id in self._done:
                continue
            if view.over:
                self._done.add(job_id)
                lines.append(
                    render_log_line(
                        card, view.progress, at=now, outcome=True, cut_short=view.cut_short
                    )
                )
                continue
            if card.state == "connecting":
                continue
            line = render_log_line(card, view.progress, at=now)
            rows = str(view.progress.get("rows_done"))
            state, logged_rows, at = self._logged.get(job_id, ("", "", 0.0))
            moved = rows != logged_rows and now - at >= LOG_PROGRESS_SECONDS
            if card.state != state or moved:
                self._logged[job_id] = (card.state, rows, now)
                lines.append(line)
        if lines:
            self._out.write("".join(f"{line}\n" for line in lines))
            self._out.flush()
