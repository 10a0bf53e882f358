"""The demo notebook runs top to bottom in a real kernel, against a simulator it starts itself."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

DEMO = Path(__file__).parents[2] / "notebooks" / "demo.ipynb"


@pytest.mark.timeout(180)
def test_demo_notebook_runs_and_its_waiting_job_succeeds(tmp_path: Path) -> None:
    notebook = nbformat.read(DEMO, as_version=4)
    env_before = dict(os.environ)
    try:
        client = NotebookClient(
            notebook,
            timeout=120,
            kernel_name="python3",
            resources={"metadata": {"path": str(tmp_path)}},
        )
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(env_before)

    errors = [
        o
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]
    assert errors == []
    printed = "".join(
        o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs
    )
    assert "talking to http://127.0.0.1:" in printed
    assert "final status: succeeded" in printed
    assert "statuses seen: [" in printed and "'succeeded']" in printed
    widgets = [
        o
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    cards = [w for w in widgets if w["data"]["text/plain"].startswith("JobStatusWidget(")]
    boards = [w for w in widgets if w["data"]["text/plain"].startswith("JobBoard(")]
    assert (len(cards), len(boards)) == (8, 2)
    # Frontends without widgets get a readable line and a static card that says the state.
    assert all('class="sutro-job-card-static"' in w["data"]["text/html"] for w in cards)
    assert all('class="sutro-job-board-static"' in w["data"]["text/html"] for w in boards)
    recent = boards[1]["data"]["text/plain"]
    assert "5 jobs" in recent, recent  # one page of the account's jobs, as asked
