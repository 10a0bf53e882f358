"""What one progress stream sends, and when: a pure planner, fed snapshots of the job.

``GET /v1/stream-job-progress/{id}`` is one long response of JSON lines. The
rules for which line goes out next (progress when rows change, paced on the
script's clock; tokens now and then; a heartbeat when the line has been quiet
for a while in real time; the end when the job leaves ``running``; a cut after
N progress updates for a breaking stream) live here, apart from sockets and
threads, so they can be read in one place and tested by handing in numbers.
``stream_wire`` plays a :class:`ProgressFeed` on a connection.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .faults.modes import Fault
from .job_state import JobView
from .wire import heartbeat_update, progress_update, tokens_update

__all__ = [
    "DEFAULT_HEARTBEAT_SECONDS",
    "POLL_SECONDS",
    "PROGRESS_SECONDS",
    "TOKENS_SECONDS",
    "Look",
    "ProgressFeed",
    "StreamAnswer",
    "Wait",
]

#: Least script time between two progress updates while rows move with the
#: clock (times ``time_scale``, so a fast demo streams the same story faster).
PROGRESS_SECONDS = 0.2
#: Least script time between two token updates while rows move with the clock.
TOKENS_SECONDS = 1.0
#: Real seconds of silence after which a heartbeat line is sent (real time: it
#: keeps connections and proxies alive, which do not run on the script's clock).
DEFAULT_HEARTBEAT_SECONDS = 1.0
#: How often an open stream looks at its job. The simulator's clock is any
#: callable (a test's fake one too), so nothing announces that it moved; changes
#: made through the simulator (advance, set_progress, cancel, stop) wake the
#: stream at once instead.
POLL_SECONDS = 0.02


class ProgressFeed:
    """The lines one stream connection has sent, and the lines it sends next.

    Feed it a :class:`JobView` with the clock's reading ``now`` and the real
    monotonic time; it returns the updates to send and says whether the stream
    is :attr:`done` (the job left ``running``: end it properly) or :attr:`cut`
    (break it without the terminating chunk). Progress lines carry the
    cumulative rows done and go out only when the count changed; the first
    stream for a job that is already over sends its final count (if any rows
    were done) and its final tokens, then ends.
    """

    def __init__(
        self,
        *,
        time_scale: float = 1.0,
        heartbeat_seconds: float = DEFAULT_HEARTBEAT_SECONDS,
        cut_after: int | None = None,
    ) -> None:
        """Plan a new stream; ``cut_after`` progress updates end it abruptly (``None``: never)."""
        self.progress_every = PROGRESS_SECONDS * time_scale
        self.tokens_every = TOKENS_SECONDS * time_scale
        self.heartbeat_every = heartbeat_seconds
        self.cut_after = cut_after
        self.rows_sent = 0
        self.tokens_sent = (0, 0)
        self.progress_at: float | None = None
        self.tokens_at: float | None = None
        self.quiet_since: float | None = None
        self.progress_lines = 0
        self.done = False
        self.cut = cut_after == 0

    @property
    def over(self) -> bool:
        """Whether nothing more will be sent (ended or cut)."""
        return self.done or self.cut

    def updates(self, view: JobView, now: float, real_now: float) -> list[dict[str, object]]:
        """The updates to send for ``view`` at clock ``now`` and real time ``real_now``."""
        if self.over:
            return []
        if self.quiet_since is None:
            self.quiet_since = real_now
        lines: list[dict[str, object]] = []
        if view.phase == "running":
            paced = view.rows_moving
            if view.rows_done != self.rows_sent and self._due(
                self.progress_at, self.progress_every, now, paced
            ):
                lines.append(self._progress(view, now))
            tokens = (view.input_tokens, view.output_tokens)
            if tokens != self.tokens_sent and self._due(
                self.tokens_at, self.tokens_every, now, paced
            ):
                lines.append(self._tokens(view, now, view.tokens_per_second))
        elif view.phase == "over":
            if view.rows_done != self.rows_sent:
                lines.append(self._progress(view, now))
            if (view.input_tokens, view.output_tokens) != self.tokens_sent:
                lines.append(self._tokens(view, now, None))
            self.done = True
        lines = self._until_cut(lines)
        if lines:
            self.quiet_since = real_now
        elif not self.over and real_now - self.quiet_since >= self.heartbeat_every:
            lines.append(heartbeat_update())
            self.quiet_since = real_now
        return lines

    def wait_seconds(self, real_now: float) -> float:
        """How long the stream may sleep before it must look again (for a heartbeat or a change)."""
        if self.quiet_since is None:
            return 0.0
        return max(0.0, min(POLL_SECONDS, self.quiet_since + self.heartbeat_every - real_now))

    @staticmethod
    def _due(last: float | None, every: float, now: float, paced: bool) -> bool:
        """May an update go out: at once for rows set by hand, else ``every`` after the last."""
        return not paced or last is None or now - last >= every

    def _progress(self, view: JobView, now: float) -> dict[str, object]:
        self.rows_sent, self.progress_at = view.rows_done, now
        return progress_update(view.rows_done)

    def _tokens(self, view: JobView, now: float, per_second: float | None) -> dict[str, object]:
        self.tokens_sent, self.tokens_at = (view.input_tokens, view.output_tokens), now
        return tokens_update(view.input_tokens, view.output_tokens, per_second)

    def _until_cut(self, lines: list[dict[str, object]]) -> list[dict[str, object]]:
        """Keep ``lines`` up to the progress update that reaches ``cut_after``, if one does."""
        if self.cut_after is None:
            return lines
        for number, line in enumerate(lines):
            if line["update_type"] == "progress":
                self.progress_lines += 1
                if self.progress_lines >= self.cut_after:
                    self.cut, self.done = True, False
                    return lines[: number + 1]
        return lines


#: Returns the job's view now, the clock's reading, and the simulator's change
#: counter (for :data:`Wait`); ``None`` if the job is gone.
Look = Callable[[], tuple[JobView, float, int] | None]
#: Sleeps up to the given real seconds, or until the change counter passes the given value.
Wait = Callable[[int, float], None]


@dataclass(frozen=True)
class StreamAnswer:
    """A request answered by a progress stream, for the HTTP layer to play.

    ``look`` and ``wait`` reach back into the simulator (under its lock) for
    the job's state and for changes; ``feed`` decides every line. ``fault`` is
    the fault that will cut it, if one does (for the request log).
    """

    job_id: str
    feed: ProgressFeed
    look: Look
    wait: Wait
    fault: Fault | None = None
    status: int = 200
