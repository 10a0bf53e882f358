"""A forked child must not inherit the parent's poller thread as if it were alive.

Only the forking thread survives ``fork`` (``multiprocessing``'s default start
method on Linux): the child holds the poller's thread object, dead, and maybe
its lock, held forever. Objects registered here are told right after a fork,
in the child, so they can forget both and start afresh when first needed.
"""

from __future__ import annotations

import os
import weakref
from typing import Protocol


class ForkAware(Protocol):
    """Something with per-process state to reset in a forked child."""

    def _after_fork_in_child(self) -> None:
        """Forget the parent's threads and locks; called in the child only."""


_REGISTERED: weakref.WeakSet[ForkAware] = weakref.WeakSet()


def reset_after_fork(obj: ForkAware) -> None:
    """Have ``obj._after_fork_in_child()`` called in every forked child (held weakly)."""
    _REGISTERED.add(obj)


def _reset_all() -> None:
    for obj in list(_REGISTERED):
        obj._after_fork_in_child()


if hasattr(os, "register_at_fork"):  # not on Windows, which cannot fork
    os.register_at_fork(after_in_child=_reset_all)
