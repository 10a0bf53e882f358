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
  ``/v1`` (progress stream, details);
* **widget, legacy API**: the same on the root path, which has no stream and
  no details (answered 404 and counted: the first job finds that out, the
  others do not ask);
Every simulator runs on the wall clock (``clock=time.time``), so a job's end
is its first request's time plus its script's length; a way's delay is from
there to when it saw the end (the SDK: its wait returned; the widget: its
``on_complete``). Requests are every request naming the job, whatever the
route or answer. Jobs run in real time: the SDK's 5 s sleep cannot be
compressed, so long jobs are left to ``policy_sim.py`` (virtual time).
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

    def requests(self, job_id: str) -> int:
        return sum(1 for r in self.sim.requests if job_id in r.raw_path)

    def by_route(self, ids: list[str]) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.sim.requests:
            if any(job_id in r.raw_path for job_id in ids):
                name = f"{r.route or r.raw_path.split('/')[1]} {r.status_code}"
                counts[name] = counts.get(name, 0) + 1
        return counts


def shapes(jobs: int, args: argparse.Namespace, rng: random.Random) -> list[tuple[float, ...]]:
    return [
        (
            rng.uniform(*args.queued),
            rng.uniform(*args.starting),
            rng.uniform(args.run_min, args.run_max),
        )
        for _ in range(jobs)
    ]


def register(sim: Simulator, ids: list[str], job_shapes: list[tuple[float, ...]]) -> None:
    for job_id, (queued, starting, running) in zip(ids, job_shapes, strict=True):
        sim.add_job(
            job_id,
            [
                Step("queued", queued, "Waiting for capacity"),
                Step("starting", starting, "Loading the model"),
                Step("running", running, "Running"),
                Step("succeeded", None, "Done"),
            ],
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
    delays, life, requests = [], 0.0, 0
    for job_id in ids:
        end = way.first_request(job_id) + lengths[job_id]
        seen = way.seen_at.get(job_id)
        if seen is not None:
            delays.append(seen - end)
        life += (seen if seen is not None else end) - way.first_request(job_id)
        requests += way.requests(job_id)
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
        "delays_s": [round(d, 3) for d in delays],
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    python = sdk_python()
    rng = random.Random(args.seed)
    ids = [f"bench-{uuid.uuid4().hex[:6]}-{i}" for i in range(args.jobs)]
    job_shapes = shapes(args.jobs, args, rng)
    lengths = {j: sum(s) for j, s in zip(ids, job_shapes, strict=True)}
    sims = [Simulator(clock=time.time) for _ in range(3)]
    for sim in sims:
        sim.start()
        register(sim, ids, job_shapes)
    ways = [
        Way("sdk", sims[0]),
        Way("widget, current API", sims[1]),
        Way("widget, legacy API", sims[2]),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "sdk.jsonl"
        env = {
            "SUTRO_API_URL": sims[0].url,
            "SUTRO_API_KEY": sims[0].api_key,
            "PATH": "/usr/bin:/bin",
            "HOME": tmp,
        }
        driver = subprocess.Popen(
            [str(python), str(HERE / "sdk_driver.py"), str(out), *ids],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        cards = []
        for way, base in ((ways[1], sims[1].url_v1), (ways[2], sims[2].url)):
            for job_id in ids:
                card = JobStatusWidget(job_id, api_key=way.sim.api_key, base_url=base)
                card.on_complete(lambda _s, w=way, j=job_id: w.seen_at.__setitem__(j, time.time()))
                cards.append(card)
        most_threads = threading.active_count()
        cpu_by_thread: dict[int, float] = {}
        deadline = time.time() + max(lengths.values()) + 60
        while time.time() < deadline and (
            driver.poll() is None or any(len(w.seen_at) < len(ids) for w in ways[1:])
        ):
            most_threads = max(most_threads, threading.active_count())
            for t in threading.enumerate():  # the poller ends when idle: sample as it runs
                if t.name.startswith("sutro-widget") and t.native_id is not None:
                    cpu_by_thread[t.native_id] = thread_cpu_s(t.native_id)
            time.sleep(0.25)
        widget_cpu = sum(cpu_by_thread.values())

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
    base = rows["sdk"]
    for row in rows.values():
        row["median_vs_sdk"] = round(row["median_s"] / base["median_s"], 3)
        row["requests_vs_sdk"] = round(
            row["requests_per_job_hour"] / base["requests_per_job_hour"], 3
        )
    rows["sdk"] |= {
        "threads": summary.get("threads_max"),
        "cpu_s": round(summary.get("cpu_s", 0), 2),
        "import_s": round(summary.get("import_s", 0), 3),
    }
    for name in rows:
        if name != "sdk":
            rows[name] |= {
                "threads": "1 poller for both widget ways",
                "cpu_s": round(widget_cpu, 2),
            }
    for sim in sims:
        sim.stop()
    return {"jobs": args.jobs, "shapes_s": job_shapes, "sdk_version": SDK_VERSION, "rows": rows}


def table(results: dict[str, Any]) -> str:
    lines = [
        "| way | seen | delay median | p95 | max | vs SDK "
        "| requests / job-hour | vs SDK | threads | CPU |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results["rows"].items():
        lines.append(
            f"| {name} | {r['seen']}/{results['jobs']} | {r['median_s']:.3f} s "
            f"| {r['p95_s']:.3f} s "
            f"| {r['max_s']:.3f} s | {r['median_vs_sdk']:.3f}x | {r['requests_per_job_hour']:.0f} "
            f"| {r['requests_vs_sdk']:.2f}x | {r['threads']} | {r['cpu_s']} s |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=10)
    parser.add_argument("--run-min", type=float, default=60.0)
    parser.add_argument("--run-max", type=float, default=120.0)
    parser.add_argument("--queued", type=float, nargs=2, default=(5.0, 25.0))
    parser.add_argument("--starting", type=float, nargs=2, default=(5.0, 15.0))
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = run(args)
    results["args"] = {k: str(v) for k, v in vars(args).items()}
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
