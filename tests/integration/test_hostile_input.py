"""Bad input gets a clear error at the call site, before any request.

Before: a non-ASCII key raised a raw ``UnicodeEncodeError`` inside the client
and the card retried forever; ``None`` (what ``infer`` returns on failure)
or a list of ids (what ``infer_per_model`` returns) raised a bare TypeError.
"""

from __future__ import annotations

import pytest

from sutro_widget import AuthenticationError, JobStatusWidget, SutroClient
from sutro_widget.api.client import check_job_id
from sutro_widget.polling.poller import Poller
from sutro_widget.simulator import Simulator


@pytest.mark.parametrize("key", ["sk-caf\u00e9", "\u201csk-123\u201d", "sk-\u0430bc"])
def test_a_non_ascii_key_is_refused_when_the_client_is_made(key: str) -> None:
    with pytest.raises(AuthenticationError, match="non-ASCII"):
        SutroClient(api_key=key, base_url="https://a.example.com")


def test_a_non_ascii_key_from_the_environment_is_refused_by_the_card(
    sim: Simulator, poller: Poller, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUTRO_API_KEY", "sk-\u00e9t\u00e9")
    with pytest.raises(AuthenticationError, match="copy the key again"):
        JobStatusWidget("job-1", base_url=sim.url_v1, poller=poller)
    assert poller.thread is None  # nothing was sent, nothing retries


def test_none_as_a_job_id_says_the_submission_probably_failed() -> None:
    with pytest.raises(TypeError, match=r"submission probably failed \(sutro's infer returns None"):
        check_job_id(None)


@pytest.mark.parametrize("ids", [["job-1", "job-2"], ("job-1",)])
def test_a_list_of_ids_says_to_use_one_card_per_id(ids: object) -> None:
    with pytest.raises(TypeError, match="use one card per id, or JobBoard for many"):
        check_job_id(ids)


def test_the_card_says_the_same_for_none(sim: Simulator, poller: Poller) -> None:
    with pytest.raises(TypeError, match="submission probably failed"):
        JobStatusWidget(None, api_key="k", base_url=sim.url_v1, poller=poller)  # type: ignore[arg-type]
