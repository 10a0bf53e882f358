"""Many streaming cards together stay within the comm budget; news is never held back."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from sutro_widget.card.budget import RATE_PER_SECOND
from sutro_widget.polling.poller import Poller
from sutro_widget.simulator import Simulator
from tests.helpers import make_card, wait_for

CARDS = 120


def test_streaming_cards_send_at_most_the_budget_and_news_at_once(
    poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    sends: list[tuple[float, set[str]]] = []
    lock = threading.Lock()

    def recorder(data: Any = None, **_: Any) -> None:
        with lock:
            sends.append((time.monotonic(), set((data or {}).get("state", {}))))

    with Simulator(time_scale=1.0) as sim:
        cards = []
        for _ in range(CARDS):
            card = make_card(sim, fresh_id("job-long"), poller, autostart=False)
            assert card.comm is not None
            card.comm.send = recorder  # type: ignore[method-assign]
            card.start()
            cards.append(card)
        wait_for(lambda: all(c.progress.get("rows_done") for c in cards), 60, "progress on all")
        with lock:
            sends.clear()
        started = time.monotonic()
        time.sleep(5)  # the measurement window (no assertion on time itself)
        with lock:
            window = [keys for at, keys in sends if at >= started]
        elapsed = time.monotonic() - started
        for card in cards:
            card.close()
    routine = [keys for keys in window if keys <= {"progress", "last_checked_at", "details"}]
    # Unthrottled, 120 cards streaming would send ~4 progress updates a second each (~480/s).
    assert len(routine) / elapsed <= RATE_PER_SECOND * 1.2
    assert len(routine) / elapsed >= RATE_PER_SECOND * 0.3  # progress still flows
