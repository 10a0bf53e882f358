"""A marimo notebook with a live Sutro job card and a cell that re-runs on each status.

Run it against the simulator (``python -m sutro_widget.simulator`` prints its URL)::

    SUTRO_API_URL=... SUTRO_API_KEY=... marimo run notebooks/marimo_demo.py

``SUTRO_JOB_ID`` picks the job (default ``job-succeeds-demo``).
"""

import marimo

app = marimo.App()


@app.cell
def _():
    import os

    import marimo as mo

    from sutro_widget import JobStatusWidget, PollPolicy
    from sutro_widget.integrations.marimo import status_state

    return JobStatusWidget, PollPolicy, mo, os, status_state


@app.cell
def _(JobStatusWidget, PollPolicy, os):
    card = JobStatusWidget(
        os.environ.get("SUTRO_JOB_ID", "job-succeeds-demo"),
        policy=PollPolicy(initial_interval=0.2, max_interval=0.5),
    )
    return (card,)


@app.cell
def _(card, mo):
    mo.ui.anywidget(card)
    return


@app.cell
def _(card, status_state):
    get_status = status_state(card)
    return (get_status,)


@app.cell
def _(get_status, mo):
    mo.md(f"<p data-testid='marimo-status'>status is {get_status()}</p>")
    return


if __name__ == "__main__":
    app.run()
