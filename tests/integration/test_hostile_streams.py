"""A progress stream left open after the job ended cannot hide the end for long.

While a stream is open, status polls are a safety net at
``PollPolicy.streaming_interval`` (12 s, was 60 s): a server that keeps the
stream open after the job finished (heartbeats, or silence) still lets the
final status show within 15 s of the end, with the default policy.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from sutro_widget import PollPolicy, ProtocolError, StatusReport, SutroClient, SutroError
from sutro_widget.api.transport import pooled_client
from sutro_widget.polling.poller import Poller
from tests import hostile_servers as hostile
from tests.helpers import run_coroutine, wait_for


class Timeline:
    """A listener that notes when each status arrived."""

    def __init__(self) -> None:
        self.seen: list[tuple[float, str]] = []
        self.progress = 0
        self.lock = threading.Lock()

    def on_poll_result(self, result: StatusReport | SutroError, *, still_polling: bool) -> None:
        text = result.status.value if isinstance(result, StatusReport) else type(result).__name__
        with self.lock:
            self.seen.append((time.monotonic(), text))

    def on_progress(self, updates: list[dict[str, Any]], *, streaming: bool) -> None:
        with self.lock:
            self.progress += len(updates)

    def statuses(self) -> list[str]:
        with self.lock:
            return [status for _, status in self.seen]


@pytest.mark.parametrize("stream", ["heartbeats", "silence"])
def test_the_end_shows_within_15_s_while_the_stream_stays_open(poller: Poller, stream: str) -> None:
    kept_open = hostile.heartbeats(1.0) if stream == "heartbeats" else hostile.silence()
    # RUNNING twice (the stream opens after the first), then the job is over.
    play = hostile.by_endpoint(
        hostile.running_then("SUCCEEDED", running_answers=2), stream_job_progress=kept_open
    )
    with hostile.HostileServer(play) as server:
        timeline = Timeline()
        poller.watch(
            "job-1", SutroClient(api_key="k", base_url=server.url), timeline, policy=PollPolicy()
        )  # fmt: skip  (the real default policy)
        wait_for(lambda: timeline.statuses().count("running") == 2, timeout=20, what="two polls")
        ended_at = timeline.seen[-1][0]  # from here on the server says SUCCEEDED
        assert any("stream-job-progress" in path for path in server.paths())
        wait_for(lambda: "succeeded" in timeline.statuses(), timeout=30, what="the final status")
        shown_after = timeline.seen[-1][0] - ended_at
    assert shown_after < 15, f"the end showed {shown_after:.1f} s late"


def test_a_progress_line_without_a_newline_is_dropped_at_the_cap() -> None:
    with hostile.HostileServer(hostile.by_endpoint(hostile.endless_line())) as server:
        client = SutroClient(api_key="k", base_url=server.url)

        async def read() -> None:
            async with pooled_client() as http:
                async for _ in client.stream_progress_async("job-1", http):
                    pass

        started = time.monotonic()
        with pytest.raises(ProtocolError, match="too long to be one"):
            run_coroutine(read())
    assert time.monotonic() - started < 10
