"""``%load_ext sutro_widget`` in a real kernel (nbclient) and in terminal IPython (a real pty).

One notebook runs every notebook-side magic once (a kernel start is the slow
part); each test reads the cells it is about. In the notebook ``%sutro_job``
must display a live card and nothing else; a mistake must read as one
sentence, never as an ``error`` output or a traceback. In terminal IPython
there is no browser, so the same magic follows the job with the terminal
renderer and ends on its final state.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from sutro_widget.simulator import Simulator

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
JOB = "job-succeeds-magic"
NOTEBOOK_CELLS = {
    "load": "%load_ext sutro_widget",
    "card": "%sutro_job {job} --compact --api-key {key} --base-url {url}",
    "bad_id": "%sutro_job .. --api-key {key} --base-url {url}",
    "bad_url": "%sutro_job job-1 --base-url ftp://example.com",
    "insecure_url": "%sutro_job job-1 --base-url http://example.com/v1",
    "no_id": "%sutro_job",
    "unbalanced": "%sutro_job 'job-1",
    "help": "%sutro_job --help",
    "jobs_both": "%sutro_jobs job-1 --limit 3",
}
Cells = dict[str, Any]


def run_notebook(sources: dict[str, str], sim: Simulator) -> tuple[Cells, Any]:
    notebook = nbformat.v4.new_notebook()
    values = {"job": JOB, "key": sim.api_key, "url": sim.url_v1}
    notebook.cells = [nbformat.v4.new_code_cell(s.format(**values)) for s in sources.values()]
    NotebookClient(notebook, timeout=60, kernel_name="python3").execute()
    return dict(zip(sources, notebook.cells, strict=True)), notebook


@pytest.fixture(scope="module")
def ran() -> Iterator[tuple[Cells, Any]]:
    with Simulator(time_scale=0.05) as sim:
        yield run_notebook(NOTEBOOK_CELLS, sim)


def outputs(cell: Any, kind: str | None = None) -> list[Any]:
    return [o for o in cell.outputs if kind is None or o.output_type == kind]


def stderr_of(cell: Any) -> str:
    return "".join(o.text for o in outputs(cell, "stream") if o.name == "stderr")


def assert_no_error(cell: Any) -> None:
    assert outputs(cell, "error") == [], outputs(cell, "error")
    assert "Traceback" not in str(cell.outputs)


# -- in a notebook ----------------------------------------------------------------------------


def test_load_ext_is_silent(ran: tuple[Cells, Any]) -> None:
    cells, _ = ran
    assert cells["load"].outputs == []


def test_sutro_job_displays_a_card_for_the_job(ran: tuple[Cells, Any]) -> None:
    cells, notebook = ran
    card = cells["card"]
    assert_no_error(card)
    (shown,) = outputs(card, "display_data")
    assert WIDGET_VIEW in shown.data
    assert f"job_id={JOB!r}" in shown.data["text/plain"]
    assert stderr_of(card) == ""
    model_id = shown.data[WIDGET_VIEW]["model_id"]
    state = notebook.metadata.widgets[WIDGET_STATE]["state"][model_id]["state"]
    assert state["job_id"] == JOB
    assert state["compact"] is True  # --compact reached the widget


@pytest.mark.parametrize(
    ("cell", "says"),
    [
        ("bad_id", "%sutro_job: job_id '..' is not a job id."),
        ("bad_url", "%sutro_job: The Sutro API URL must be an absolute http(s) URL, not "),
        ("insecure_url", "%sutro_job: Refusing plain http:// to example.com"),
        ("no_id", "%sutro_job: the following arguments are required: JOB_ID"),
        ("unbalanced", "%sutro_job: No closing quotation"),
        ("jobs_both", "%sutro_jobs: give job ids or --limit, not both."),
    ],
)
def test_a_mistake_is_one_sentence_not_a_traceback(
    ran: tuple[Cells, Any], cell: str, says: str
) -> None:
    cells, _ = ran
    assert_no_error(cells[cell])
    assert outputs(cells[cell], "display_data") == []
    printed = stderr_of(cells[cell])
    assert printed.startswith(says), printed
    assert printed.count("\n") == 1


def test_help_prints_the_usage(ran: tuple[Cells, Any]) -> None:
    cells, _ = ran
    assert_no_error(cells["help"])
    (printed,) = outputs(cells["help"], "stream")
    assert printed.name == "stdout"
    assert printed.text.startswith("usage: %sutro_job [-h] [--compact]")
    assert "--base-url URL" in printed.text


def test_sutro_jobs_displays_a_board_of_the_named_or_the_newest_jobs() -> None:
    """Needs ``sutro_widget.card.board`` (the lead's ``JobBoard``)."""
    with Simulator(time_scale=0.05) as sim:
        cells, _ = run_notebook(
            {
                "load": "%load_ext sutro_widget",
                "named": "%sutro_jobs job-succeeds-b1 job-fails-b2 "
                "--api-key {key} --base-url {url}",
                "recent": "%sutro_jobs --limit 5 --api-key {key} --base-url {url}",
            },
            sim,
        )
    for name in ("named", "recent"):
        assert_no_error(cells[name])
        assert stderr_of(cells[name]) == ""
        (shown,) = outputs(cells[name], "display_data")
        assert WIDGET_VIEW in shown.data
    assert "job-succeeds-b1" in outputs(cells["named"], "display_data")[0].data["text/plain"]


# -- in terminal IPython --------------------------------------------------------------------


def run_on_pty(
    argv: list[str], *, timeout: float = 90.0, interrupt_on: str | None = None
) -> tuple[int, str]:
    """Run ``argv`` on a real pseudo-terminal (100 columns); return its status and output.

    With ``interrupt_on``, the child gets one SIGINT once its output contains that text.
    """
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    child = subprocess.Popen(
        argv,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**env, "TERM": "xterm-256color"},
        # A shell's background job ignores SIGINT, and a child inherits that: as a user's
        # terminal would, let Ctrl-C reach IPython whatever started this test run.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    os.close(slave)
    output = b""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if select.select([master], [], [], 0.5)[0]:
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: the child closed its terminal
                    break
                if not data:
                    break
                output += data
                if interrupt_on and interrupt_on.encode() in output:
                    os.kill(child.pid, signal.SIGINT)
                    interrupt_on = None
        else:
            child.kill()
            pytest.fail(f"terminal IPython still running after {timeout}s: {output!r}")
        return child.wait(timeout=10), output.decode("utf-8", "replace")
    finally:
        os.close(master)


def test_in_terminal_ipython_sutro_job_follows_the_job_to_its_end() -> None:
    with Simulator(time_scale=0.05) as sim:
        code = (
            "%load_ext sutro_widget\n"
            f"%sutro_job job-succeeds-ipy --api-key {sim.api_key} --base-url {sim.url_v1}\n"
            "%sutro_job ..\n"
            "print('after the magic')\n"
        )
        argv = [sys.executable, "-m", "IPython", "--no-banner", "--colors=NoColor", "-c", code]
        status, text = run_on_pty(argv)
    assert status == 0, text
    assert "Traceback" not in text
    assert "\x1b[2K" in text and "\x1b[1A" in text  # the job's line was redrawn in place
    final = "\u2713 Succeeded  Summarise support tickets (job-succeeds-ipy)"
    assert final in text
    assert text.index(final) < text.index("%sutro_job: job_id '..' is not a job id.")
    assert text.index("%sutro_job: job_id") < text.index("after the magic\r\n")  # it returned


def test_in_terminal_ipython_sutro_jobs_without_ids_follows_the_newest_jobs() -> None:
    with Simulator(time_scale=0.05) as sim:
        connection = f"--api-key {sim.api_key} --base-url {sim.url_v1}"
        code = (
            "%load_ext sutro_widget\n"
            f"%sutro_jobs {connection}\n"  # nothing on the account yet
            f"%sutro_job job-fails-ipy {connection}\n"
            "print('now listed')\n"
            f"%sutro_jobs --limit 1 {connection}\n"
            "print('after the magic')\n"
        )
        argv = [sys.executable, "-m", "IPython", "--no-banner", "--colors=NoColor", "-c", code]
        status, text = run_on_pty(argv)
    assert status == 0, text
    assert "Traceback" not in text
    assert text.index("No jobs on this account yet.") < text.index("now listed")
    final = "\u2715 Failed  Extract invoice fields (job-fails-ipy)"
    after = text[text.index("now listed") :]
    assert final in after, text  # the newest job, followed again to its outcome
    assert after.index(final) < after.index("after the magic\r\n")


def test_in_terminal_ipython_ctrl_c_ends_the_magic_not_the_session() -> None:
    with Simulator(time_scale=0.05) as sim:
        code = (
            "%load_ext sutro_widget\n"
            f"%sutro_job job-held-ipy --api-key {sim.api_key} --base-url {sim.url_v1}\n"
            "print('after the magic')\n"
        )
        argv = [sys.executable, "-m", "IPython", "--no-banner", "--colors=NoColor", "-c", code]
        status, text = run_on_pty(argv, interrupt_on="Queued")
    assert status == 0, text
    assert "Traceback" not in text and "KeyboardInterrupt" not in text
    (stopped,) = [line for line in text.split("\r\n") if "stopped following" in line]
    assert "Queued" in stopped and "job-held-ipy" in stopped
    assert stopped.endswith("stopped following (interrupted); the job carries on")
    assert text.index(stopped) < text.index("after the magic\r\n")  # the session went on
