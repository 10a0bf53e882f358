"""Answers the widget had no word for: 410 Gone, and a Retry-After of 1e308 seconds."""

from __future__ import annotations

import math
import threading
from typing import Any

import pytest

from sutro_widget import JobStatusWidget, PollPolicy, RateLimitedError, StatusReport, SutroClient
from sutro_widget.errors import ConfigurationError, SutroError
from sutro_widget.polling.poller import Poller
from tests import hostile_servers as hostile
from tests.helpers import FAST, wait_for

GONE = b'{"detail": "Direct Sutro Batch API access is no longer supported."}'


def test_410_is_a_configuration_error_that_says_to_set_the_url() -> None:
    with (
        hostile.HostileServer(hostile.answer("410 Gone", GONE)) as server,
        pytest.raises(ConfigurationError) as caught,
    ):
        SutroClient(api_key="k", base_url=server.url).get_status("job-1")
    assert not caught.value.transient
    assert "SUTRO_API_URL" in str(caught.value) and "base_url" in str(caught.value)
    assert caught.value.status_code == 410


def test_a_card_stops_polling_on_410(poller: Poller) -> None:
    with hostile.HostileServer(hostile.answer("410 Gone", GONE)) as server:
        card = JobStatusWidget("job-1", api_key="k", base_url=server.url, poller=poller,
                               policy=FAST)  # fmt: skip
        wait_for(lambda: not card.polling and "SUTRO_API_URL" in card.error, what="the 410")
        asked = len(server.requests)
        threading.Event().wait(0.5)
        assert len(server.requests) == asked  # not retried


class Last:
    def __init__(self) -> None:
        self.result: StatusReport | SutroError | None = None

    def on_poll_result(self, result: StatusReport | SutroError, *, still_polling: bool) -> None:
        self.result = result

    def on_progress(self, updates: list[dict[str, Any]], *, streaming: bool) -> None:
        """Not needed."""


def test_a_huge_retry_after_says_the_wait_actually_used(poller: Poller) -> None:
    limited = hostile.answer("429 Too Many Requests", b"{}", retry_after="1e308")
    with hostile.HostileServer(limited) as server:
        with pytest.raises(RateLimitedError) as caught:
            SutroClient(api_key="k", base_url=server.url).get_status("job-1")
        assert caught.value.retry_after == 600
        assert "Waiting 600 s" in str(caught.value) and "1000" not in str(caught.value)

        listener = Last()
        client = SutroClient(api_key="k", base_url=server.url)
        poller.watch("job-1", client, listener, policy=PollPolicy(max_retry_after=5))
        wait_for(lambda: listener.result is not None, what="the 429")
        error = listener.result  # read while the server is up: its closing is not the answer
    assert isinstance(error, RateLimitedError), error
    assert error.retry_after == 5 and math.isfinite(error.retry_after)
    assert "Waiting 5 s before asking again" in str(error)
