"""Switching faults, from Python (``inject``, ``clear_faults``...) and over ``/_sim/faults``.

Both ways change the same :class:`~.faults.rules.FaultBoard`, under the same
lock, so a test in this process and a browser test or soak benchmark in
another see one set of faults. After a change from Python the
``_faults_changed`` hook runs (the server closes or reopens its listener for
``DOWN``); a change over HTTP is picked up by the server's watcher, because
the control request is answered under the lock the hook must not take.
"""

from __future__ import annotations

import json
import re

from .faults.modes import Fault
from .faults.rules import FaultHandle, FaultRule
from .faults.specs import FaultSpec
from .routes import CONTROL_PATH, Call, Response, Route
from .state import ApiState
from .wire import V1

__all__ = ["FaultControl"]


class FaultControl(ApiState):
    """Injecting, clearing and counting faults, and the control endpoint that does it over HTTP."""

    def inject(
        self,
        mode: Fault | str,
        job_id: str | None = None,
        *,
        job_prefix: str | None = None,
        after: float = 0.0,
        duration: float | None = None,
        requests: int | None = None,
        retry_after: float | None = None,
        plain: bool = False,
        lines: int | None = None,
    ) -> FaultHandle:
        """Answer matching requests with fault ``mode``; returns a handle to count or clear it.

        Status requests of both generations meet it; so does the job list
        (``/v1/list-jobs``) when no job is targeted and the fault makes sense
        for a list (not the ``status_*`` shapes nor ``not_found``).
        ``job_id`` targets one job, ``job_prefix`` every id starting with it,
        neither every job. The window opens ``after`` seconds from now on the
        simulator's clock and lasts ``duration`` (``None``: until cleared);
        ``requests`` caps how many requests it answers. ``retry_after`` is the
        rate limits' delay (default 1 s), ``plain`` a text body for the plain
        HTTP errors. A ``DOWN`` window closes the listener when it opens.
        ``STREAM_BREAK`` acts on progress streams instead: each is cut after
        ``lines`` progress updates (default 3). A faulted status request never
        starts, advances or resets the job's script clock.
        """
        fault = mode if isinstance(mode, Fault) else Fault.parse(mode)
        spec = FaultSpec(
            fault, job_id, job_prefix, after, duration, requests, retry_after, plain, lines
        )
        return self.inject_spec(spec)

    def inject_spec(self, spec: FaultSpec) -> FaultHandle:
        """Place an already-built spec on the clock now (as parsed from ``--fault``)."""
        with self._lock:
            rule = self._faults.add(spec, self._clock())
        self._faults_changed()
        return FaultHandle(rule, self.clear_rule)

    def clear_faults(
        self,
        job_id: str | None = None,
        *,
        job_prefix: str | None = None,
        mode: Fault | None = None,
    ) -> int:
        """Clear the faults injected with this ``job_id`` / ``job_prefix`` / ``mode`` (all if none).

        A request held by a cleared ``NO_RESPONSE`` is let go (closed
        unanswered); clearing a ``DOWN`` fault reopens the listener on the
        same port. Returns how many faults were cleared.
        """
        with self._lock:
            cleared = self._faults.clear(job_id, job_prefix, mode)
        self._faults_changed()
        return cleared

    def clear_rule(self, rule: FaultRule) -> None:
        """Clear one fault (what its handle's ``clear`` does)."""
        with self._lock:
            self._faults.remove(rule)
        self._faults_changed()

    def revoke_key(self) -> FaultHandle:
        """Answer every status request with 401 from now on, as if the key were revoked.

        Same as ``inject(Fault.UNAUTHORIZED)``; the control endpoint still
        accepts the key, so a revoked key does not lock out whoever restores it.
        """
        return self.inject(Fault.UNAUTHORIZED)

    def restore_key(self) -> None:
        """Accept the key again: clear every ``UNAUTHORIZED`` fault."""
        self.clear_faults(mode=Fault.UNAUTHORIZED)

    def fault_hits(self, job_id: str | None = None) -> int:
        """How many requests a fault answered, in all or for one decoded job id.

        Connections refused while ``DOWN`` never reach the server and are not counted.
        """
        with self._lock:
            return sum(
                1
                for r in self._requests
                if r.fault is not None and (job_id is None or r.job_id == job_id)
            )

    @property
    def faults(self) -> list[FaultRule]:
        """The faults not yet over (cleared, past their window), oldest first."""
        with self._lock:
            return self._faults.rules(self._clock())

    def is_down(self) -> bool:
        """Whether a ``DOWN`` window is open now, so the listener must be closed."""
        with self._lock:
            # Only read the clock when there is a DOWN fault: the HTTP layer asks
            # often, and a test's clock should see calls only when they matter.
            return self._faults.has(Fault.DOWN) and self._faults.down(self._clock())

    def _control_routes(self) -> list[Route]:
        """The control endpoint's route (not part of the real API)."""
        methods = frozenset({"GET", "POST", "DELETE"})
        pattern = re.compile(re.escape(CONTROL_PATH))
        return [Route("_sim/faults", pattern, V1, self._control_faults, methods)]

    def _control_faults(self, call: Call) -> Response:
        """``/_sim/faults``: ``POST`` injects a fault, ``DELETE`` clears, ``GET`` lists.

        The body of a ``POST`` is :meth:`FaultSpec.from_json`'s form; a bad one
        is a 422 that says why. ``DELETE`` takes optional ``job_id``,
        ``job_prefix`` and ``mode`` query parameters (none: clear all). Faults
        never apply to this route, so a revoked key or a 503 window cannot lock
        the controller out. Caller holds the lock.
        """
        if call.method == "GET":
            rules = self._faults.rules(call.now)
            return Response(200, {"faults": [r.to_json(call.now) for r in rules]})
        if call.method == "DELETE":
            return self._control_clear(call)
        try:
            spec = FaultSpec.from_json(json.loads(call.body or b"null"))
        except (TypeError, ValueError) as exc:  # JSONDecodeError is a ValueError
            return Response(422, {"detail": str(exc)})
        if spec.mode is Fault.DOWN and spec.duration is None:
            # The endpoint is served by the listener that DOWN closes: nobody
            # could reach it again to bring the server back up.
            return Response(422, {"detail": "down needs a duration when set over HTTP."})
        rule = self._faults.add(spec, call.now)
        return Response(201, {"fault": rule.to_json(call.now)})

    def _control_clear(self, call: Call) -> Response:
        """``DELETE /_sim/faults[?job_id=X|job_prefix=P|mode=M]``. Caller holds the lock."""
        filters = dict(call.query)
        unknown = sorted(set(filters) - {"job_id", "job_prefix", "mode"})
        if unknown:
            return Response(422, {"detail": f"Unknown filter(s): {', '.join(unknown)}."})
        try:
            mode = Fault.parse(filters["mode"]) if "mode" in filters else None
        except ValueError as exc:
            return Response(422, {"detail": str(exc)})
        cleared = self._faults.clear(filters.get("job_id"), filters.get("job_prefix"), mode)
        return Response(200, {"cleared": cleared})
