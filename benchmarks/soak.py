"""Soak: many cards for many minutes under random faults; nothing may leak or escape.

    python benchmarks/soak.py                     # 100 jobs, 10 minutes (the README's figures)
    python benchmarks/soak.py --jobs 20 --minutes 1   # a quick look

The simulator runs in its own process (so its threads and memory are not
counted) and a random fault from every mode it knows is switched on through its
control endpoint every few seconds, for one job or for all. A share of the
cards (``--hostile``, 10 % by default) follow jobs on a raw-socket server, also
in a process of its own (``tests/hostile_servers.py``), that plays what the
simulator cannot: a body trickling one byte a second, headers that never end,
``100 Continue`` forever, a slow chunked body, gzip and gzip-gzip bombs, a
progress stream that is a bomb, a progress line without a newline, a stream
left open after the job ended. Those cards must show errors (and, for the
last, the end), never leak them. Cards churn: a card
whose job finished is closed and replaced by a new one, so creation and
teardown are soaked too. Every minute or two a working day's event comes too
(``soak_events.py``): a ``wait()`` ended by SIGINT, the whole process paused
with SIGSTOP (a laptop lid), the simulator killed and started again, the
certificate of the TLS server some cards follow swapped for an untrusted one
and back. Reported: RSS at start and peak (growth after warm-up), and each
minute before and after glibc's ``malloc_trim`` (the allocator keeps freed
memory from bursts; after the trim RSS is what the process holds, whose
second half must not exceed its first), Python's live blocks each minute,
thread count over the run, requests, errors the cards showed, and errors that
escaped (thread exceptions, unraisable exceptions, sutro_widget log records at
WARNING or above) — which must be 0.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import logging
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: the repo too
from benchmarks.soak_events import (
    DayEvents,
    RestartableSimulator,
    SwappableTLSServer,
    interrupt_a_wait,
    pause_this_process,
)
from sutro_widget import JobStatusWidget, PollPolicy, StatusReport, SutroError
from sutro_widget.api.limits import REQUEST_DEADLINE
from sutro_widget.polling.shared import default_poller

# Short but realistic: a soak is about many polls, not long waits.
SOAK_POLICY = PollPolicy(
    initial_interval=0.25, max_interval=3.0, error_initial=0.5, error_max=8.0, max_retry_after=5
)
# Every mode the simulator can inject, minus the two that end a card's polling
# for good (they are covered by the test suite; here they would only empty the soak).
FAULTS = [
    "http_500", "http_502", "http_503", "http_408", "rate_limit", "rate_limit_date",
    "connection_reset", "no_response", "html_page_200", "html_page_502", "truncated_json",
    "status_number", "status_list", "status_other_job", "huge_body", "huge_body_chunked",
    "huge_body_no_length", "redirect_other_origin", "down",
]  # fmt: skip
PREFIXES = ["job-succeeds", "job-fails", "job-cancelled", "job-unknown"]
#: The plays of tests/hostile_servers.py's soak_mix, one path prefix each.
HOSTILE_MODES = [
    "trickle", "endless_headers", "continue_forever", "slow_chunked", "gzip_bomb",
    "gzip_gzip_bomb", "stream_bomb", "endless_line", "stream_left_open",
]  # fmt: skip
ROOT = Path(__file__).resolve().parents[1]


class CountingCard(JobStatusWidget):
    """A card that counts its polls and the errors it showed."""

    polls = 0
    errors_seen = 0
    hostile = 0
    _lock = threading.Lock()

    def on_poll_result(self, result: StatusReport | SutroError, *, still_polling: bool) -> None:
        """Count, then behave exactly like the real card."""
        with CountingCard._lock:
            CountingCard.polls += 1
            if isinstance(result, SutroError):
                CountingCard.errors_seen += 1
        super().on_poll_result(result, still_polling=still_polling)


@dataclass
class Escapes:
    """Everything that got past the card instead of onto it."""

    thread_exceptions: list[str] = field(default_factory=list)
    unraisable: list[str] = field(default_factory=list)
    log_records: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.thread_exceptions) + len(self.unraisable) + len(self.log_records)


def watch_for_escapes() -> Escapes:
    escapes = Escapes()
    threading.excepthook = lambda args: escapes.thread_exceptions.append(repr(args.exc_value))
    sys.unraisablehook = lambda args: escapes.unraisable.append(repr(args.exc_value))

    class Catch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            escapes.log_records.append(record.getMessage())

    handler = Catch(logging.WARNING)
    logging.getLogger("sutro_widget").addHandler(handler)
    return escapes


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def half_growth(series: list[float]) -> float | None:
    """The mean of a series' second half minus the mean of its first half (None if too short)."""
    if len(series) < 4:
        return None
    half = len(series) // 2
    return round(sum(series[half:]) / (len(series) - half) - sum(series[:half]) / half, 1)


def trimmed_rss_kib() -> int | None:
    """RSS after glibc hands freed memory back to the system (``malloc_trim(0)``); None elsewhere.

    Raw RSS keeps the allocator's high-water mark (arenas of freed memory that
    threads used at a burst); after the trim it is what the process really holds.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        return None
    return rss_kib()


def start_hostile() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.hostile_servers"], stdout=subprocess.PIPE, text=True,
        cwd=ROOT,
    )  # fmt: skip
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("HOSTILE_URL="):
            return process, line.split("=", 1)[1].strip()
    raise RuntimeError("the hostile server did not start")


def control_call(control: httpx.Client, method: str, body: dict[str, Any] | None = None) -> bool:
    """Switch faults on the simulator; False while it is down (a DOWN fault is open)."""
    try:
        control.request(method, "/_sim/faults", json=body).raise_for_status()
    except httpx.TransportError:
        return False
    return True


def new_card(
    url: str,
    key: str,
    rng: random.Random,
    serial: int,
    hostile: tuple[str, float],
    tls_url: str = "",
) -> CountingCard:
    hostile_url, share = hostile
    if tls_url and rng.random() < 0.05:  # behind a company proxy whose certificate changes
        return CountingCard("job-tls", api_key=key, base_url=tls_url, policy=SOAK_POLICY)
    if hostile_url and rng.random() < share:
        mode = rng.choice(HOSTILE_MODES)
        CountingCard.hostile += 1
        base_url = f"{hostile_url}/{mode}/v1"
        job_id = f"job-{mode}-{serial}"
    else:
        base_url = url + "/v1"
        job_id = f"{rng.choice(PREFIXES)}-soak-{serial}"
    return CountingCard(job_id, api_key=key, base_url=base_url, policy=SOAK_POLICY, timeout=2.0)


def run(
    jobs: int, minutes: float, seed: int, time_scale: float, hostile_share: float = 0.1
) -> dict[str, Any]:
    rng = random.Random(seed)
    # A shell that starts us in the background (``&``) leaves SIGINT ignored,
    # and Python then never raises KeyboardInterrupt: the interrupt event needs it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    escapes = watch_for_escapes()
    events = DayEvents()
    simulator = RestartableSimulator(time_scale)
    url, key = simulator.url, simulator.key
    tls = SwappableTLSServer(Path(tempfile.mkdtemp(prefix="soak-tls-")))
    os.environ["SSL_CERT_FILE"] = str(tls.trusted_cert)  # the company's CA, trusted
    hostile_server, hostile_url = start_hostile() if hostile_share > 0 else (None, "")
    hostile = (hostile_url, hostile_share)
    control = httpx.Client(base_url=url, headers={"Authorization": f"Key {key}"}, timeout=5)
    serial = 0
    cards: list[CountingCard] = []
    for _ in range(jobs):
        cards.append(new_card(url, key, rng, serial, hostile, tls.url))
        serial += 1

    started = time.monotonic()
    deadline = started + minutes * 60
    warmed_up_rss = 0
    peak_rss = rss_kib()
    start_rss = peak_rss
    threads_max = threading.active_count()
    faults_injected = 0
    cards_replaced = 0
    next_fault = started
    rss_each_minute: list[float] = []
    trimmed_each_minute: list[float] = []
    # Python's live allocations: flat while RSS grows means the allocator keeps
    # freed arenas (fragmentation), not that objects leak.
    blocks_each_minute: list[int] = []
    next_sample = started + 60
    next_event = started + rng.uniform(30, 90)
    while time.monotonic() < deadline:
        now = time.monotonic()
        if now >= next_event:
            play_an_event(rng, events, cards, simulator, tls)
            next_event = time.monotonic() + rng.uniform(45, 120)
        if now >= next_fault:
            mode = rng.choice(FAULTS)
            target = None if mode == "down" or rng.random() < 0.3 else rng.choice(cards).job_id
            fault = {"mode": mode, "job_id": target, "duration": rng.uniform(1, 8)}
            if control_call(control, "POST", fault):
                faults_injected += 1
            next_fault = now + rng.uniform(1, 4)
        for index, card in enumerate(cards):
            if not card.polling:  # finished: close it and follow a new job instead
                card.close()
                cards[index] = new_card(url, key, rng, serial, hostile, tls.url)
                serial += 1
                cards_replaced += 1
        if not warmed_up_rss and now - started > min(60.0, minutes * 60 / 4):
            warmed_up_rss = rss_kib()
        peak_rss = max(peak_rss, rss_kib())
        if now >= next_sample:
            rss_each_minute.append(round(rss_kib() / 1024, 1))
            trimmed = trimmed_rss_kib()
            if trimmed is not None:
                trimmed_each_minute.append(round(trimmed / 1024, 1))
            blocks_each_minute.append(sys.getallocatedblocks())
            next_sample += 60
        threads_max = max(threads_max, threading.active_count())
        time.sleep(0.5)

    # A DOWN window may be open: the control endpoint comes back with the server.
    for _ in range(40):
        if control_call(control, "DELETE"):
            break
        time.sleep(0.25)
    for card in cards:
        card.close()
    tls.close()
    poller_thread = default_poller().thread
    if poller_thread is not None:
        # A details or cancel call to a trickling server may still run: each
        # ends within its deadline, and then the thread must end too.
        poller_thread.join(REQUEST_DEADLINE + 5)
    threads_after_close = threading.active_count()
    end_rss = rss_kib()
    control.close()
    simulator.stop()
    if hostile_server is not None:
        hostile_server.terminate()
        hostile_server.wait(10)
    warmed_up_rss = warmed_up_rss or start_rss
    return {
        "jobs": jobs,
        "minutes": minutes,
        "seed": seed,
        "cards_created": serial,
        "hostile_cards": CountingCard.hostile,
        "cards_replaced": cards_replaced,
        "faults_injected": faults_injected,
        "requests": CountingCard.polls,
        "errors_seen": CountingCard.errors_seen,
        "errors_escaped": escapes.total,
        "escapes": asdict(escapes),
        "rss_start_mib": round(start_rss / 1024, 1),
        "rss_after_warmup_mib": round(warmed_up_rss / 1024, 1),
        "rss_peak_mib": round(peak_rss / 1024, 1),
        "rss_growth_after_warmup_mib": round((peak_rss - warmed_up_rss) / 1024, 1),
        "rss_end_mib": round(end_rss / 1024, 1),
        "rss_each_minute_mib": rss_each_minute,
        "rss_trimmed_each_minute_mib": trimmed_each_minute,
        "rss_trimmed_growth_second_half_mib": half_growth(trimmed_each_minute),
        "python_blocks_each_minute": blocks_each_minute,
        "threads_max": threads_max,
        "threads_after_close": threads_after_close,
        "day_events": asdict(events),
    }


def play_an_event(
    rng: random.Random,
    events: DayEvents,
    cards: list[CountingCard],
    simulator: RestartableSimulator,
    tls: SwappableTLSServer,
) -> None:
    """One of a working day's events, chosen at random (see soak_events.py)."""
    kind = rng.choice(["interrupt", "pause", "restart", "certificate"])
    if kind == "interrupt":
        live = [card for card in cards if card.polling]
        if live:
            interrupt_a_wait(rng.choice(live), rng, events)
    elif kind == "pause":
        pause_this_process(rng.uniform(5, 30), events)
    elif kind == "restart":
        simulator.restart(rng.uniform(2, 6), events)
    else:
        tls.swap(events)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=100)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--time-scale", type=float, default=3.0,
                        help="stretch the scripted jobs (3 = a ~30 s lifecycle)")  # fmt: skip
    parser.add_argument("--hostile", type=float, default=0.1,
                        help="share of cards on the hostile raw-socket server")  # fmt: skip
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    result = run(args.jobs, args.minutes, args.seed, args.time_scale, args.hostile)
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    if result["errors_escaped"] or result["threads_after_close"] > 1:
        sys.exit(1)


if __name__ == "__main__":
    main()
