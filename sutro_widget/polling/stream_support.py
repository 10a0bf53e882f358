"""Whether a deployment has the progress stream, learnt once per deployment, not per card.

The legacy API (and any deployment without ``stream-job-progress``) answers
404 or the like. Twelve cards opened together on such a deployment would each
open a stream and each get the refusal. So while a deployment's answer is
unknown one stream goes first (the probe) and the others wait: its first line
shows the deployment streams, and every running job may open one. A stream is
only opened for a job the deployment has just said is running, so a refusal
where no stream was heard yet is the route's, not the job's: from then on no
stream is tried there for :data:`ABSENT_FOR` seconds, after which one job
probes again (a deployment that gains the route, or refused once by mistake,
is not written off for good).
A waiting job loses nothing: it is polled at the pace of a job without a
stream until its own stream delivers rows.
"""

from __future__ import annotations

from .watch import Watch

#: Status codes that mean "no such endpoint here" rather than "this failed".
REFUSAL_CODES = frozenset({404, 405, 410, 501})
#: A probe that has said nothing for this long lets another job try.
PROBE_PATIENCE = 10.0
#: Seconds a refusal stands for the whole deployment before one job asks again.
ABSENT_FOR = 600.0


class StreamSupport:
    """What each deployment (by base URL) said about streams; used on the poller's loop.

    Held by the poller, so what was learnt outlives its loop (a loop ends when
    nothing is watched and starts again with the next card).
    """

    def __init__(self) -> None:
        self._streaming: set[str] = set()
        self._refused_at: dict[str, float] = {}
        self._probes: dict[str, tuple[Watch, float]] = {}

    def absent(self, base_url: str, now: float) -> bool:
        """Whether ``base_url`` refused a stream within the last :data:`ABSENT_FOR` seconds."""
        refused_at = self._refused_at.get(base_url)
        return refused_at is not None and now - refused_at < ABSENT_FOR

    def may_open(self, watch: Watch, now: float) -> bool:
        """Whether ``watch`` may open its stream now; if it is the probe, it becomes one."""
        base_url = watch.client.base_url
        if base_url in self._streaming:
            return True
        if self.absent(base_url, now):
            return False
        probe = self._probes.get(base_url)
        if probe is not None and probe[0] is not watch and now - probe[1] < PROBE_PATIENCE:
            return False
        self._probes[base_url] = (watch, now)
        return True

    def heard(self, watch: Watch) -> None:
        """``watch``'s stream delivered a line: the deployment streams."""
        base_url = watch.client.base_url
        self._streaming.add(base_url)
        self._refused_at.pop(base_url, None)
        self._release(watch)

    def refused(self, watch: Watch, now: float) -> None:
        """``watch``'s stream was refused as an unknown route (see :data:`REFUSAL_CODES`).

        On a deployment whose streams were heard, one job's refusal is that job's alone.
        """
        base_url = watch.client.base_url
        if base_url not in self._streaming:
            self._refused_at[base_url] = now
        self._release(watch)

    def ended(self, watch: Watch) -> None:
        """``watch``'s stream ended before a verdict: another job may probe."""
        self._release(watch)

    def _release(self, watch: Watch) -> None:
        probe = self._probes.get(watch.client.base_url)
        if probe is not None and probe[0] is watch:
            del self._probes[watch.client.base_url]
