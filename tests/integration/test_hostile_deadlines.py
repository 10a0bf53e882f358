"""Every request has an overall deadline: trickling servers become a clear retry.

httpx's timeouts are per read, so before the deadline a server sending one
byte a second (or headers that never end, ``100 Continue`` forever, a slow
chunked body) held a request, a card and the poller thread forever.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from sutro_widget import JobStatusWidget, NetworkError, PollPolicy, StatusReport, SutroClient
from sutro_widget.api import limits
from sutro_widget.api.transport import pooled_client
from sutro_widget.errors import SutroError
from sutro_widget.polling.poller import Poller
from tests import hostile_servers as hostile
from tests.helpers import run_coroutine, wait_for

pytestmark = pytest.mark.long  # scheduled first: the parallel run must not end waiting on it

SLOW_PLAYS = {
    "trickle": hostile.trickle(0.2),
    "endless_headers": hostile.endless_headers(0.2),
    "continue_forever": hostile.continue_forever(0.2),
    "slow_chunked": hostile.slow_chunked(0.2),
}


@pytest.fixture
def trickling() -> Iterator[hostile.HostileServer]:
    """A server whose every answer trickles in one byte a second, forever."""
    with hostile.HostileServer(hostile.trickle(1.0)) as server:
        yield server


class Recorder:
    """A listener that keeps every poll result and progress batch."""

    def __init__(self) -> None:
        self.results: list[StatusReport | SutroError] = []
        self.progress: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def on_poll_result(self, result: StatusReport | SutroError, *, still_polling: bool) -> None:
        with self.lock:
            self.results.append(result)

    def on_progress(self, updates: list[dict[str, Any]], *, streaming: bool) -> None:
        with self.lock:
            self.progress.extend(updates)

    def errors(self) -> list[SutroError]:
        with self.lock:
            return [r for r in self.results if isinstance(r, SutroError)]


@pytest.mark.parametrize("mode", sorted(SLOW_PLAYS))
def test_a_slow_answer_is_cut_off_at_the_deadline(mode: str) -> None:
    with hostile.HostileServer(SLOW_PLAYS[mode]) as server:
        client = SutroClient(api_key="k", base_url=server.url, timeout=5, deadline=1.5)
        started = time.monotonic()
        with pytest.raises(
            NetworkError, match=r"No complete answer from 127\.0\.0\.1 within 1\.5 s"
        ):
            client.get_status("job-1")
        assert time.monotonic() - started < 10  # ~1.5 s; unbounded before the deadline


def test_the_default_deadline_is_15_seconds_for_a_blocking_call(
    trickling: hostile.HostileServer,
) -> None:
    client = SutroClient(api_key="k", base_url=trickling.url)
    started = time.monotonic()
    with pytest.raises(NetworkError, match="within 15 s; retrying") as caught:
        client.get_status("job-1")
    assert time.monotonic() - started < 25
    assert caught.value.transient


def test_the_async_path_has_the_same_deadline(trickling: hostile.HostileServer) -> None:
    client = SutroClient(api_key="k", base_url=trickling.url, deadline=1.0)

    async def ask() -> None:
        async with pooled_client() as http:
            await client.fetch_details_async("job-1", http)

    with pytest.raises(NetworkError, match="within 1 s"):
        run_coroutine(ask())


def test_a_stream_that_goes_quiet_is_dropped_after_the_line_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(limits, "STREAM_LINE_DEADLINE", 1.0)
    quiet = hostile.by_endpoint(hostile.heartbeats(30.0))
    with hostile.HostileServer(quiet) as server:
        client = SutroClient(api_key="k", base_url=server.url)
        seen: list[dict[str, Any]] = []

        async def read() -> None:
            async with pooled_client() as http:
                async for update in client.stream_progress_async("job-1", http):
                    seen.append(update)

        started = time.monotonic()
        with pytest.raises(NetworkError, match="no complete line for 1 s"):
            run_coroutine(read())
    assert seen == [{"update_type": "heartbeat"}]  # the first line came, then silence
    assert time.monotonic() - started < 10


def test_a_card_on_a_trickling_server_says_so_retries_and_refresh_works(
    trickling: hostile.HostileServer, poller: Poller, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "REQUEST_DEADLINE", 1.0)
    policy = PollPolicy(error_initial=30, error_max=60, unreachable_max=60)  # no quick retry
    card = JobStatusWidget("job-1", api_key="k", base_url=trickling.url, poller=poller,
                           policy=policy)  # fmt: skip
    wait_for(lambda: "No complete answer" in card.error, timeout=20, what="the deadline error")
    assert "within 1 s; retrying" in card.error
    requests_before = len(trickling.requests)
    card.refresh()
    wait_for(lambda: len(trickling.requests) > requests_before, timeout=20, what="the refresh")
    card.close()
    thread = poller.thread
    if thread is not None:
        thread.join(20)
    assert poller.thread is None, "the poller thread outlived the last card's close"


def test_shutdown_ends_the_thread_while_requests_trickle(
    trickling: hostile.HostileServer, poller: Poller
) -> None:
    listener = Recorder()
    for number in range(5):
        client = SutroClient(api_key="k", base_url=trickling.url, deadline=300)
        poller.watch(f"job-{number}", client, listener)
    wait_for(lambda: len(trickling.requests) >= 5, what="five trickling requests")
    thread = poller.thread
    assert thread is not None
    poller.shutdown(timeout=10)
    assert not thread.is_alive(), "the poller thread outlived shutdown()"
