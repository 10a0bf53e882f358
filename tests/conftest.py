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


def keep_files_together(items: list[pytest.Item]) -> None:
    """Mark the files whose tests must share one worker (``--dist loadgroup``).

    Browser and packaging files share a server, browser or build per file, as
    does any file with a module-scoped fixture of its own: each stays on one
    worker. Every other test goes to whichever worker is free, so a file of
    several slow tests does not hold one worker while the others idle.
    """
    for item in items:
        module = item.getparent(pytest.Module)
        fixtures = getattr(item, "_fixtureinfo", None)  # pytest's own record of what it uses
        own_module_fixture = (
            module is not None
            and fixtures is not None
            and any(
                definition.scope == "module" and definition.baseid == module.nodeid
                for definitions in fixtures.name2fixturedefs.values()
                for definition in definitions
            )
        )
        if item.path.parent.name in ("e2e", "packaging") or own_module_fixture:
            item.add_marker(pytest.mark.xdist_group(item.path.name))


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups into the test ids
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``SUTRO_TEST_PHASE`` splits the suite: ``parallel`` (xdist workers) or ``alone``.

    Tests marked ``alone`` time what a page or kernel does under a heavy load of its
    own (300 live cards); ``scripts/test`` runs them after the parallel run, with the
    machine to themselves. Unset, everything runs.
    """
    keep_files_together(items)
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
