"""``import sutro_widget`` against ``import anywidget``, in fresh interpreters, as a ratio.

    python benchmarks/import_time.py --json benchmarks/results/import_time.json

Each import runs in a new ``python`` process (nothing cached in memory; the
files are in the page cache after the first run), alternating, and times the
import statement alone. Three statements: ``import anywidget`` (the floor: a
card is an anywidget), ``import sutro_widget`` (the package, whose public
names load on first use), and ``from sutro_widget import JobStatusWidget``
(what making a card costs: the widget, the HTTP stack, the poller). Each in
a bare interpreter and as in a Jupyter kernel (``ipykernel`` already
imported, as it always is there). Reported: median, p95 and max of each, and
the ratio of each to anywidget's at the same point (median to median, p95 to p95).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

PROBE = "{before}import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
STATEMENTS = {
    "anywidget": "import anywidget",
    "sutro_widget": "import sutro_widget",
    "JobStatusWidget": "from sutro_widget import JobStatusWidget",
}
CONTEXTS = {"bare": "", "kernel": "import ipykernel.ipkernel; "}


def once(statement: str, before: str = "") -> float:
    """Seconds one fresh interpreter takes to run the import ``statement``."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(before=before, statement=statement)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip())


def summary(values: list[float]) -> dict[str, float]:
    """Median, p95 (nearest rank) and max of ``values``, rounded to 0.1 ms."""
    ordered = sorted(values)
    p95 = ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]
    return {
        "median": round(statistics.median(ordered), 4),
        "p95": round(p95, 4),
        "max": round(ordered[-1], 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    once(STATEMENTS["JobStatusWidget"], CONTEXTS["kernel"])  # warm the page cache
    result: dict[str, object] = {"runs": args.runs}
    for context, before in CONTEXTS.items():
        times: dict[str, list[float]] = {name: [] for name in STATEMENTS}
        for _ in range(args.runs):
            for name, statement in STATEMENTS.items():
                times[name].append(once(statement, before))
        figures = {name: summary(values) for name, values in times.items()}
        result[context] = {
            "seconds": figures,
            "vs_anywidget": {
                name: {key: round(value / figures["anywidget"][key], 3) for key, value in f.items()}
                for name, f in figures.items()
            },
        }
    print(json.dumps(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
