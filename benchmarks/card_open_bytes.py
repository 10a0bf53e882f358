"""Bytes a card costs the notebook when it opens: code inline, or named from the Jupyter server.

    python benchmarks/card_open_bytes.py --json benchmarks/results/card_open_bytes.json

A widget's ``comm_open`` carries its whole state, and the saved notebook's
widget state holds the same per card. Inline, that state includes the built
module and stylesheet; once the page said where its Jupyter server serves this
build (``card/served_assets.py``), it names the module instead. Measured here
on real cards and boards (their ``get_state()``, JSON-encoded as the kernel
sends it), both ways in the same run, and for a notebook of N cards (the
first inline, the rest named). The real-page figure (a websocket frame in
JupyterLab) is checked by tests/e2e/test_served_assets.py.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from sutro_widget import JobBoard, JobStatusWidget
from sutro_widget.card import served_assets
from sutro_widget.card.assets import build_fingerprint
from sutro_widget.simulator import Simulator

BASE = f"http://127.0.0.1:8888/sutro/static/{build_fingerprint()}/"
CARD_COUNTS = (1, 10, 100)


def open_bytes(widget: Any) -> int:
    """The size of the ``comm_open`` data the kernel sends for ``widget`` (state, no buffers)."""
    return len(json.dumps({"state": widget.get_state(), "buffer_paths": []}).encode())


def measure(sim: Simulator) -> dict[str, Any]:
    """Card and board ``comm_open`` sizes, inline and named, and notebooks of N cards."""
    key, url = sim.api_key, sim.url_v1
    sizes: dict[str, dict[str, int]] = {}
    for mode in ("inline", "named"):
        served_assets.forget()
        if mode == "named":
            offer = {"type": "assets", "base": BASE, "fingerprint": build_fingerprint()}
            assert served_assets.take_offer(offer)
        card = JobStatusWidget("job-bytes", api_key=key, base_url=url, autostart=False)
        board = JobBoard(["job-a", "job-b"], api_key=key, base_url=url)
        sizes[mode] = {"card": open_bytes(card), "board": open_bytes(board)}
        card.close()
        board.close()
    served_assets.forget()
    inline, named = sizes["inline"]["card"], sizes["named"]["card"]
    notebooks = {
        str(n): {"inline": n * inline, "served": inline + (n - 1) * named} for n in CARD_COUNTS
    }
    return {
        "per_widget_bytes": sizes,
        "card_named_to_inline_ratio": round(named / inline, 4),
        "notebook_of_n_cards_bytes": notebooks,
        "notebook_of_100_cards_ratio": round(
            notebooks["100"]["served"] / notebooks["100"]["inline"], 4
        ),
    }


def main() -> None:
    """Print the measurement; ``--json PATH`` also writes it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with Simulator() as sim:
        result = measure(sim)
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
