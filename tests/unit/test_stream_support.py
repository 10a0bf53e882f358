"""Which deployments stream is learnt once, from one refusal, and not for good."""

from __future__ import annotations

import weakref

from sutro_widget.api.client import SutroClient
from sutro_widget.polling.policy import PollPolicy
from sutro_widget.polling.stream_support import ABSENT_FOR, PROBE_PATIENCE, StreamSupport
from sutro_widget.polling.watch import Watch


class Listener:
    def on_poll_result(self, result: object, *, still_polling: bool) -> None:
        pass

    def on_progress(self, updates: object, *, streaming: bool) -> None:
        pass


LISTENER = Listener()


def watch(job_id: str, base_url: str = "https://a.example/v1") -> Watch:
    client = SutroClient(api_key="k", base_url=base_url)
    return Watch(job_id, client, PollPolicy(), weakref.ref(LISTENER))


def test_one_job_probes_while_the_deployment_is_unknown_and_the_others_wait() -> None:
    support, first, second = StreamSupport(), watch("j1"), watch("j2")
    assert support.may_open(first, 0.0)
    assert not support.may_open(second, 1.0)
    assert support.may_open(second, PROBE_PATIENCE + 0.1), "a silent probe lets another try"


def test_one_refusal_is_the_routes_for_every_job_there_until_it_is_asked_again() -> None:
    support, first, second, elsewhere = StreamSupport(), watch("j1"), watch("j2"), watch("j3")
    other = watch("j4", "https://b.example/v1")
    assert support.may_open(first, 0.0)
    support.refused(first, 1.0)
    assert support.absent(first.client.base_url, 2.0)
    assert not support.may_open(second, 2.0)
    assert support.may_open(other, 2.0), "another deployment is not tarred with it"
    assert not support.absent(first.client.base_url, 1.0 + ABSENT_FOR)
    assert support.may_open(elsewhere, 1.0 + ABSENT_FOR), "asked again after a while"


def test_where_streams_were_heard_a_refusal_is_that_jobs_alone() -> None:
    support, first, second, third = StreamSupport(), watch("j1"), watch("j2"), watch("j3")
    assert support.may_open(first, 0.0)
    support.heard(first)
    assert support.may_open(second, 1.0)
    support.refused(second, 1.0)
    assert not support.absent(first.client.base_url, 2.0)
    assert support.may_open(third, 2.0)
