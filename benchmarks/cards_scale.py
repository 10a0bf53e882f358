"""Many cards at once: comm messages a second, CPU, RSS, time to first status, clean exit.

    python benchmarks/cards_scale.py --json benchmarks/results/cards_scale.json
    python benchmarks/cards_scale.py --cards 50 --time-scale 2   # a quick look

For each count (50, 500, 2000 by default) a fresh process creates that many
``JobStatusWidget`` cards at once on the current API (progress streams on),
against a simulator in its own process (so its CPU and memory are not
counted), following ``job-succeeds-*`` jobs stretched by ``--time-scale``
(6: queued 12 s, starting 12 s, running 36 s). No kernel: every comm message
a widget would send is counted where ipywidgets hands it to the comm
(``publish_msg`` of the comm class, ``DummyComm`` without a kernel), by type
and by second. Reported: comm update messages a second (the ``comm_open`` of
each widget apart; mean over the run and the busiest second), the process's
CPU as a fraction of one core (mean over the run, and in steady state: the
10 s from 3 s after every card showed "running"), peak RSS, the time from
creating the cards until each one's first status *left for the browser*
(the first comm message carrying a state other than "connecting": what a
user sees, after the comm budget; median and max), whether every card
reached its final state, and whether the poller thread ended after the
cards were closed. Also when the last card's Python side knew its first
status (``first_status_known_max_s``, sampled every 50 ms): the rest of the
wait is the comm budget's.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from simulator_process import start_simulator  # noqa: E402


def count_comm_messages() -> tuple[Counter[str], Counter[int], dict[str, float]]:
    """Count every comm message as ipywidgets hands it over; note each comm's first status."""
    import comm

    kind_of_comm = type(comm.create_comm(target_name="probe"))  # DummyComm with no kernel

    kinds: Counter[str] = Counter()
    per_second: Counter[int] = Counter()
    first_status: dict[str, float] = {}
    lock = threading.Lock()
    real = kind_of_comm.publish_msg

    def counting(self: Any, msg_type: str, data: Any = None, *args: Any, **kwargs: Any) -> None:
        now = time.monotonic()
        with lock:
            kinds[msg_type] += 1
            if msg_type == "comm_msg":
                per_second[int(now)] += 1
                state = (data or {}).get("state", {}) if isinstance(data, dict) else {}
                if state.get("state") not in (None, "", "connecting"):
                    first_status.setdefault(self.comm_id, now)
        real(self, msg_type, data, *args, **kwargs)

    kind_of_comm.publish_msg = counting  # type: ignore[method-assign]
    return kinds, per_second, first_status


def one(cards: int, time_scale: float, timeout: float) -> dict[str, Any]:
    kinds, per_second, sent_first = count_comm_messages()
    from sutro_widget import JobStatusWidget
    from sutro_widget.polling.shared import default_poller

    simulator, url, key = start_simulator(time_scale)
    cpu0, began = time.process_time(), time.monotonic()
    made = [
        JobStatusWidget(f"job-succeeds-scale-{i}", api_key=key, base_url=url + "/v1")
        for i in range(cards)
    ]
    created = time.monotonic()
    final = 0
    known: dict[int, float] = {}  # when each card's Python side first held a status
    all_running_at: float | None = None
    steady: tuple[float, float] | None = None  # (cpu at start, wall at start)
    steady_cpu: float | None = None
    while time.monotonic() - began < timeout:
        now = time.monotonic()
        states = [c.state for c in made]
        for index, state in enumerate(states):
            if index not in known and state not in ("connecting", ""):
                known[index] = now - began
        if all_running_at is None and all(s == "running" for s in states):
            all_running_at = now
        if all_running_at is not None and steady is None and now >= all_running_at + 3:
            steady = (time.process_time(), now)
        if steady is not None and steady_cpu is None and now >= steady[1] + 10:
            steady_cpu = (time.process_time() - steady[0]) / (now - steady[1])
        final = sum(1 for s in states if s in ("succeeded", "failed", "cancelled"))
        if final == cards:
            break
        time.sleep(0.05)
    wall, cpu = time.monotonic() - began, time.process_time() - cpu0
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    comm_ids = [card.comm.comm_id for card in made if card.comm is not None]
    firsts = sorted(sent_first[c] - began for c in comm_ids if c in sent_first)
    for card in made:
        card.close()
    thread = default_poller().thread
    if thread is not None:
        thread.join(15)
    exited = default_poller().thread is None
    simulator.terminate()
    simulator.wait(10)
    busy = [n for second, n in per_second.items() if began <= second + 1 and second <= began + wall]
    return {
        "cards": cards,
        "create_s": round(created - began, 3),
        "first_status_median_s": round(firsts[len(firsts) // 2], 3) if firsts else None,
        "first_status_max_s": round(firsts[-1], 3) if firsts else None,
        "first_status_seen": len(firsts),
        "first_status_known_max_s": round(max(known.values()), 3) if known else None,
        "final": final,
        "wall_s": round(wall, 1),
        "cpu_fraction_of_core": round(cpu / wall, 3),
        "steady_cpu_fraction_of_core": None if steady_cpu is None else round(steady_cpu, 3),
        "rss_peak_mib": round(rss_mib, 1),
        "comm_messages_total": sum(kinds.values()),
        "comm_kinds": dict(kinds),
        "comm_msgs_per_s_mean": round(kinds["comm_msg"] / wall, 1),
        "comm_msgs_per_s_max": max(busy, default=0),
        "poller_exited_after_close": exited,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cards", type=int, nargs="*", default=[50, 500, 2000])
    parser.add_argument("--time-scale", type=float, default=6.0)
    parser.add_argument("--timeout", type=float, default=240.0)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.cards[0], args.time_scale, args.timeout)))
        return
    rows = []
    for count in args.cards:  # each in a fresh process: RSS and threads are its own
        command = [
            sys.executable,
            __file__,
            "--one",
            "--cards",
            str(count),
            "--time-scale",
            str(args.time_scale),
            "--timeout",
            str(args.timeout),
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), flush=True)
    if args.json:
        args.json.write_text(
            json.dumps({"time_scale": args.time_scale, "rows": rows}, indent=2) + "\n"
        )


if __name__ == "__main__":
    main()
