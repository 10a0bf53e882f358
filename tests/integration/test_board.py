"""JobBoard over real HTTP: mixed jobs to their ends, cancel-all, list-jobs paging, shared cost."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from sutro_widget import JobBoard
from sutro_widget.polling.poller import Poller
from sutro_widget.simulator import Simulator
from tests.helpers import FAST, make_card, wait_for


def board_on(sim: Simulator, ids: list[str], poller: Poller, **options: object) -> JobBoard:
    return JobBoard(
        ids, api_key=sim.api_key, base_url=sim.url_v1, policy=FAST, poller=poller, **options
    )


def test_a_board_of_mixed_jobs_follows_each_to_its_end(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    ids = [fresh_id("job-succeeds"), fresh_id("job-fails"), fresh_id("job-cancelled")]
    board = board_on(sim, [*ids, "no-such-job-board"], poller)
    completed: list[tuple[str, str]] = []
    board.on_complete(lambda job_id, final: completed.append((job_id, final)))
    with pytest.raises(Exception, match="was not found"):
        board.wait(30)  # one job can never finish: waiting says so
    board.remove("no-such-job-board")
    assert board.wait(30) == dict(zip(ids, ["succeeded", "failed", "cancelled"], strict=True))
    assert sorted(completed) == sorted(zip(ids, ["succeeded", "failed", "cancelled"], strict=True))
    wait_for(lambda: len(board.rows) == 3 and board.rows[1]["reason"] != "", what="rows")
    rows = {row["job_id"]: row for row in board.rows}
    assert [rows[i]["state"] for i in ids] == ["succeeded", "failed", "cancelled"]
    assert "Row 1532" in rows[ids[1]]["reason"]
    assert rows[ids[0]]["name"]  # from the job's details
    assert "3 jobs" in repr(board) and "1 failed" in repr(board)
    board.close()


def test_cancel_all_cancels_only_the_running_jobs(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    queued, running, done = fresh_id("job-held"), fresh_id("job-held"), fresh_id("job-fails")
    other = fresh_id("job-held")
    board = board_on(sim, [queued, running, other, done], poller)
    sim.advance(running)
    sim.advance(other)
    wait_for(
        lambda: [r["state"] for r in board.rows] == ["queued", "running", "running", "failed"],
        timeout=15,
        what="queued, running and failed rows",
    )
    assert sorted(board.cancel_all()) == sorted([running, other])
    wait_for(
        lambda: (
            sim.request_count(running, route="v1/job-cancel") == 1
            and sim.request_count(other, route="v1/job-cancel") == 1
        ),
        what="two cancels",
    )
    assert sim.request_count(queued, route="v1/job-cancel") == 0  # not running yet: it stays
    assert sim.request_count(done, route="v1/job-cancel") == 0
    board.close()


def test_a_board_and_ten_cards_on_one_job_cost_one_card(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    alone, shared = fresh_id("job-succeeds"), fresh_id("job-succeeds")
    make_card(sim, alone, poller).wait(30)
    board = board_on(sim, [shared], poller)
    cards = [make_card(sim, shared, poller) for _ in range(10)]
    assert board.wait(30) == {shared: "succeeded"}
    assert all(card.wait(5) == "succeeded" for card in cards)
    for route in ("v1/jobs", "v1/stream-job-progress"):
        assert sim.request_count(shared, route=route) <= sim.request_count(alone, route=route) + 1
    assert sim.request_count(shared) <= sim.request_count(alone) + 2


@pytest.fixture
def account() -> Iterator[Simulator]:
    """A simulator whose account holds nine realistic jobs and nothing else."""
    with Simulator(time_scale=0.05) as simulator:
        simulator.seed_demo_jobs(9)
        yield simulator


def test_recent_pages_through_list_jobs(account: Simulator, poller: Poller) -> None:
    board = JobBoard.recent(
        limit=4, api_key=account.api_key, base_url=account.url_v1, policy=FAST, poller=poller
    )
    wait_for(lambda: len(board.job_ids) == 4 and not board.loading, what="the first page")
    assert board.has_more is True
    assert board.title == "Recent jobs"
    board.load_more()
    wait_for(lambda: len(board.job_ids) == 8 and not board.loading, what="the second page")
    board.load_more()
    wait_for(lambda: len(board.job_ids) == 9 and not board.loading, what="the last page")
    assert board.has_more is False
    assert sorted(board.job_ids) == sorted(f"job-demo-{n:02d}" for n in range(1, 10))
    wait_for(lambda: len(board.rows) == 9, what="nine rows")
    states = {row["state"] for row in board.rows}
    assert {"succeeded", "failed", "cancelled"} <= states
    # Jobs list-jobs already calls final are shown, not polled.
    finished = [r["job_id"] for r in board.rows if r["state"] in ("succeeded", "cancelled")]
    assert finished and all(account.request_count(job_id) == 0 for job_id in finished)
    board.close()


def test_recent_refuses_a_bad_limit_at_the_call_site() -> None:
    with pytest.raises(ValueError, match="1 to 100"):
        JobBoard.recent(limit=0, api_key="k", base_url="http://127.0.0.1:9")


def test_a_single_id_is_refused_with_a_sentence() -> None:
    with pytest.raises(TypeError, match="list of job ids"):
        JobBoard("job-1", api_key="k", base_url="http://127.0.0.1:9")  # type: ignore[arg-type]
