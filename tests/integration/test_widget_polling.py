"""JobStatusWidget polling the real simulator over HTTP, from the shared poller thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from sutro_widget import (
    AuthenticationError,
    JobNotFoundError,
    JobStatusWidget,
    StatusReport,
    SutroError,
)
from sutro_widget.polling.poller import Poller
from sutro_widget.simulator import FAILURE_METADATA, Simulator
from tests.helpers import FAST, make_card, wait_for

FRONTEND_THREAD_TIMEOUT = 5.0


def thread_ends(poller: Poller) -> None:
    thread = poller.thread
    if thread is not None:
        thread.join(FRONTEND_THREAD_TIMEOUT)
    assert poller.thread is None, "the poller thread outlived its last job"


@pytest.mark.parametrize("v1", [True, False], ids=["current", "legacy"])
@pytest.mark.parametrize(
    ("prefix", "final"),
    [("job-succeeds", "succeeded"), ("job-fails", "failed"), ("job-cancelled", "cancelled")],
)
def test_each_lifecycle_ends_in_its_final_state(
    sim: Simulator,
    poller: Poller,
    fresh_id: Callable[[str], str],
    prefix: str,
    final: str,
    v1: bool,
) -> None:
    w = make_card(sim, fresh_id(prefix), poller, v1=v1)
    assert w.wait(timeout=15) == final
    assert w.status == final
    assert w.polling is False
    assert w.error == ""
    assert w.finished_at >= w.started_at > 0
    thread_ends(poller)  # a final state stops polling, and the idle thread exits


def test_failure_metadata_reaches_the_traits_in_both_generations(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    current = make_card(sim, fresh_id("job-fails"), poller)
    legacy = make_card(sim, fresh_id("job-fails"), poller, v1=False)
    current.wait(15)
    legacy.wait(15)
    assert current.metadata == FAILURE_METADATA
    assert current.raw_status == "FAILED"
    reason = FAILURE_METADATA["failure_reason"]
    assert isinstance(reason, dict)
    assert legacy.metadata["failure_reason"] == reason["message"]  # a string in the legacy API
    assert legacy.raw_status == "failed"


def test_a_status_we_do_not_know_is_shown_verbatim_and_polling_goes_on(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    job_id = fresh_id("job-unknown")
    w = make_card(sim, job_id, poller)
    wait_for(lambda: w.raw_status == "PAUSED", what="the PAUSED status")
    assert w.status == "unknown"
    assert w.polling is True
    seen = sim.request_count(job_id)
    wait_for(lambda: sim.request_count(job_id) > seen, what="another poll")
    w.close()


def test_the_status_sequence_is_seen_in_order(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    job_id = fresh_id("job-held")
    w = make_card(sim, job_id, poller)
    seen: list[str] = []
    w.observe(lambda change: seen.append(change["new"]), names="status")
    wait_for(lambda: w.status == "queued", what="queued")
    sim.advance(job_id)
    wait_for(lambda: w.status == "running", what="running")
    sim.advance(job_id)
    assert w.wait(10) == "succeeded"
    assert seen == ["queued", "running", "succeeded"]


@pytest.mark.parametrize(
    ("job_id", "key", "error", "card_state"),
    [
        ("no-such-job", None, JobNotFoundError, "not-found"),
        ("job-succeeds-k", "wrong-key", AuthenticationError, "unauthorized"),
    ],
)
def test_401_and_404_stop_polling_with_a_clear_error(
    sim: Simulator,
    poller: Poller,
    job_id: str,
    key: str | None,
    error: type[SutroError],
    card_state: str,
) -> None:
    w = JobStatusWidget(
        job_id, api_key=key or sim.api_key, base_url=sim.url_v1, policy=FAST, poller=poller
    )
    with pytest.raises(error):
        w.wait(10)
    assert w.polling is False
    assert w.error  # one sentence on the card
    assert "wrong-key" not in w.error
    assert w.status == ""  # nothing good was ever known; nothing invented
    assert w.state == card_state
    thread_ends(poller)


def client_side_threads() -> set[str]:
    """Threads of this process that are not the simulator's (its handlers are per connection)."""
    return {
        f"{t.name}:{t.ident}"
        for t in threading.enumerate()
        if "process_request_thread" not in t.name and not t.name.startswith("sutro-simulator")
    }


def test_close_leaves_no_thread_behind(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    before = client_side_threads()
    widgets = [make_card(sim, fresh_id("job-unknown"), poller) for _ in range(20)]
    wait_for(lambda: all(w.raw_status for w in widgets), what="every card's first answer")
    assert poller.thread is not None
    new_threads = client_side_threads() - before
    # The poller thread, plus at most asyncio's small fixed pool for name lookups.
    assert 1 <= len(new_threads) <= 1 + 6, new_threads
    for w in widgets:
        w.close()
    thread_ends(poller)


def test_the_default_poller_is_shared_and_ends_after_close(
    sim: Simulator, fresh_id: Callable[[str], str]
) -> None:
    a = JobStatusWidget(
        fresh_id("job-unknown"), api_key=sim.api_key, base_url=sim.url_v1, policy=FAST
    )
    b = JobStatusWidget(
        fresh_id("job-unknown"), api_key=sim.api_key, base_url=sim.url_v1, policy=FAST
    )
    wait_for(lambda: bool(a.raw_status and b.raw_status), what="both answers")
    assert a._poller is b._poller
    a.close()
    b.close()
    thread_ends(a._poller)


def test_stop_resume_and_refresh(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    job_id = fresh_id("job-held")
    w = make_card(sim, job_id, poller)
    wait_for(lambda: w.status == "queued", what="queued")
    w._on_browser_message(w, {"type": "stop"}, [])
    assert w.polling is False
    with pytest.raises(RuntimeError, match="not being followed"):
        w.wait(1)
    sim.advance(job_id)
    w._on_browser_message(w, {"type": "refresh"}, [])  # one poll, polling stays off
    wait_for(lambda: w.status == "running", what="the refreshed status")
    assert w.polling is False
    w._on_browser_message(w, {"type": "resume"}, [])
    assert w.polling is True
    sim.advance(job_id)
    assert w.wait(10) == "succeeded"


def test_a_wait_with_a_timeout_raises_timeout_error(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    w = make_card(sim, fresh_id("job-held"), poller)
    with pytest.raises(TimeoutError, match="still"):
        w.wait(timeout=0.2)
    w.close()


class CommSpy:
    """Counts the state updates a widget sends to the browser."""

    def __init__(self, w: JobStatusWidget) -> None:
        self.updates: list[dict[str, Any]] = []
        self.polls = threading.Semaphore(0)
        original_send = w.comm.send
        original_result = w.on_poll_result

        def send(data: Any = None, **kwargs: Any) -> None:
            if isinstance(data, dict) and data.get("method") == "update":
                self.updates.append(data["state"])
            original_send(data=data, **kwargs)

        def on_poll_result(result: StatusReport | SutroError, *, still_polling: bool) -> None:
            original_result(result, still_polling=still_polling)
            self.polls.release()

        w.comm.send = send
        w.on_poll_result = on_poll_result  # type: ignore[method-assign]

    def wait_polls(self, count: int) -> None:
        for _ in range(count):
            assert self.polls.acquire(timeout=10), "a poll did not happen"


def test_one_message_per_change_and_only_the_checked_time_for_an_unchanged_poll(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    job_id = fresh_id("job-held")
    w = make_card(sim, job_id, poller, autostart=False)
    spy = CommSpy(w)
    w.start()
    spy.wait_polls(1)
    first = [u for u in spy.updates if "status" in u]
    assert len(first) == 1, spy.updates  # every trait of the first answer in one message
    assert {"status", "raw_status", "last_checked_at"} <= set(first[0])
    wait_for(lambda: bool(w.details), what="the job details (they come with the polls)")
    spy.updates.clear()
    spy.wait_polls(3)  # the job is held: three answers that change nothing but the time
    assert spy.updates, "an answer moves 'checked N s ago'"
    assert all(set(update) == {"last_checked_at"} for update in spy.updates), spy.updates
    sim.advance(job_id)
    spy.wait_polls(2)  # the change, then an answer that repeats it
    changes = [u for u in spy.updates if "status" in u]
    assert len(changes) == 1
    assert changes[0]["status"] == "running"
    w.close()
