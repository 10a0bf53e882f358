"""The poll policy in virtual time: finish delay vs requests, for many settings and job lengths.

    python benchmarks/policy_sim.py --json benchmarks/results/policy_sim.json

No server, no threads, no sleeping: the pure :class:`PollPolicy` is asked what
to do after each answer and virtual time jumps to its next poll. Each job is
queued (and starting) for a while, then running (the legacy API and any
deployment without a stream: polling alone), starts at a random phase of the
SDK's 5 s loop, and ends at a uniformly random instant of its length band.
The SDK is modelled exactly as written: a request at 0, then one every
``5 s + rtt``. A request costs ``rtt`` (default 5 ms, the local simulator's
order) before the next delay starts, for both.

Reported for every (setting, job length): median / p95 / max of the delay
from the job's end to the first poll that saw it, and status requests per
job-hour (whole life, queue included), with their ratio to the SDK. The
"3-60 s, already running" band is the card displayed on a job submitted
earlier. The pure policy keeps nothing between jobs, so cards made at once
and one at a time cannot differ here: that is measured with the real
poller, slots and stream probe in ``sdk_vs_widget.py``. Also the
"stream" rows: the current API, where the widget sees the end when the
stream closes (``stream_close`` s after it) and status polls are the
safety net; their requests include the stream connection and the two
details fetches the card makes.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
from dataclasses import replace
from pathlib import Path
from typing import Any

from sutro_widget import PollPolicy
from sutro_widget.api.shapes import JobStatus
from sutro_widget.polling.policy import JobHint

SDK_INTERVAL = 5.0
#: Job lengths (seconds of running), as bands: a job's length is uniform in its band.
#: name -> (running, seconds), (queued + starting, seconds); each uniform in its band.
#: The "no wait" rows are the policy's worst case: nothing saved while waiting.
BANDS = {
    "3-60 s, already running": ((3, 60), (0.0, 0.0)),
    "1-2 min": ((60, 120), (10.0, 40.0)),
    "10-60 min": ((600, 3600), (30.0, 300.0)),
    "2 h": ((7000, 7200), (60.0, 600.0)),
    "1-2 min, no wait": ((60, 120), (0.0, 0.0)),
    "10-60 min, no wait": ((600, 3600), (0.0, 0.0)),
}
#: The settings drawn on the trade-off curve (name -> PollPolicy overrides).
SETTINGS: dict[str, dict[str, float]] = {
    "default": {},
    "pace 4 s": {"budget_interval": 4.0},
    "pace 6 s": {"budget_interval": 6.0},
    "pace 8 s": {"budget_interval": 8.0},
    "waiting 5 s (no saving)": {"max_interval": 5.0},
    "waiting 10 s": {"max_interval": 10.0},
    "waiting 15 s (default)": {"max_interval": 15.0},
    "waiting 20 s": {"max_interval": 20.0},
    "waiting 30 s": {"max_interval": 30.0},
    "old policy (1 s -> 15 s)": {},  # simulated by old_policy_delays below
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def widget_job(policy: PollPolicy, queued: float, running: float, rtt: float, rng: random.Random):
    """(delay to see the end, requests) for one job followed by the policy, no stream."""
    end = queued + running
    state, now, requests = policy.start(), 0.0, 1 + int(policy.reserved)  # the first poll
    previous: JobStatus | None = None
    while True:
        status = JobStatus.QUEUED if now < queued else JobStatus.RUNNING
        if now >= end:
            return now - end, requests
        decision = policy.after_answer(
            state, changed=status != previous, final=False, status=status, rand=rng.random
        )
        previous, state = status, decision.state
        assert decision.delay is not None
        now += decision.delay + rtt
        requests += 1


def old_policy_job(queued: float, running: float, rtt: float, rng: random.Random):
    """The policy before this change: 1 s after a change, x1.5 up to 15 s, +-10 % jitter."""
    end, now, requests, interval = queued + running, 0.0, 1, 1.0
    previous = "queued"
    while now < end:
        status = "queued" if now < queued else "running"
        interval = 1.0 if status != previous else min(15.0, interval * 1.5)
        previous = status
        now += interval * (1 + 0.1 * (2 * rng.random() - 1)) + rtt
        requests += 1
    return now - end, requests


def sdk_job(queued: float, running: float, rtt: float, rng: random.Random):
    """The SDK: a request at a random phase of its loop, then every 5 s + rtt."""
    end = queued + running
    period = SDK_INTERVAL + rtt
    now = -rng.uniform(0, period)  # the loop's phase against the job's clock
    requests = 0
    while now < end:
        now += period
        requests += 1 if now >= 0 else 0
    return now - end, requests + 1


def stream_job(
    policy: PollPolicy, queued: float, running: float, close: float, rng, *, rows: bool = True
):
    """The current API: the stream closes ``close`` s after the end; polls are the net.

    ``rows``: the stream shows rows flowing (what the poller's hint tells the
    policy after the first running answer); without, a stream of heartbeats only.
    """
    end = queued + running
    state, now, requests = policy.start(), 0.0, 1 + 2  # first poll, details at start and end
    previous: JobStatus | None = None
    streaming = False
    while now < end:
        status = JobStatus.QUEUED if now < queued else JobStatus.RUNNING
        flowing = rows and streaming  # rows seen since the stream opened
        if status is JobStatus.RUNNING and not streaming:
            streaming, requests = True, requests + 1
        hint = JobHint(rows_done=1, rows_total=None, progress_age=1.0) if flowing else None
        decision = policy.after_answer(
            state,
            changed=status != previous,
            final=False,
            status=status,
            streaming=streaming,
            hint=hint,
            rand=rng.random,
        )
        previous, state = status, decision.state
        assert decision.delay is not None
        if streaming and now + decision.delay >= end + close:
            return close, requests + 1  # the stream's end asks at once
        now += decision.delay
        requests += 1
    return now - end, requests


def summarise(delays: list[float], requests: int, hours: float) -> dict[str, float]:
    return {
        "median_s": round(statistics.median(delays), 3),
        "p95_s": round(percentile(delays, 0.95), 3),
        "max_s": round(max(delays), 3),
        "requests_per_job_hour": round(requests / hours, 1),
    }


def run_band(
    name: str,
    band: tuple[int, int],
    jobs: int,
    queue: tuple[float, float],
    rtt: float,
    seed: int,
    close: float,
) -> dict[str, Any]:
    rng = random.Random(seed)
    shapes = [(rng.uniform(*queue), rng.uniform(*band)) for _ in range(jobs)]
    hours = sum(q + r for q, r in shapes) / 3600
    rows: dict[str, Any] = {}
    sdk = [sdk_job(q, r, rtt, rng) for q, r in shapes]
    rows["sdk"] = summarise([d for d, _ in sdk], sum(n for _, n in sdk), hours)
    for label, overrides in SETTINGS.items():
        if label.startswith("old policy"):
            out = [old_policy_job(q, r, rtt, rng) for q, r in shapes]
        else:
            policy = replace(PollPolicy(), **overrides)
            out = [widget_job(policy, q, r, rtt, rng) for q, r in shapes]
        rows[label] = summarise([d for d, _ in out], sum(n for _, n in out), hours)
    policy = PollPolicy()
    out = [stream_job(policy, q, r, close, rng) for q, r in shapes]
    rows["current API (stream), default"] = summarise(
        [d for d, _ in out], sum(n for _, n in out), hours
    )
    out = [stream_job(policy, q, r, close, rng, rows=False) for q, r in shapes]
    rows["current API, a stream of heartbeats only"] = summarise(
        [d for d, _ in out], sum(n for _, n in out), hours
    )
    base = rows["sdk"]
    for row in rows.values():
        row["median_vs_sdk"] = round(row["median_s"] / base["median_s"], 3)
        row["requests_vs_sdk"] = round(
            row["requests_per_job_hour"] / base["requests_per_job_hour"], 3
        )
    return {"band": name, "running_s": band, "queued_s": queue, "jobs": jobs, "rows": rows}


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| job length | way | delay median | p95 | max | vs SDK | requests / job-hour | vs SDK |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for band in results:
        for way, r in band["rows"].items():
            lines.append(
                f"| {band['band']} | {way} | {r['median_s']:.2f} s | {r['p95_s']:.2f} s "
                f"| {r['max_s']:.2f} s | {r['median_vs_sdk']:.2f}x "
                f"| {r['requests_per_job_hour']:.0f} | {r['requests_vs_sdk']:.2f}x |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=2000, help="jobs per length band")
    parser.add_argument("--rtt", type=float, default=0.005)
    parser.add_argument("--stream-close", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = [
        run_band(name, band, args.jobs, queue, args.rtt, args.seed, args.stream_close)
        for name, (band, queue) in BANDS.items()
    ]
    out = {"args": vars(args) | {"json": str(args.json)}, "bands": results}
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
