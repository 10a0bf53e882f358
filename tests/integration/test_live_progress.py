"""Job details, the live progress stream and its recovery, over real HTTP."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sutro_widget import JobStatusWidget, PollPolicy
from sutro_widget.polling.poller import Poller
from sutro_widget.simulator import Simulator
from tests.helpers import FAST, make_card, wait_for

#: Polls so rarely that only the end of the progress stream can explain a quick final status.
SLOW = PollPolicy(initial_interval=60, max_interval=60)


def test_details_arrive_and_are_refreshed_at_the_end(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    job_id = fresh_id("job-succeeds")
    w = make_card(sim, job_id, poller)
    wait_for(lambda: bool(w.details), what="the job details")
    assert w.details["name"]
    assert w.details["num_rows"] == sim.num_rows(job_id)
    assert w.wait(15) == "succeeded"
    wait_for(lambda: w.details.get("job_cost") is not None, what="the final cost")
    assert w.details["datetime_completed"]
    assert sim.request_count(job_id, route="v1/jobs") >= 2  # at start and at the end


def test_the_legacy_api_has_no_details_and_the_card_does_not_mind(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    w = JobStatusWidget(
        fresh_id("job-succeeds"), api_key=sim.api_key, base_url=sim.url, policy=FAST, poller=poller
    )
    assert w.wait(15) == "succeeded"
    assert w.details == {}
    assert w.progress == {}  # no stream endpoint either
    assert w.error == ""


def test_progress_advances_and_reaches_the_total_with_the_job(
    poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    with Simulator(time_scale=0.4) as paced:  # ~2.4 s of running: several updates
        job_id = fresh_id("job-succeeds")
        w = make_card(paced, job_id, poller)
        seen: list[int] = []
        times: list[float] = []
        w.observe(lambda change: seen.append(change["new"].get("rows_done") or 0), names="progress")
        w.observe(lambda change: times.append(time.monotonic()), names="progress")
        assert w.wait(15) == "succeeded"
        total = paced.num_rows(job_id)
        wait_for(lambda: w.progress.get("rows_done") == total, what="all rows done")
        assert w.progress["rows_total"] == total
        # Throttled: at most about four browser updates a second (plus the closing one).
        span = times[-1] - times[0]
        assert len(times) <= span / 0.25 + 3, (len(times), span)
    assert seen == sorted(seen), "rows done went backwards"
    assert len(set(seen)) >= 3, f"progress did not advance in steps: {seen}"


def test_a_finished_job_shows_as_finished_when_its_stream_ends_not_at_the_next_poll(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    job_id = fresh_id("job-held")
    w = make_card(sim, job_id, poller, policy=SLOW)
    wait_for(lambda: w.status == "queued", what="queued")
    sim.advance(job_id)
    w.refresh()  # the slow policy would not look again for a minute
    wait_for(lambda: w.status == "running", what="running")
    sim.set_progress(job_id, 500)  # rows flow: the stream delivers, so polls are rare
    wait_for(lambda: poller_streams(poller, w), what="a delivering stream")
    polls_before = sim.request_count(job_id)
    sim.advance(job_id)  # the job succeeds; its stream ends
    # Polls are a minute apart, so only the stream's end can explain seeing it
    # this soon. (How soon is measured in benchmarks/finish_latency.py, not here:
    # a wall-clock bound in a test would only measure how busy the machine is.)
    wait_for(lambda: w.status == "succeeded", timeout=10, what="succeeded long before a poll")
    assert sim.request_count(job_id) == polls_before + 1  # one status check, right away


def poller_streams(poller: Poller, w: JobStatusWidget) -> bool:
    """Whether the poller has a progress stream delivering rows for the card's job."""
    watch, streams = w._feed._watch, poller._streams
    return watch is not None and streams is not None and streams.is_streaming(watch)


def test_a_broken_stream_is_reopened_and_progress_completes(
    poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    with Simulator(time_scale=0.8) as slow_sim:  # ~5 s of running: room for a reconnect
        job_id = fresh_id("job-stream-breaks")
        w = make_card(
            slow_sim, job_id, poller, policy=PollPolicy(initial_interval=0.2, max_interval=0.5)
        )
        assert w.wait(30) == "succeeded"
        wait_for(lambda: w.progress.get("rows_done") == slow_sim.num_rows(job_id), what="all rows")
        assert slow_sim.request_count(job_id, route="v1/stream-job-progress") >= 2
        assert w.error == ""  # a broken stream is not the user's problem


def test_fifty_jobs_stream_at_once_on_one_thread(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    before = {t.name for t in threading.enumerate()}
    ids = [fresh_id("job-held") for _ in range(50)]
    cards = [make_card(sim, job_id, poller) for job_id in ids]
    wait_for(lambda: all(c.status == "queued" for c in cards), what="50 queued")
    for job_id in ids:
        sim.advance(job_id)
        sim.set_progress(job_id, 700)
    wait_for(lambda: all(poller_streams(poller, c) for c in cards), timeout=15, what="50 streams")
    wait_for(
        lambda: all(c.progress.get("rows_done") == 700 for c in cards),
        timeout=15,
        what="progress on all 50 cards",
    )
    poller_threads = [t for t in threading.enumerate() if t.name == "sutro-widget-poller"]
    assert len(poller_threads) == 1
    grown = {t.name for t in threading.enumerate()} - before
    grown = {n for n in grown if "process_request_thread" not in n}
    assert len(grown) <= 1 + 6, grown  # the poller, and at most asyncio's small lookup pool
    for job_id in ids:
        sim.advance(job_id)
    for c in cards:
        assert c.wait(15) == "succeeded"
