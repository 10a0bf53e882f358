"""The one backoff of the package: status polls and progress-stream reconnects both use it."""

from __future__ import annotations

import random
from collections.abc import Callable

#: Uniform floats in [0, 1): ``random.random``, or a fixed function in tests.
Random = Callable[[], float]


def backoff(failures: int, initial: float, maximum: float, rand: Random = random.random) -> float:
    """Seconds to wait after ``failures`` failures in a row: doubling, capped, jittered.

    "Equal jitter": between half and all of ``initial * 2**(failures-1)``
    (capped at ``maximum``), so many clients that failed together spread
    out, and no retry ever comes at once. The one backoff of the package:
    status polls and progress-stream reconnects both use it.
    """
    ceiling = min(maximum, initial * 2 ** max(0, failures - 1))
    return float(ceiling / 2 + rand() * ceiling / 2)
