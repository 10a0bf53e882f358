"""Fixtures shared by the Python test layers."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest

from sutro_widget.polling.poller import Poller
from sutro_widget.simulator import Simulator


@pytest.fixture(autouse=True)
def _no_user_sutro_config(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep the developer's own ~/.sutro and SUTRO_* variables out of every test."""
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
    for name in ("SUTRO_API_KEY", "SUTRO_API_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def sim() -> Iterator[Simulator]:
    """A real simulator on 127.0.0.1, its timed scripts 20x faster."""
    with Simulator(time_scale=0.05) as simulator:
        yield simulator


@pytest.fixture
def poller() -> Iterator[Poller]:
    """A private poller, so a test can watch its thread start and end."""
    private = Poller()
    yield private
    private.shutdown()


@pytest.fixture
def fresh_id() -> Callable[[str], str]:
    """A job id no other test has used, so the job's script starts from its beginning."""
    return lambda prefix: f"{prefix}-{uuid.uuid4().hex[:8]}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``SUTRO_TEST_PHASE`` splits the suite: ``parallel`` (xdist workers) or ``alone``.

    Tests marked ``alone`` time what a page or kernel does under a heavy load of its
    own (300 live cards); ``scripts/test`` runs them after the parallel run, with the
    machine to themselves. Unset, everything runs.

    Files marked ``long`` go first: workers take files in collection order, and a
    minute-long file picked up last would keep the run waiting on one worker.
    """
    items.sort(key=lambda item: item.get_closest_marker("long") is None)  # stable: files stay whole
    phase = os.environ.get("SUTRO_TEST_PHASE")
    if phase not in ("parallel", "alone"):
        return
    keep = [
        item
        for item in items
        if (item.get_closest_marker("alone") is not None) == (phase == "alone")
    ]
    dropped = [item for item in items if item not in keep]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = keep
