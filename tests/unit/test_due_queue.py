"""The poller's heap of due times, in virtual time."""

from __future__ import annotations

import weakref

from sutro_widget import PollPolicy, SutroClient
from sutro_widget.polling.due import DueQueue
from sutro_widget.polling.watch import Watch


class Listener:
    def on_poll_result(self, result: object, *, still_polling: bool) -> None: ...


LISTENER = Listener()
CLIENT = SutroClient(api_key="k", base_url="http://127.0.0.1:1")


def make_watch(job_id: str) -> Watch:
    return Watch(job_id, CLIENT, PollPolicy(), weakref.ref(LISTENER))  # type: ignore[arg-type]


def test_pops_only_what_is_due_in_order() -> None:
    queue = DueQueue()
    a, b, c = make_watch("a"), make_watch("b"), make_watch("c")
    queue.push(b, 20.0)
    queue.push(a, 10.0)
    queue.push(c, 30.0)
    assert queue.next_due() == 10.0
    assert queue.pop_due(5.0) == []
    assert queue.pop_due(20.0) == [a, b]
    assert queue.next_due() == 30.0


def test_rescheduling_earlier_makes_the_old_entry_stale() -> None:
    queue = DueQueue()
    a = make_watch("a")
    queue.push(a, 100.0)
    queue.push(a, 1.0)  # a refresh
    assert queue.pop_due(1.0) == [a]
    a.in_flight = True
    assert queue.pop_due(1000.0) == []  # the stale 100.0 entry is dropped


def test_inactive_and_in_flight_watches_are_skipped() -> None:
    queue = DueQueue()
    gone, busy = make_watch("gone"), make_watch("busy")
    queue.push(gone, 1.0)
    queue.push(busy, 2.0)
    gone.active = False
    busy.in_flight = True
    assert queue.next_due() is None
    assert queue.pop_due(10.0) == []
    assert len(queue) == 0
