"""The widget against the real ``sutro`` 0.1.67 SDK, side by side on the same simulated jobs.

    python benchmarks/sdk_vs_widget.py --json benchmarks/results/sdk_vs_widget.json
    python benchmarks/sdk_vs_widget.py --jobs 4 --run-min 30 --run-max 40   # a quick look

The SDK is installed from PyPI into ``benchmarks/.sdk-venv`` (made on first
run, git-ignored; never a dependency of the project) and run there by
``sdk_driver.py``: one thread per job, each in ``await_job_completion(job_id,
obtain_results=False)``, exactly as a user would. In the same run, the same
job shapes (queued, starting, running for a random time, then succeeded) are
played by separate simulators, so requests are counted apart:

* **sdk**: the real SDK, on the current API (it speaks no other: it always
  adds ``/v1`` and reads ``job_status[job_id]``; its loop would be the same);
* **widget, current API**: ``JobStatusWidget`` with default settings, on
  ``/v1`` (progress stream; polls ask ``jobs/{id}``, status and details in one);
* **widget, current API without a stream**: the same on a deployment whose
  ``stream-job-progress`` answers 404 like any unknown route (``without=
  ["stream"]``); one refusal and no job tries it there again;
* **widget, legacy API**: the same on the root path; its answers are the
  legacy generation's, which has no stream and no details, so neither is asked.

Each way runs in every band (:data:`BANDS`: short jobs already running when
first seen, and 1-2 min jobs that queue first) and every arrival
(:data:`ARRIVALS`: all cards at once, or one every 3 s, the SDK's waits
started the same way). Every simulator runs on the wall clock (``clock=time.time``), so a job's end
is its first request's time plus its script's length; a way's delay is from
there to when it saw the end (the SDK: its wait returned; the widget: its
``on_complete``). Requests are every request naming the job, whatever the
route or answer (the card's details too, which the SDK never asks for;
"status" counts the requests that tell a status: ``job-status`` and
``jobs/{id}``), per hour of the jobs' lives
from the first request to the end, the same hours for every way. Jobs run in
real time: the SDK's 5 s sleep cannot be compressed, so long jobs are left to
``policy_sim.py`` (virtual time).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sutro_widget import JobStatusWidget
from sutro_widget.simulator import Simulator, Step

HERE = Path(__file__).resolve().parent
SDK_VENV = HERE / ".sdk-venv"
SDK_VERSION = "0.1.67"


def sdk_python() -> Path:
    """The SDK venv's interpreter, creating the venv and installing the SDK if needed."""
    python = SDK_VENV / "bin" / "python"
    check = [str(python), "-c", "import importlib.metadata as m; print(m.version('sutro'))"]
    if python.exists():
        done = subprocess.run(check, capture_output=True, text=True, check=False)
        if done.stdout.strip() == SDK_VERSION:
            return python
    subprocess.run([sys.executable, "-m", "venv", str(SDK_VENV)], check=True)
    pip = [str(python), "-m", "pip", "install", "-q", f"sutro=={SDK_VERSION}"]
    subprocess.run(pip, check=True)
    return python


@dataclass
class Way:
    name: str
    sim: Simulator
    seen_at: dict[str, float] = field(default_factory=dict)

    def first_request(self, job_id: str) -> float:
        return min(r.at for r in self.sim.requests if r.job_id == job_id)

    def requests(self, job_id: str, route: str = "") -> int:
        return sum(1 for r in self.sim.requests if job_id in r.raw_path and route in r.raw_path)

    def by_route(self, ids: list[str]) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.sim.requests:
            if any(job_id in r.raw_path for job_id in ids):
                name = f"{r.route or r.raw_path.split('/')[1]} {r.status_code}"
                counts[name] = counts.get(name, 0) + 1
        return counts


#: The job bands: name -> (queued s, starting s, running s), each uniform in its range.
#: "short" jobs are already running when first seen (the card displayed on a job
#: submitted earlier) and end 3-60 s later: the case a blind minute hid.
BANDS: dict[str, tuple[tuple[float, float], ...]] = {
    "short (3-60 s, already running)": ((0.0, 0.0), (0.0, 0.0), (3.0, 60.0)),
    "1-2 min (queued, starting, running)": ((5.0, 25.0), (5.0, 15.0), (60.0, 120.0)),
}
#: How the cards (and the SDK's waits) arrive: name -> seconds between two.
ARRIVALS = {"at once": 0.0, "one at a time": 3.0}


def shapes(jobs: int, band: tuple[tuple[float, float], ...], rng: random.Random):
    """Each job's (queued, starting, running) seconds, uniform in the band's ranges."""
    return [tuple(rng.uniform(*r) for r in band) for _ in range(jobs)]


def register(sim: Simulator, ids: list[str], job_shapes: list[tuple[float, ...]]) -> None:
    """Give every job its script; a stage of length 0 is left out (the job starts past it)."""
    for job_id, (queued, starting, running) in zip(ids, job_shapes, strict=True):
        stages = [
            Step("queued", queued, "Waiting for capacity"),
            Step("starting", starting, "Loading the model"),
            Step("running", running, "Running"),
        ]
        sim.add_job(
            job_id,
            [s for s in stages if s.seconds] + [Step("succeeded", None, "Done")],
        )


def thread_cpu_s(native_id: int | None) -> float:
    if native_id is None:
        return 0.0
    try:
        fields = Path(f"/proc/self/task/{native_id}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / 100  # utime + stime, in clock ticks


def summarise(way: Way, ids: list[str], lengths: dict[str, float]) -> dict[str, Any]:
    delays, life, requests, status = [], 0.0, 0, 0
    for job_id in ids:
        end = way.first_request(job_id) + lengths[job_id]
        seen = way.seen_at.get(job_id)
        if seen is not None:
            delays.append(seen - end)
        life += lengths[job_id]
        requests += way.requests(job_id)
        status += way.requests(job_id, route="job-status") + way.requests(job_id, route="/jobs/")
    delays.sort()
    return {
        "seen": len(delays),
        "median_s": round(statistics.median(delays), 3) if delays else None,
        "p95_s": round(delays[min(len(delays) - 1, int(0.95 * len(delays)))], 3)
        if delays
        else None,
        "max_s": round(max(delays), 3) if delays else None,
        "requests": requests,
        "requests_per_job_hour": round(requests / (life / 3600), 1),
        "status_per_job_hour": round(status / (life / 3600), 1),
        "delays_s": [round(d, 3) for d in delays],
    }


WAYS = ("sdk", "widget, current API", "widget, current API without a stream", "widget, legacy API")


def start_sdk(python: Path, sim: Simulator, out: Path, gap: float, ids: list[str]):
    """The SDK's driver process, waiting for every job (the i-th ``i * gap`` s late)."""
    env = {
        "SUTRO_API_URL": sim.url,
        "SUTRO_API_KEY": sim.api_key,
        "PATH": "/usr/bin:/bin",
        "HOME": str(out.parent),
    }
    return subprocess.Popen(
        [str(python), str(HERE / "sdk_driver.py"), str(out), str(gap), *ids],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def run_scenario(python: Path, jobs: int, band, gap: float, seed: int) -> dict[str, Any]:
    """One band and one arrival: the four ways side by side on the same job shapes."""
    rng = random.Random(seed)
    ids = [f"bench-{uuid.uuid4().hex[:6]}-{i}" for i in range(jobs)]
    job_shapes = shapes(jobs, band, rng)
    lengths = {j: sum(s) for j, s in zip(ids, job_shapes, strict=True)}
    sims = [
        Simulator(clock=time.time),
        Simulator(clock=time.time),
        Simulator(clock=time.time, without=["stream"]),
        Simulator(clock=time.time),
    ]
    for sim in sims:
        sim.start()
        register(sim, ids, job_shapes)
    ways = [Way(name, sim) for name, sim in zip(WAYS, sims, strict=True)]
    bases = [sims[1].url_v1, sims[2].url_v1, sims[3].url]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "sdk.jsonl"
        driver = start_sdk(python, sims[0], out, gap, ids)
        began = time.monotonic()
        pending = [
            (i * gap, way, base, job_id)
            for i, job_id in enumerate(ids)
            for way, base in zip(ways[1:], bases, strict=True)
        ]
        cards = []
        most_threads = threading.active_count()
        cpu_by_thread: dict[int, float] = {}
        deadline = time.time() + gap * jobs + max(lengths.values()) + 60
        while time.time() < deadline and (
            driver.poll() is None or any(len(w.seen_at) < len(ids) for w in ways[1:])
        ):
            while pending and pending[0][0] <= time.monotonic() - began:
                _, way, base, job_id = pending.pop(0)
                card = JobStatusWidget(job_id, api_key=way.sim.api_key, base_url=base)
                card.on_complete(lambda _s, w=way, j=job_id: w.seen_at.__setitem__(j, time.time()))
                cards.append(card)
            most_threads = max(most_threads, threading.active_count())
            for t in threading.enumerate():  # the poller ends when idle: sample as it runs
                if t.name.startswith("sutro-widget") and t.native_id is not None:
                    cpu_by_thread[t.native_id] = thread_cpu_s(t.native_id)
            time.sleep(0.05 if pending else 0.25)
        driver.wait(30)
        summary: dict[str, Any] = {}
        for line in out.read_text().splitlines():
            record = json.loads(line)
            if record.get("summary"):
                summary = record
            else:
                ways[0].seen_at[record["job"]] = record["returned_at"]
        for card in cards:
            card.close()
    rows = {
        way.name: summarise(way, ids, lengths) | {"by_route": way.by_route(ids)} for way in ways
    }
    for sim in sims:
        sim.stop()
    base = rows["sdk"]
    for row in rows.values():
        row["median_vs_sdk"] = round(row["median_s"] / base["median_s"], 3)
        row["requests_vs_sdk"] = round(
            row["requests_per_job_hour"] / base["requests_per_job_hour"], 3
        )
    rows["sdk"] |= {
        "threads": summary.get("threads_max"),
        "cpu_s": round(summary.get("cpu_s", 0), 2),
    }
    for name in WAYS[1:]:
        rows[name] |= {
            "threads": "1 poller, all widget ways",
            "cpu_s": round(sum(cpu_by_thread.values()), 2),
        }
    return {"jobs": jobs, "gap_s": gap, "shapes_s": job_shapes, "rows": rows}


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every chosen band under every chosen arrival, one after another (never overlapping)."""
    python = sdk_python()
    scenarios = []
    for band in args.band or list(BANDS):
        for arrival in args.arrival or list(ARRIVALS):
            result = run_scenario(python, args.jobs, BANDS[band], ARRIVALS[arrival], args.seed)
            scenarios.append({"band": band, "arrival": arrival} | result)
            print(table([scenarios[-1]]), flush=True)
    return {"sdk_version": SDK_VERSION, "scenarios": scenarios}


def table(scenarios: list[dict[str, Any]]) -> str:
    """A markdown table: one row per (band, arrival, way)."""
    lines = [
        "| jobs | cards | way | seen | delay median | p95 | max | vs SDK "
        "| requests / job-hour | vs SDK | status / job-hour | threads | CPU |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for sc in scenarios:
        for name, r in sc["rows"].items():
            lines.append(
                f"| {sc['band']} | {sc['arrival']} | {name} | {r['seen']}/{sc['jobs']} "
                f"| {r['median_s']:.2f} s | {r['p95_s']:.2f} s | {r['max_s']:.2f} s "
                f"| {r['median_vs_sdk']:.3f}x | {r['requests_per_job_hour']:.0f} "
                f"| {r['requests_vs_sdk']:.2f}x | {r['status_per_job_hour']:.0f} "
                f"| {r['threads']} | {r['cpu_s']} s |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=12, help="jobs per scenario")
    parser.add_argument("--band", action="append", choices=list(BANDS), help="default: all")
    parser.add_argument("--arrival", action="append", choices=list(ARRIVALS), help="default: all")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = run(args)
    results["args"] = {k: str(v) for k, v in vars(args).items()}
    print(table(results["scenarios"]))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
