"""The README's demo command really serves working cards.

Runs ``scripts/demo --no-browser`` from the repo root exactly as a person would
(plus a port, a token, and a read-only extension manager so Lab stays offline),
with every bit of Jupyter state in a temp dir. The demo runs
``scripts/bootstrap`` (a no-op when already installed), starts its own
simulator and opens ``notebooks/demo.ipynb`` in JupyterLab. The test opens that
notebook, runs every cell, and watches the cards reach their final states.

The demo notebook must come out untouched: the page is closed without saving,
Lab's autosave is off in the temp settings, and a save logged by the demo's
server fails the test (the notebook's bytes from before are put back). Other
people edit this checkout too, so a change with no save in our log is left
alone. The demo's whole process group is stopped at the end, and every
process it started must be gone, its simulator included.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from .harness import (
    NOTEBOOK_CARD,
    REPO_ROOT,
    JupyterServer,
    browser_page,
    free_port,
    jupyter_state_env,
    open_notebook,
    run_all_cells,
    seconds,
    wait_for,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(360)]

DEMO = REPO_ROOT / "scripts" / "demo"
NOTEBOOKS = REPO_ROOT / "notebooks"
DEMO_NOTEBOOK = NOTEBOOKS / "demo.ipynb"
#: Made by Jupyter when it opens a notebook; removed again if this test made it.
CHECKPOINTS = ".ipynb_checkpoints"

#: The demo runs scripts/bootstrap, starts a simulator, then Jupyter: allow for all three.
DEMO_READY_TIMEOUT_S = 90.0
#: The slowest demo job (job-succeeds) takes about ten seconds once its card first asks.
DEMO_STATE_TIMEOUT_S = 60.0
DEMO_STOP_TIMEOUT_S = 30.0
MIN_CARDS = 6

#: Lab settings for the demo's temp settings dir: never save the demo notebook behind our back.
NO_AUTOSAVE: dict[str, dict[str, object]] = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
}


@dataclass(frozen=True)
class Proc:
    """One process seen under /proc: its id, parent, session, state and command line."""

    pid: int
    ppid: int
    session: int
    state: str
    cmdline: str


def processes() -> dict[int, Proc]:
    """Every process visible now (those that vanish while being read are skipped)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        # The command name may hold spaces and parentheses; the fields follow the last ")".
        fields = stat[stat.rindex(")") + 2 :].split()
        pid = int(entry.name)
        found[pid] = Proc(pid, int(fields[1]), int(fields[3]), fields[0], cmdline.strip())
    return found


def started_by(root: int) -> dict[int, Proc]:
    """``root``, everything in its session, and all their descendants.

    Kernels start in sessions of their own, so they are found as descendants.
    """
    table = processes()
    chosen = {pid for pid, proc in table.items() if pid == root or proc.session == root}
    grew = True
    while grew:
        children = {pid for pid, proc in table.items() if proc.ppid in chosen} - chosen
        chosen |= children
        grew = bool(children)
    return {pid: table[pid] for pid in chosen}


def alive(proc: Proc) -> bool:
    """Whether ``proc`` (the same process, not a recycled pid) still runs; zombies count as gone."""
    now = processes().get(proc.pid)
    return now is not None and now.cmdline == proc.cmdline and now.state != "Z"


def refuses_connections(url: str) -> bool:
    """Whether nothing answers at ``url`` any more."""
    try:
        urllib.request.urlopen(url, timeout=2).close()
    except urllib.error.HTTPError:
        return False
    except (urllib.error.URLError, OSError):
        return True
    return False


@dataclass
class Demo:
    """The running demo: its Jupyter server (for URLs and the log) and its simulator's URL."""

    server: JupyterServer
    simulator_url: str


def demo_env(base: Path) -> dict[str, str]:
    """Our environment with Jupyter state under ``base``, and no Sutro settings of our own."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SUTRO_") and key != "PYTHONPATH"
    }
    env.update(jupyter_state_env(base, NO_AUTOSAVE))
    env["PYTHONUNBUFFERED"] = "1"
    return env


def stop_demo(process: subprocess.Popen[bytes], tree: dict[int, Proc]) -> list[str]:
    """SIGTERM the demo's process group; return what of ``tree`` outlived it (then killed)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + DEMO_STOP_TIMEOUT_S
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=DEMO_STOP_TIMEOUT_S)
    while time.monotonic() < deadline and any(alive(p) for p in tree.values()):
        time.sleep(0.2)
    survivors = [p for p in tree.values() if alive(p)]
    for proc in survivors:  # only processes this test started, by their pid
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGKILL)
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=DEMO_STOP_TIMEOUT_S)
    return [f"pid {p.pid}: {p.cmdline}" for p in survivors]


#: What Jupyter's contents API logs when a client saves the demo notebook.
SAVED_DEMO = re.compile(r"Saving file at /?demo\.ipynb\b")


@pytest.fixture
def untouched_notebooks(tmp_path: Path) -> Iterator[None]:
    """Fail if the demo's Lab saved the demo notebook (restoring it), or left files beside it.

    Torn down after the demo has stopped. Only a save that the demo's own server
    logged is undone: others work in this checkout too, and a change they make
    meanwhile (no save in our log) is theirs to keep, so it is only reported.
    """
    log_path = JupyterServer(frontend="lab", base=tmp_path).log_path
    before = DEMO_NOTEBOOK.read_bytes()
    listing = set(os.listdir(NOTEBOOKS))
    yield
    problems = []
    log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""
    saved = SAVED_DEMO.search(log) is not None
    changed = DEMO_NOTEBOOK.read_bytes() != before
    if saved:
        if changed:
            DEMO_NOTEBOOK.write_bytes(before)
        problems.append(
            f"the demo's Lab saved {DEMO_NOTEBOOK} ("
            + ("restored to its bytes before the test" if changed else "its bytes are unchanged")
            + ")"
        )
    elif changed:
        warnings.warn(
            f"{DEMO_NOTEBOOK} changed during the test but the demo's server never saved it: "
            "someone else edited it, so it was left as it is.",
            stacklevel=1,
        )
    added = sorted(set(os.listdir(NOTEBOOKS)) - listing)
    if CHECKPOINTS in added:
        # Lab checkpoints every notebook it opens (git ignores the folder); ours goes.
        shutil.rmtree(NOTEBOOKS / CHECKPOINTS)
        added.remove(CHECKPOINTS)
    if added:
        problems.append(f"new entries in {NOTEBOOKS}: {added}")
    assert not problems, "; ".join(problems)


@pytest.fixture
def demo(untouched_notebooks: None, tmp_path: Path) -> Iterator[Demo]:
    """``scripts/demo`` running headless on a free port; stopped, process group and all."""
    server = JupyterServer(frontend="lab", base=tmp_path, port=free_port())
    command = [
        str(DEMO),
        "--no-browser",
        f"--port={server.port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={server.token}",
        "--LabApp.extension_manager=readonly",
    ]
    with server.log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=demo_env(tmp_path),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server.process = process
    tree: dict[int, Proc] = {}
    try:
        server.wait_until_ready(DEMO_READY_TIMEOUT_S)
        log_text = server.log_path.read_text(encoding="utf-8", errors="replace")
        match = re.search(r"^\[demo\] simulator at (\S+)$", log_text, re.MULTILINE)
        assert match, f"the demo did not say where its simulator is.\n{server.log_tail()}"
        simulator_url = match.group(1)
        yield Demo(server=server, simulator_url=simulator_url)
    finally:
        tree = started_by(process.pid)
        survivors = stop_demo(process, tree)
    assert not survivors, (
        f"these processes of the demo outlived SIGTERM to its process group "
        f"(killed now): {survivors}\n{server.log_tail()}"
    )
    simulators = [p for p in tree.values() if "sutro_widget.simulator" in p.cmdline]
    assert simulators, (
        "no simulator process was found under the demo, so its stop cannot be checked: "
        f"{[p.cmdline for p in tree.values()]}"
    )
    assert refuses_connections(f"{simulator_url}/v1/job-status/job-x"), (
        f"the demo's simulator at {simulator_url} still answers after the demo stopped"
    )
    assert process.returncode is not None


@pytest.fixture
def demo_page(browser: Browser) -> Iterator[Page]:
    """A fresh page; closing its context discards the notebook without saving it."""
    with browser_page(browser) as page:
        yield page


def test_demo_script_serves_the_cards(demo: Demo, demo_page: Page) -> None:
    page, server = demo_page, demo.server
    # The demo serves notebooks/ as its root: the notebook is at the top, not under notebooks/.
    with urllib.request.urlopen(server.api_url("contents/demo.ipynb"), timeout=10) as answer:
        assert answer.status == 200

    open_notebook(page, server, "demo.ipynb")
    run_all_cells(page, server)

    timeout = seconds(DEMO_STATE_TIMEOUT_S)
    cards = page.locator(NOTEBOOK_CARD)
    wait_for(
        page,
        server,
        f"at least {MIN_CARDS} cards to be drawn",
        lambda: page.wait_for_function(
            f"document.querySelectorAll('{NOTEBOOK_CARD}').length >= {MIN_CARDS}",
            timeout=timeout,
        ),
        extra=lambda: f"cards drawn: {cards.count()}",
    )

    first = cards.first

    def first_succeeds() -> None:
        expect(first).to_have_attribute("data-status", "succeeded", timeout=timeout)
        expect(first.get_by_test_id("status-word")).to_have_text("Succeeded")

    wait_for(page, server, "the first card to reach Succeeded", first_succeeds)

    failed = page.locator(NOTEBOOK_CARD + '[data-status="failed"]')
    wait_for(
        page,
        server,
        "a card to reach Failed",
        lambda: expect(failed.get_by_test_id("status-word")).to_have_text(
            ["Failed"], timeout=timeout
        ),
    )
    words = page.get_by_test_id("status-word").filter(has_text="Unknown: PAUSED")
    wait_for(
        page,
        server,
        'a card to show "Unknown: PAUSED"',
        lambda: expect(words).to_have_count(1, timeout=timeout),
    )
    not_found = page.get_by_test_id("error").filter(has_text="was not found")
    wait_for(
        page,
        server,
        'a card to say the job "was not found"',
        lambda: expect(not_found).to_have_count(1, timeout=timeout),
    )
    stdout = page.locator(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stdout"]',
        has_text="final status:",
    )
    wait_for(
        page,
        server,
        'the last cell to print "final status: succeeded"',
        lambda: expect(stdout).to_contain_text("final status: succeeded", timeout=timeout),
    )
    assert cards.count() >= MIN_CARDS
