"""Where the poller thread spends its time with many cards: a stack sampler, no extra tools.

    python benchmarks/poller_profile.py --cards 300 --seconds 25
    python benchmarks/poller_profile.py --cards 500 --after 28 --seconds 15   # steady state

Creates the cards (current API, ``job-succeeds-*`` jobs, simulator in its own
process), then every 10 ms reads the poller thread's stack
(``sys._current_frames``) and counts each function once per sample. Prints the
functions most often on the stack and the leaves: how the README's "Many
cards" causes (sniffio, the shared stream pool, per-line reads) were found.
"""

from __future__ import annotations

import argparse
import collections
import sys
import threading
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cards_scale import count_comm_messages
from simulator_process import start_simulator


def short(filename: str) -> str:
    return filename.split("site-packages/")[-1].split("wt-perf/")[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cards", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=25.0)
    parser.add_argument("--time-scale", type=float, default=6.0)
    parser.add_argument("--after", type=float, default=0.0, help="seconds before sampling")
    args = parser.parse_args()
    count_comm_messages()
    from sutro_widget import JobStatusWidget

    simulator, url, key = start_simulator(args.time_scale)
    cards = [JobStatusWidget(f"job-succeeds-prof-{i}", api_key=key, base_url=url + "/v1")
             for i in range(args.cards)]  # fmt: skip
    on_stack: collections.Counter[str] = collections.Counter()
    leaves: collections.Counter[str] = collections.Counter()
    time.sleep(args.after)  # e.g. 28 s at time scale 6: every job is running
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        names = {t.ident: t.name for t in threading.enumerate()}
        for ident, frame in sys._current_frames().items():
            if not names.get(ident, "").startswith("sutro-widget"):
                continue
            stack = traceback.extract_stack(frame)
            on_stack.update({f"{short(f.filename)}:{f.name}" for f in stack})
            leaves[f"{short(stack[-1].filename)}:{stack[-1].name}"] += 1
        time.sleep(0.01)
    shown = sum(1 for c in cards if c.state not in ("connecting", ""))
    print(f"{shown} of {args.cards} cards showed a first status within {args.seconds:g} s")
    for name, count in on_stack.most_common(40):
        print(count, name)
    print("--- leaves")
    for name, count in leaves.most_common(15):
        print(count, name)
    for card in cards:
        card.close()
    simulator.terminate()
    simulator.wait(10)


if __name__ == "__main__":
    main()
