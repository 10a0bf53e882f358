"""A 500-job board against 500 separate cards, in the same run: requests, comm messages, CPU.

    python benchmarks/board_scale.py --json benchmarks/results/board_scale.json
    python benchmarks/board_scale.py --jobs 50 --time-scale 2   # a quick look

Each way runs in a fresh process with its own in-process simulator
(``job-succeeds-*`` jobs stretched by ``--time-scale``; 6 is a 60 s job): one
``JobBoard`` of N jobs, or N ``JobStatusWidget`` cards. Reported per way:
requests a second (every request the simulator recorded), comm update
messages a second (counted where ipywidgets hands them to the comm), the
poller thread's CPU seconds (read from ``/proc``, so the simulator's own
threads are not counted), how many jobs were seen final, and the board's
figures as a ratio to the cards'.

The browser's render time of the board against the cards (real JupyterLab and
chromium through Playwright) is measured by ``benchmarks/board_render.py``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cards_scale import count_comm_messages  # noqa: E402
from sdk_vs_widget import thread_cpu_s  # noqa: E402

FINAL = ("succeeded", "failed", "cancelled")


def one(way: str, jobs: int, time_scale: float, timeout: float) -> dict[str, Any]:
    kinds, _, _ = count_comm_messages()
    from sutro_widget import JobBoard, JobStatusWidget
    from sutro_widget.simulator import Simulator

    sim = Simulator(time_scale=time_scale).start()
    ids = [f"job-succeeds-board-{i}" for i in range(jobs)]
    done: set[str] = set()
    began = time.monotonic()
    if way == "board":
        board = JobBoard(ids, api_key=sim.api_key, base_url=sim.url_v1)
        board.on_complete(lambda job_id, _status: done.add(job_id))
        shown: list[Any] = [board]
    else:
        shown = [JobStatusWidget(j, api_key=sim.api_key, base_url=sim.url_v1) for j in ids]
    cpu_by_thread: dict[int, float] = {}
    while time.monotonic() - began < timeout:
        for t in threading.enumerate():  # the poller ends when idle: sample as it runs
            if t.name.startswith("sutro-widget") and t.native_id is not None:
                cpu_by_thread[t.native_id] = thread_cpu_s(t.native_id)
        if way == "cards":
            done = {c.job_id for c in shown if c.state in FINAL}
        if len(done) == jobs:
            break
        time.sleep(0.1)
    wall = time.monotonic() - began
    cpu = sum(cpu_by_thread.values())
    requests = len(sim.requests)
    for item in shown:
        item.close()
    sim.stop()
    return {
        "way": way,
        "jobs": jobs,
        "final": len(done),
        "wall_s": round(wall, 1),
        "requests": requests,
        "requests_per_s": round(requests / wall, 2),
        "comm_msgs": kinds["comm_msg"],
        "comm_msgs_per_s": round(kinds["comm_msg"] / wall, 1),
        "comm_opens": kinds["comm_open"],
        "poller_cpu_s": round(cpu, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--time-scale", type=float, default=6.0)
    parser.add_argument("--timeout", type=float, default=240.0)
    parser.add_argument("--one", choices=["board", "cards"], help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.jobs, args.time_scale, args.timeout)))
        return
    rows = {}
    for way in ("board", "cards"):
        command = [
            sys.executable,
            __file__,
            "--one",
            way,
            "--jobs",
            str(args.jobs),
            "--time-scale",
            str(args.time_scale),
            "--timeout",
            str(args.timeout),
        ]
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        rows[way] = json.loads(out.strip().splitlines()[-1])
        print(json.dumps(rows[way]), flush=True)
    ratio = {
        key: round(rows["board"][key] / rows["cards"][key], 3) if rows["cards"][key] else None
        for key in ("requests_per_s", "comm_msgs_per_s", "poller_cpu_s")
    }
    result = {"time_scale": args.time_scale, "rows": rows, "board_vs_cards": ratio}
    print(json.dumps(ratio))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
