"""``python -m sutro_widget watch`` as users run it: a real subprocess against the simulator.

Every exit status from a real outcome, piped (log lines, never an escape
code) and on a real pseudo-terminal (redrawn in place, fitted to its width),
and Ctrl-C (SIGINT once the child said something): 130, no traceback.
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
from pathlib import Path
from typing import NamedTuple

import pytest

from sutro_widget.simulator import Simulator
from sutro_widget.terminal.text import display_width

pytestmark = pytest.mark.long  # scheduled first: the parallel run must not end waiting on it

LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \S+ [a-z-]+( \d+(/\d+)?)?( - .+)?$")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
CURSOR_UP = re.compile(r"\x1b\[\d+A")
FreshId = Callable[[str], str]


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "sutro_widget", *args]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli(*args), capture_output=True, text=True, env=env, check=False)


def on(sim: Simulator, *, key: str | None = None) -> tuple[str, ...]:
    return ("--api-key", key or sim.api_key, "--base-url", sim.url_v1)


class PtyRun(NamedTuple):
    returncode: int
    text: str
    ended_at: float
    interrupted_at: float | None


def run_on_pty(
    argv: list[str], *, columns: int = 100, on_output: Callable[[int, str], bool] | None = None
) -> PtyRun:
    """Run ``argv`` on a real pseudo-terminal ``columns`` wide (stdin, stdout and stderr).

    ``on_output(pid, text_so_far)`` runs after each read until it returns True
    (having signalled the child, say): that moment is ``interrupted_at``.
    """
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    child = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env={**env, "TERM": "xterm-256color"}
    )
    os.close(slave)
    output, interrupted_at, deadline = b"", None, time.monotonic() + 60
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
            pytest.fail(f"{argv} still running after 60 s: {output!r}")
        returncode = child.wait(timeout=10)
    finally:
        os.close(master)
    return PtyRun(returncode, output.decode("utf-8", "replace"), time.monotonic(), interrupted_at)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def assert_plain_log(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert "\x1b" not in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines and all(LOG_LINE.match(line) for line in lines), lines
    return lines


def outcome_of(lines: list[str], job_id: str) -> str:
    """The job's last line, which must say how it ended."""
    line = [line for line in lines if f" {job_id} " in line][-1]
    assert " - " in line, line
    return line


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


def test_recent_follows_the_accounts_newest_jobs(sim: Simulator, fresh_id: FreshId) -> None:
    first, second = fresh_id("job-succeeds"), fresh_id("job-fails")
    assert run("watch", first, second, *on(sim)).returncode == 1  # now the account's newest
    result = run("watch", "--recent", "2", *on(sim))
    assert result.returncode == 1, result.stdout + result.stderr  # one of them failed
    lines = assert_plain_log(result)
    assert outcome_of(lines, first).endswith(" - Succeeded")
    assert " - Failed: Row 1532" in outcome_of(lines, second)
    assert {line.split()[1] for line in lines} == {first, second}  # those two, no others


def test_recent_on_an_empty_account_says_so_and_is_0() -> None:
    with Simulator() as sim:
        result = run("watch", "--recent", "5", *on(sim))
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "No jobs on this account yet.\n",
        "",
    )


def test_recent_when_the_jobs_cannot_be_listed_is_one_sentence_and_3(sim: Simulator) -> None:
    result = run("watch", "--recent", "5", *on(sim, key="bad-key"))
    assert result.returncode == 3
    assert result.stdout == ""
    assert result.stderr.startswith("Could not list the account's jobs: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


ROWS = r"( \d+/2000)?"  # the last count heard, if any was (a short run may end before its stream)
FAILED = re.escape("Failed: Row 1532: input exceeds the model context window (41230 > 40960")


@pytest.mark.parametrize(
    ("prefix", "key", "status", "said"),
    [
        ("job-fails", None, 1, f"failed{ROWS} - {FAILED}"),
        ("job-cancelled", None, 2, f"cancelled{ROWS} - Cancelled"),
        ("no-such-job", None, 3, "not-found - Not found: Job 'no-such-job' was not found"),
        ("job-succeeds", "bad-key", 3, "unauthorized - Key refused: The server rejected the"),
    ],
)
def test_each_outcome_has_its_status_and_says_it_in_words(
    sim: Simulator, fresh_id: FreshId, prefix: str, key: str | None, status: int, said: str
) -> None:
    job_id = prefix if prefix == "no-such-job" else fresh_id(prefix)
    result = run("watch", job_id, *on(sim, key=key))
    assert result.returncode == status, result.stdout
    line = outcome_of(assert_plain_log(result), job_id).split(" ", 1)[1]
    assert re.match(f"{job_id} {said}", line), line


@pytest.mark.parametrize(
    ("where", "said"),
    [
        ("closed-port", "unreachable - Unreachable: gave up after 1.5 s: Could not connect"),
        ("simulator", "queued - Queued: gave up after 1.5 s; the job carries on"),
    ],
)
def test_a_job_not_final_at_the_timeout_is_3(
    sim: Simulator, fresh_id: FreshId, where: str, said: str
) -> None:
    job_id, started = fresh_id("job-held"), time.monotonic()
    url = f"http://127.0.0.1:{closed_port()}/v1" if where == "closed-port" else sim.url_v1
    result = run("watch", job_id, "--api-key", sim.api_key, "--base-url", url, "--timeout", "1.5")
    assert result.returncode == 3
    assert 1.5 <= time.monotonic() - started < 30  # retried until then, not given up at once
    assert said in outcome_of(assert_plain_log(result), job_id)


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
    (tmp_path / ".sutro").mkdir()
    config = {"api_key": sim.api_key, "api_url": sim.url}
    (tmp_path / ".sutro" / "config.json").write_text(json.dumps(config), encoding="utf-8")
    env = {**os.environ, "HOME": str(tmp_path)}
    assert run("watch", fresh_id("job-succeeds"), env=env).returncode == 0


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["watch"], "name the jobs to follow, or give --recent N (one or the other)"),
        (["watch", "job-1", "--recent", "3"], "name the jobs to follow, or give --recent N"),
        (["watch", "--recent", "0"], "'0' must be between 1 and 100"),
        (["watch", "--recent", "all"], "'all' is not a whole number"),
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


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (cli(), "  COMMAND\n    watch     follow jobs until they end"),
        (cli("watch", "--help"), "the smallest non-zero status wins: 1 over 2 over 3."),
        ([sys.executable, "-m", "sutro_widget.simulator", "--help"], "--time-scale"),
    ],
)
def test_help_without_a_command_with_watch_and_for_the_simulator(
    argv: list[str], says: str
) -> None:
    result = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: python -m {argv[2]}")
    assert says in result.stdout


def test_on_a_terminal_lines_are_redrawn_in_place_and_fit(
    sim: Simulator, fresh_id: FreshId
) -> None:
    ok, bad = fresh_id("job-succeeds"), fresh_id("job-fails")
    done = run_on_pty(cli("watch", ok, bad, *on(sim)), columns=72)
    assert done.returncode == 1, done.text
    assert CURSOR_UP.search(done.text) and "\x1b[2K" in done.text, "nothing redrawn in place"
    screen = ANSI.sub("", done.text).replace("\r\n", "\n")
    rows = [row for line in screen.split("\n") for row in line.split("\r")]
    live = [row for row in rows if re.search(r"\[\d\d:\d\d", row)]
    assert live, screen
    assert max(display_width(row) for row in live) <= 71
    assert f"Summarise support tickets ({ok})" in screen
    assert f"Extract invoice fields ({bad})" in screen
    assert "\u2715 Failed" in screen and "Row 1532: input exceeds" in screen
    assert "\u2713 Succeeded" in screen and "Traceback" not in screen
    assert done.text.endswith("\r\n")  # the cursor is left on a fresh line


def test_details_missed_while_the_server_was_down_are_fetched_once_it_is_back() -> None:
    with Simulator(time_scale=0.05) as sim:
        sim.go_down()

        def bring_it_back(pid: int, output: str) -> bool:
            if "Unreachable" in output:
                sim.come_up()
            return "Unreachable" in output

        done = run_on_pty(cli("watch", "job-succeeds-late", *on(sim)), on_output=bring_it_back)
    assert done.interrupted_at is not None  # it was unreachable first
    assert done.returncode == 0, done.text
    assert "\u2713 Succeeded  Summarise support tickets (job-succeeds-late)" in done.text


def interrupt_once_queued(pid: int, output: str) -> bool:
    if "Queued" in output:
        os.kill(pid, signal.SIGINT)
    return "Queued" in output


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
