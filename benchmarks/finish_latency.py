"""How fast a finished job shows as finished, and what it costs in requests.

    python benchmarks/finish_latency.py            # 20 jobs, finishing over ~60 s
    python benchmarks/finish_latency.py --jobs 5 --spread 10   # a quick look

The same 20 simulated jobs are followed three ways, each against its own
simulator so requests are counted apart, and each job is finished on all
three simulators at the same instant:

* **sdk-loop**: the official SDK's ``await_job_completion`` loop, reproduced:
  ask the status, sleep a fixed 5 s, no backoff (one thread per job here).
* **widget (v1)**: ``JobStatusWidget`` with its default policy on the current
  API, where the progress stream's end triggers a status check at once.
* **widget (legacy)**: the same widget on the legacy API, which has no
  progress stream: polling alone, 1 s growing to 15 s.

Reported per way: the delay from the simulator finishing a job to the final
status being seen (median and worst), and requests per job-hour (every
request of the job: status polls, and for the widget also details and stream
connections), each with its ratio to the SDK loop measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from sutro_widget import JobStatusWidget
from sutro_widget.simulator import Simulator

SDK_INTERVAL = 5.0  # the official SDK's fixed sleep between polls
FINAL = {"SUCCEEDED", "FAILED", "CANCELLED"}
ROUTES = (None, "v1/jobs", "v1/stream-job-progress", "v1/job-cancel")


@dataclass
class Way:
    """One way of following the jobs, with what it saw."""

    name: str
    sim: Simulator
    seen_at: dict[str, float] = field(default_factory=dict)
    started_at: dict[str, float] = field(default_factory=dict)

    def requests(self, job_id: str) -> int:
        return sum(self.sim.request_count(job_id, route=route) for route in ROUTES)


def sdk_loop(way: Way, job_id: str, stop: threading.Event) -> None:
    """The SDK's wait, as it is written: fixed sleep, nothing else."""
    headers = {"Authorization": f"Key {way.sim.api_key}"}
    url = f"{way.sim.url_v1}/job-status/{job_id}"
    with httpx.Client(timeout=30) as client:
        while not stop.is_set():
            status = client.get(url, headers=headers).json()["job_status"][job_id]
            if status in FINAL:
                way.seen_at[job_id] = time.monotonic()
                return
            stop.wait(SDK_INTERVAL)


def follow_with_widget(way: Way, job_id: str, base_url: str) -> JobStatusWidget:
    card = JobStatusWidget(job_id, api_key=way.sim.api_key, base_url=base_url)

    def finished(_status: str) -> None:
        way.seen_at[job_id] = time.monotonic()

    card.on_complete(finished)
    return card


def percentile_summary(delays: list[float]) -> dict[str, float]:
    return {
        "median_s": round(statistics.median(delays), 3),
        "worst_s": round(max(delays), 3),
    }


def run(jobs: int, spread: float, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    ids = [f"job-held-bench-{uuid.uuid4().hex[:6]}-{i}" for i in range(jobs)]
    finish_after = sorted(rng.uniform(5, 5 + spread) for _ in ids)
    with Simulator() as sim_sdk, Simulator() as sim_v1, Simulator() as sim_legacy:
        ways = [
            Way("sdk-loop", sim_sdk),
            Way("widget (v1)", sim_v1),
            Way("widget (legacy)", sim_legacy),
        ]
        # Every job starts running on every simulator before anyone watches.
        for way in ways:
            for job_id in ids:
                way.sim.status_of(job_id)
                way.sim.advance(job_id)
        stop = threading.Event()
        threads = []
        cards = []
        begin = time.monotonic()
        for job_id in ids:
            for way in ways:
                way.started_at[job_id] = time.monotonic()
            thread = threading.Thread(target=sdk_loop, args=(ways[0], job_id, stop), daemon=True)
            thread.start()
            threads.append(thread)
            cards.append(follow_with_widget(ways[1], job_id, sim_v1.url_v1))
            cards.append(follow_with_widget(ways[2], job_id, sim_legacy.url))
        finished_at: dict[str, float] = {}
        for job_id, after in zip(ids, finish_after, strict=True):
            time.sleep(max(0.0, begin + after - time.monotonic()))
            for way in ways:
                way.sim.advance(job_id)  # the job succeeds, on all three at once
            finished_at[job_id] = time.monotonic()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(len(w.seen_at) < jobs for w in ways):
            time.sleep(0.1)
        stop.set()
        for card in cards:
            card.close()

        results: dict[str, Any] = {"jobs": jobs, "spread_s": spread, "seed": seed, "ways": {}}
        for way in ways:
            delays = [way.seen_at[j] - finished_at[j] for j in ids if j in way.seen_at]
            hours = sum(way.seen_at.get(j, finished_at[j]) - way.started_at[j] for j in ids) / 3600
            results["ways"][way.name] = {
                **percentile_summary(delays),
                "missed": jobs - len(delays),
                "requests": sum(way.requests(j) for j in ids),
                "requests_per_job_hour": round(sum(way.requests(j) for j in ids) / hours),
            }
    base = results["ways"]["sdk-loop"]
    for name, figures in results["ways"].items():
        figures["median_vs_sdk"] = round(figures["median_s"] / base["median_s"], 3)
        figures["requests_per_job_hour_vs_sdk"] = round(
            figures["requests_per_job_hour"] / base["requests_per_job_hour"], 3
        )
        del name
    return results


def table(results: dict[str, Any]) -> str:
    lines = [
        "| way | finish seen after: median | worst | vs SDK (median) "
        "| requests / job-hour | vs SDK |",
        "|---|---|---|---|---|---|",
    ]
    for name, f in results["ways"].items():
        lines.append(
            f"| {name} | {f['median_s']:.2f} s | {f['worst_s']:.2f} s | {f['median_vs_sdk']:.2f}x "
            f"| {f['requests_per_job_hour']} | {f['requests_per_job_hour_vs_sdk']:.2f}x |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--spread", type=float, default=60.0, help="jobs finish over this many s")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    results = run(args.jobs, args.spread, args.seed)
    print(json.dumps(results, indent=2))
    print()
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
