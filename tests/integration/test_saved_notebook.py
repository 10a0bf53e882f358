"""A notebook executed headless keeps each card's outcome in its saved static outputs.

The cards are created in one cell and their jobs finish while later cells run,
so what is saved is only true if the card updated its outputs after the fact.
Read back from the ``.ipynb``, as GitHub or ``nbconvert --to html`` would.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from sutro_widget.simulator import Simulator

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def card_outputs(notebook: nbformat.NotebookNode) -> list[dict[str, object]]:
    return [
        o["data"]
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.outputs
        if WIDGET_MIME in o.get("data", {})
    ]


@pytest.mark.timeout(180)
def test_headless_run_saves_final_states_not_the_state_at_display(tmp_path: Path) -> None:
    with Simulator(time_scale=0.05) as sim:
        # A fast policy: the scripts run 20x faster than real jobs, the default
        # policy's budget (one request per 5 s) would not see them end in time.
        fast = "PollPolicy(initial_interval=0.05, max_interval=0.2)"
        make = f"api_key={sim.api_key!r}, base_url={sim.url_v1!r}, policy={fast}"
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [
            nbformat.v4.new_code_cell(
                "from sutro_widget import JobStatusWidget, PollPolicy\n"
                f"ok = JobStatusWidget('job-succeeds-saved', {make})\nok"  # last expression
            ),
            nbformat.v4.new_code_cell(
                f"bad = JobStatusWidget('job-fails-saved', {make})\ndisplay(bad)\n"
                "print(ok.state, bad.state)"  # both still in flight when this cell ends
            ),
            nbformat.v4.new_code_cell("import time\ntime.sleep(3)\nprint(ok.state, bad.state)"),
        ]
        NotebookClient(notebook, timeout=60, kernel_name="python3").execute()
    path = tmp_path / "saved.ipynb"
    nbformat.write(notebook, path)
    saved = nbformat.read(path, as_version=4)

    printed = [o.get("text", "") for c in saved.cells for o in c.outputs if "text" in o]
    assert printed[0].split() != ["succeeded", "failed"]  # not final at display time
    assert printed[-1].split() == ["succeeded", "failed"]
    ok, bad = card_outputs(saved)
    assert 'data-state="succeeded"' in str(ok["text/html"])
    assert "Succeeded" in str(ok["text/html"])
    assert "saved view, last updated" in str(ok["text/html"])
    assert "state='succeeded'" in str(ok["text/plain"])
    assert 'data-state="failed"' in str(bad["text/html"])
    assert "Failed: Row 1532" in str(bad["text/html"])
    assert "state='failed'" in str(bad["text/plain"])
