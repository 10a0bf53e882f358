"""Faults placed on the simulator's clock, and the board that picks the one answering a request.

A :class:`FaultRule` is a :class:`~.specs.FaultSpec` with a window (when it
opens and closes on the simulator's clock), what is left of its request
budget, and how often it answered. A :class:`FaultBoard` holds the rules of
one simulator; a :class:`FaultHandle` is what ``inject`` gives back. Pure:
every ``now`` is an argument, so windows are tested with numbers.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from .modes import Fault, FaultTarget
from .specs import FaultSpec

__all__ = ["FaultBoard", "FaultHandle", "FaultRule"]

_rule_ids = itertools.count(1)


@dataclass(eq=False)
class FaultRule:
    """A spec placed on the clock: its window, what is left of it, how often it answered.

    Mutable and not thread-safe: the simulator changes it under its lock.
    """

    spec: FaultSpec
    starts_at: float
    ends_at: float | None
    requests_left: int | None
    hits: int = 0
    cleared: bool = False
    id: int = field(default_factory=lambda: next(_rule_ids))

    @classmethod
    def place(cls, spec: FaultSpec, now: float) -> FaultRule:
        """Open ``spec``'s window ``spec.after`` seconds after ``now``."""
        starts_at = now + spec.after
        ends_at = None if spec.duration is None else starts_at + spec.duration
        return cls(spec, starts_at, ends_at, spec.requests)

    def in_force(self, now: float) -> bool:
        """Not cleared and not past its window (a request it already holds stays held)."""
        return not self.cleared and (self.ends_at is None or now < self.ends_at)

    def active(self, now: float) -> bool:
        """Whether it would answer a matching request arriving at ``now``."""
        return self.in_force(now) and now >= self.starts_at and self.requests_left != 0

    def to_json(self, now: float) -> dict[str, object]:
        """The rule as the control endpoint lists it, times relative to ``now``."""
        return {
            "id": self.id,
            **self.spec.to_json(),
            "starts_in": max(0.0, self.starts_at - now),
            "ends_in": None if self.ends_at is None else max(0.0, self.ends_at - now),
            "requests_left": self.requests_left,
            "hits": self.hits,
            "active": self.active(now),
        }


class FaultHandle:
    """What :meth:`inject` returns: the rule, its hit count, and a way to clear it."""

    def __init__(self, rule: FaultRule, clear: Callable[[FaultRule], object]) -> None:
        """Wrap ``rule``; ``clear`` removes it from whatever board holds it."""
        self.rule = rule
        self._clear = clear

    @property
    def mode(self) -> Fault:
        """The fault this handle stands for."""
        return self.rule.spec.mode

    @property
    def hits(self) -> int:
        """How many requests this fault has answered so far."""
        return self.rule.hits

    def clear(self) -> None:
        """End this fault now (a request it holds without answer is let go)."""
        self._clear(self.rule)

    def __repr__(self) -> str:
        """Say what the fault is and how often it answered."""
        return f"<FaultHandle #{self.rule.id} {self.rule.spec.describe()} hits={self.hits}>"


class FaultBoard:
    """The faults in force on one simulator. Not thread-safe: its owner's lock guards it."""

    def __init__(self) -> None:
        """Start with no faults."""
        self._rules: list[FaultRule] = []

    def add(self, spec: FaultSpec, now: float) -> FaultRule:
        """Place ``spec`` on the clock at ``now`` and return its rule."""
        rule = FaultRule.place(spec, now)
        self._rules.append(rule)
        return rule

    def take(
        self, job_id: str | None, now: float, target: FaultTarget = "status"
    ) -> FaultRule | None:
        """Return the fault that answers a request for ``job_id`` at ``now``, and count it.

        ``target`` is the kind of request: a progress stream meets only
        :data:`~.modes.STREAM_FAULTS` (and they act on nothing else), a job
        list (``job_id`` ``None``) only faults aimed at no job in particular
        and :data:`~.modes.LIST_FAULTS`. The most recently injected active
        fault wins, so a test can layer a short fault over a long one; only
        the winner's ``requests`` is used up.
        """
        self._prune(now)
        for rule in reversed(self._rules):
            spec = rule.spec
            if rule.active(now) and spec.applies_to(job_id) and spec.answers(target):
                rule.hits += 1
                if rule.requests_left is not None:
                    rule.requests_left -= 1
                return rule
        return None

    def has(self, mode: Fault) -> bool:
        """Whether any fault of ``mode`` is on the board (no clock needed to say)."""
        return any(r.spec.mode is mode for r in self._rules)

    def down(self, now: float) -> bool:
        """Whether a ``DOWN`` window is open at ``now`` (the listener must be closed)."""
        return any(r.spec.mode is Fault.DOWN and r.active(now) for r in self._rules)

    def clear(
        self,
        job_id: str | None = None,
        job_prefix: str | None = None,
        mode: Fault | None = None,
    ) -> int:
        """Clear the faults injected with this ``job_id`` / ``job_prefix`` / ``mode``; all if none.

        Each filter given must match. Returns how many were cleared.
        """
        keep: list[FaultRule] = []
        cleared = 0
        for rule in self._rules:
            if (
                (job_id is None or rule.spec.job_id == job_id)
                and (job_prefix is None or rule.spec.job_prefix == job_prefix)
                and (mode is None or rule.spec.mode is mode)
            ):
                rule.cleared = True
                cleared += 1
            else:
                keep.append(rule)
        self._rules = keep
        return cleared

    def remove(self, rule: FaultRule) -> None:
        """Clear one rule (what :meth:`FaultHandle.clear` does)."""
        rule.cleared = True
        self._rules = [r for r in self._rules if r is not rule]

    def rules(self, now: float) -> list[FaultRule]:
        """The rules not yet over at ``now``, oldest first."""
        self._prune(now)
        return list(self._rules)

    def _prune(self, now: float) -> None:
        """Forget windows that have closed, so a long soak does not grow the list."""
        self._rules = [r for r in self._rules if r.in_force(now)]
