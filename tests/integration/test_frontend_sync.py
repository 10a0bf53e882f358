"""Frontend sync: changes made off the main thread wait until the browser asks for them.

Colab drops comm messages sent from the poller thread; in ``frontend`` sync the
card sends nothing from there and answers the browser's ``sync`` request from
its message handler instead. The sending is recorded at the comm itself.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from sutro_widget import JobStatusWidget
from sutro_widget.card import hosts
from sutro_widget.polling.poller import Poller
from sutro_widget.simulator import Simulator
from tests.helpers import make_card


class Recorder:
    """Stands in for the comm's ``send``: which thread sent which traits."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, set[str]]] = []

    def __call__(self, data: Any = None, **_: Any) -> None:
        keys = set((data or {}).get("state", {}))
        self.sent.append((threading.current_thread().name, keys))


def recorded(card: JobStatusWidget) -> Recorder:
    recorder = Recorder()
    assert card.comm is not None
    card.comm.send = recorder  # type: ignore[method-assign]
    return recorder


def test_frontend_sync_sends_nothing_from_the_poller_thread_until_asked(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    card = make_card(sim, fresh_id("job-succeeds"), poller, sync="frontend", autostart=False)
    recorder = recorded(card)
    card.start()
    assert card.wait(30) == "succeeded"
    assert card.sync_mode == "frontend"
    from_poller = [keys for thread, keys in recorder.sent if thread == "sutro-widget-poller"]
    assert from_poller == []
    card._on_browser_message(card, {"type": "sync"}, [])  # what the card's timer sends
    answered = set().union(*(keys for _, keys in recorder.sent))
    assert {"state", "status", "finished_at"} <= answered


def test_thread_sync_sends_from_the_poller_thread(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    card = make_card(sim, fresh_id("job-succeeds"), poller, sync="thread", autostart=False)
    recorder = recorded(card)
    card.start()
    assert card.wait(30) == "succeeded"
    assert any(thread == "sutro-widget-poller" for thread, _ in recorder.sent)


def test_auto_picks_frontend_on_colab_only(monkeypatch: pytest.MonkeyPatch) -> None:
    assert hosts.resolve_sync("auto") == "thread"
    monkeypatch.setitem(__import__("sys").modules, "google.colab", object())
    assert hosts.resolve_sync("auto") == "frontend"
    with pytest.raises(ValueError, match="sync must be one of"):
        hosts.resolve_sync("sometimes")


def test_a_host_that_cannot_poll_says_so_in_one_sentence(
    sim: Simulator, poller: Poller, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sutro_widget.card.widget.can_poll", lambda: False)
    card = make_card(sim, "job-succeeds-pyodide", poller)
    assert card.state == "unreachable"
    assert "Pyodide" in card.error
    assert sim.request_count("job-succeeds-pyodide") == 0
