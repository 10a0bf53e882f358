"""Cancel from Python and the card, callbacks, wait_async, history and the results snippet."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from sutro_widget.polling.poller import Poller
from sutro_widget.simulator import Simulator
from tests.helpers import make_card, run_coroutine, wait_for


def test_cancel_shows_cancelling_then_cancelled(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    job_id = fresh_id("job-held")
    w = make_card(sim, job_id, poller)
    wait_for(lambda: w.status == "queued", what="queued")
    sim.advance(job_id)
    wait_for(lambda: w.status == "running", what="running")
    seen: list[str] = []
    w.on_change(seen.append)
    w._on_browser_message(w, {"type": "cancel"}, [])  # what the card's confirm sends
    wait_for(lambda: w.status == "cancelling", what="cancelling")
    sim.advance(job_id)  # a held job holds in cancelling until told
    assert w.wait(15) == "cancelled"
    assert seen[-2:] == ["cancelling", "cancelled"]
    assert w.cancel_error == ""
    assert sim.request_count(job_id, route="v1/job-cancel") == 1


def test_cancel_of_a_finished_job_says_why_not(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    job_id = fresh_id("job-succeeds")
    w = make_card(sim, job_id, poller)
    assert w.wait(15) == "succeeded"
    w.cancel()
    wait_for(lambda: bool(w.cancel_error), what="the refusal")
    assert "could not be cancelled" in w.cancel_error
    assert "succeeded" in w.cancel_error
    assert w.status == "succeeded"


def test_callbacks_fire_once_and_a_raising_one_harms_nothing(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    job_id = fresh_id("job-held")
    w = make_card(sim, job_id, poller)
    changes: list[str] = []
    completions: list[str] = []
    done = threading.Event()

    @w.on_change
    def broken(status: str) -> None:
        raise RuntimeError("a bug in user code")

    w.on_change(changes.append)
    w.on_complete(completions.append)
    w.on_complete(lambda status: done.set())
    wait_for(lambda: w.status == "queued", what="queued")
    sim.advance(job_id)
    wait_for(lambda: w.status == "running", what="running")
    sim.advance(job_id)
    assert done.wait(15)
    w.refresh()
    w.refresh()  # more final answers must not complete it again
    wait_for(lambda: not w.polling, what="polling to end")
    assert completions == ["succeeded"]
    assert changes[-2:] == ["running", "succeeded"]
    late: list[str] = []
    w.on_complete(late.append)  # registered after the end: called at once
    assert late == ["succeeded"]
    assert [h["status"] for h in w.history] == ["queued", "running", "succeeded"]
    assert [h["at"] for h in w.history] == sorted(h["at"] for h in w.history)
    assert "get_job_results" in w.results_snippet
    assert repr(job_id) in w.results_snippet


def test_wait_async_returns_the_final_status(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    w = make_card(sim, fresh_id("job-fails"), poller)
    assert run_coroutine(w.wait_async(timeout=15)) == "failed"


def test_wait_async_times_out_and_raises_the_fatal_error(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    held = make_card(sim, fresh_id("job-held"), poller)
    with pytest.raises(TimeoutError, match="still"):
        run_coroutine(held.wait_async(timeout=0.2))
    missing = make_card(sim, "no-such-job", poller)
    from sutro_widget import JobNotFoundError

    with pytest.raises(JobNotFoundError):
        run_coroutine(missing.wait_async(timeout=10))
    held.close()
