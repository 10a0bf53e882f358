"""``python -m sutro_widget watch`` as a user runs it: a real subprocess against the simulator.

Every exit status from a real outcome (a job that succeeds, fails, is
cancelled, is unknown, a refused key, a closed port, a job still running at
``--timeout``), piped (log lines, never an escape code) and on a real
pseudo-terminal (lines redrawn in place and fitted to its width), and Ctrl-C
(SIGINT to the child once it has said something): 130, no traceback.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from sutro_widget.simulator import Simulator
from sutro_widget.terminal.text import display_width

LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \S+ [a-z-]+( \d+(/\d+)?)?( - .+)?$")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
CURSOR_UP = re.compile(r"\x1b\[\d+A")
FreshId = Callable[[str], str]


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "sutro_widget", *args]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli(*args), capture_output=True, text=True, timeout=90, env=env, check=False
    )


def on(sim: Simulator, *, key: str | None = None) -> tuple[str, ...]:
    return ("--api-key", key or sim.api_key, "--base-url", sim.url_v1)


@dataclass
class PtyRun:
    """What a child wrote to its terminal, how it ended, and when."""

    returncode: int
    text: str
    ended_at: float
    interrupted_at: float | None


def run_on_pty(
    argv: list[str],
    *,
    columns: int = 100,
    timeout: float = 60.0,
    on_output: Callable[[int, str], bool] | None = None,
) -> PtyRun:
    """Run ``argv`` with a real pseudo-terminal (``columns`` wide) as stdin, stdout and stderr.

    ``on_output(pid, text_so_far)`` is called after each read until it returns
    True (it may signal the child); the moment it did is ``interrupted_at``.
    """
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["TERM"] = "xterm-256color"
    child = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    output, interrupted_at = b"", None
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if not select.select([master], [], [], 0.5)[0]:
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every copy of the terminal's other end is closed
                break
            if not data:
                break
            output += data
            text = output.decode("utf-8", "replace")
            if on_output and interrupted_at is None and on_output(child.pid, text):
                interrupted_at = time.monotonic()
        else:
            child.kill()
            pytest.fail(f"{argv} still running after {timeout}s: {output!r}")
        returncode = child.wait(timeout=10)
    finally:
        os.close(master)
    ended = time.monotonic()
    return PtyRun(returncode, output.decode("utf-8", "replace"), ended, interrupted_at)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def assert_plain_log(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert "\x1b" not in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines
    for line in lines:
        assert LOG_LINE.match(line), line
    return lines


def outcome_of(lines: list[str], job_id: str) -> str:
    """The job's last line, which must say how it ended."""
    line = [line for line in lines if f" {job_id} " in line][-1]
    assert " - " in line, line
    return line


# -- exit statuses, piped ---------------------------------------------------------------


def test_all_succeeded_is_0_and_the_log_is_plain(sim: Simulator, fresh_id: FreshId) -> None:
    first, second = fresh_id("job-succeeds"), fresh_id("job-succeeds")
    result = run("watch", first, second, *on(sim))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = assert_plain_log(result)
    for job_id in (first, second):
        said = [line.split()[2] for line in lines if f" {job_id} " in line]
        # One line per state seen, in the script's order (a poll may miss a short state).
        order = ["queued", "starting", "running", "succeeded"]
        assert said == sorted(set(said), key=order.index)
        assert said[-1] == "succeeded"
        assert outcome_of(lines, job_id).endswith(" - Succeeded")


def test_a_failure_is_1_and_says_why(sim: Simulator, fresh_id: FreshId) -> None:
    job_id = fresh_id("job-fails")
    result = run("watch", job_id, *on(sim))
    assert result.returncode == 1
    line = outcome_of(assert_plain_log(result), job_id)
    assert " failed " in line
    assert line.endswith(
        "Failed: Row 1532: input exceeds the model context window (41230 > 40960 tokens)"
    )


def test_a_cancel_is_2(sim: Simulator, fresh_id: FreshId) -> None:
    job_id = fresh_id("job-cancelled")
    result = run("watch", job_id, *on(sim))
    assert result.returncode == 2
    assert outcome_of(assert_plain_log(result), job_id).endswith(" - Cancelled")


def test_an_unknown_job_is_3(sim: Simulator) -> None:
    result = run("watch", "no-such-job", *on(sim))
    assert result.returncode == 3
    assert "no-such-job not-found - Not found: " in outcome_of(
        assert_plain_log(result), "no-such-job"
    )


def test_a_refused_key_is_3(sim: Simulator, fresh_id: FreshId) -> None:
    job_id = fresh_id("job-succeeds")
    result = run("watch", job_id, *on(sim, key="not-the-key"))
    assert result.returncode == 3
    assert " unauthorized - Key refused: " in outcome_of(assert_plain_log(result), job_id)


def test_an_unreachable_server_is_retried_until_the_timeout_then_3() -> None:
    started = time.monotonic()
    url = f"http://127.0.0.1:{closed_port()}/v1"
    result = run("watch", "job-succeeds-1", "--api-key", "k", "--base-url", url, "--timeout", "2")
    assert result.returncode == 3
    assert 2 <= time.monotonic() - started < 30
    line = outcome_of(assert_plain_log(result), "job-succeeds-1")
    assert "unreachable - Unreachable: gave up after 2 s: Could not connect" in line


def test_a_job_not_final_at_the_timeout_is_3(sim: Simulator, fresh_id: FreshId) -> None:
    job_id = fresh_id("job-held")
    result = run("watch", job_id, *on(sim), "--timeout", "1.5")
    assert result.returncode == 3
    line = outcome_of(assert_plain_log(result), job_id)
    assert line.endswith("queued - Queued: gave up after 1.5 s; the job carries on")


def test_when_several_apply_the_smallest_non_zero_status_wins(
    sim: Simulator, fresh_id: FreshId
) -> None:
    cancelled = fresh_id("job-cancelled")
    assert run("watch", cancelled, "no-such-job", *on(sim)).returncode == 2
    jobs = (fresh_id("job-cancelled"), "no-such-job", fresh_id("job-fails"))
    assert run("watch", *jobs, *on(sim)).returncode == 1


def test_key_and_url_come_from_the_environment_or_the_config_file(
    sim: Simulator, fresh_id: FreshId, tmp_path: Path
) -> None:
    env = {**os.environ, "SUTRO_API_KEY": sim.api_key, "SUTRO_API_URL": sim.url}
    assert run("watch", fresh_id("job-succeeds"), env=env).returncode == 0
    home = tmp_path / "home"
    (home / ".sutro").mkdir(parents=True)
    config = {"api_key": sim.api_key, "api_url": sim.url}
    (home / ".sutro" / "config.json").write_text(json.dumps(config), encoding="utf-8")
    env = {**os.environ, "HOME": str(home)}
    assert run("watch", fresh_id("job-succeeds"), env=env).returncode == 0


# -- arguments ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["watch"], "the following arguments are required: JOB_ID"),
        (["watch", "job-1", "--timeout", "-1"], "must be a positive number of seconds"),
        (["watch", "job-1", "--timeout", "soon"], "is not a number of seconds"),
        (["watch", "job-1", "--base-url", "ftp://example.com"], "must be an absolute http(s) URL"),
        (["watch", "job-1", "--base-url", "http://example.com"], "Refusing plain http://"),
        (["watch", ".."], "is not a job id"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_arguments_are_one_sentence_and_2(args: list[str], says: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    *usage, error = result.stderr.strip().splitlines()
    assert usage and usage[0].startswith("usage: python -m sutro_widget")
    assert says in error
    assert "Traceback" not in result.stderr


def test_no_command_prints_the_help() -> None:
    result = run()
    assert result.returncode == 0
    assert result.stdout.startswith("usage: python -m sutro_widget")
    assert "watch" in result.stdout


def test_watch_help_says_which_status_wins() -> None:
    result = run("watch", "--help")
    assert result.returncode == 0
    assert (
        "When several apply, the smallest non-zero status wins: 1 over 2 over 3." in result.stdout
    )
    assert "130" in result.stdout


def test_the_simulator_keeps_its_own_entry_point() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sutro_widget.simulator", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("usage: python -m sutro_widget.simulator")


# -- on a terminal --------------------------------------------------------------------------


def test_on_a_terminal_lines_are_redrawn_in_place_and_fit(
    sim: Simulator, fresh_id: FreshId
) -> None:
    ok, bad = fresh_id("job-succeeds"), fresh_id("job-fails")
    done = run_on_pty(cli("watch", ok, bad, *on(sim)), columns=72)
    assert done.returncode == 1, done.text
    assert CURSOR_UP.search(done.text), "no line was redrawn in place"
    assert "\x1b[2K" in done.text
    screen = ANSI.sub("", done.text).replace("\r\n", "\n")
    rows = [row for line in screen.split("\n") for row in line.split("\r")]
    live = [row for row in rows if re.search(r"\[\d\d:\d\d", row)]
    assert live, screen
    assert max(display_width(row) for row in live) <= 71
    assert f"Summarise support tickets ({ok})" in screen
    assert f"Extract invoice fields ({bad})" in screen
    assert "\u2715 Failed" in screen and "Row 1532: input exceeds" in screen
    assert "\u2713 Succeeded" in screen
    assert done.text.endswith("\r\n")  # the cursor is left on a fresh line
    assert "Traceback" not in screen


def test_details_missed_while_the_server_was_down_are_fetched_once_it_is_back() -> None:
    with Simulator(time_scale=0.05) as sim:
        sim.go_down()

        def bring_it_back(pid: int, output: str) -> bool:
            if "Unreachable" not in output:
                return False
            sim.come_up()
            return True

        done = run_on_pty(cli("watch", "job-succeeds-late", *on(sim)), on_output=bring_it_back)
    assert done.interrupted_at is not None  # it was unreachable first
    assert done.returncode == 0, done.text
    assert "\u2713 Succeeded  Summarise support tickets (job-succeeds-late)" in done.text


# -- Ctrl-C ---------------------------------------------------------------------------------


def interrupt_once_queued(pid: int, output: str) -> bool:
    if "Queued" not in output:
        return False
    os.kill(pid, signal.SIGINT)
    return True


def assert_interrupted(returncode: int | None, text: str) -> None:
    assert returncode == 130, text
    assert "Traceback" not in text
    assert "stopped following (interrupted); the job carries on" in text


def test_ctrl_c_on_a_terminal_stops_cleanly_with_130(sim: Simulator, fresh_id: FreshId) -> None:
    job_id = fresh_id("job-held")
    done = run_on_pty(cli("watch", job_id, *on(sim)), on_output=interrupt_once_queued)
    assert done.interrupted_at is not None
    assert done.ended_at - done.interrupted_at < 5
    assert_interrupted(done.returncode, done.text)
    assert done.text.endswith("\r\n")


def test_ctrl_c_when_piped_stops_cleanly_with_130(sim: Simulator, fresh_id: FreshId) -> None:
    job_id = fresh_id("job-held")
    child = subprocess.Popen(
        cli("watch", job_id, *on(sim)), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stderr is not None
    first = child.stdout.readline()  # blocks until the first state change is logged
    assert f" {job_id} queued" in first
    child.send_signal(signal.SIGINT)
    sent = time.monotonic()
    rest, errors = child.communicate(timeout=30)
    assert time.monotonic() - sent < 5
    assert errors == ""
    assert "\x1b" not in first + rest
    assert_interrupted(child.returncode, first + rest)
