"""Command line: ``python -m sutro_widget.simulator`` serves the simulator until stopped.

It prints the URL and key as ``SUTRO_API_URL=...`` / ``SUTRO_API_KEY=...`` lines
(the variables the SDK and the widget read), so a shell script or a browser test
can start it, read those lines, and point a client at it. Other lines it prints
start with ``#``: the built-in jobs and the endpoints served.

``--fault MODE[@JOB_PREFIX][,after=S][,for=S][,requests=N]`` (repeatable; also
``retry_after=S``, ``plain`` and ``lines=N``) injects a fault when the server starts, e.g.
``--fault http_503@job-succeeds,after=5,for=10``; ``after`` counts from the
start. A running simulator takes more at ``POST /_sim/faults`` (see the package
docstring).

``--demo-jobs N`` seeds the account with N realistic jobs submitted a while
ago (succeeded, failed, cancelled, running, queued, pending), so
``GET /v1/list-jobs`` has something to show a notebook's job board.
"""

from __future__ import annotations

import argparse
import math
import shlex
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from .catalogue import BUILTIN_INFO, BUILTIN_SCRIPTS
from .faults.modes import Fault
from .faults.specs import FaultSpec
from .routes import CONTROL_PATH, DEFAULT_API_KEY, check_absent_routes, check_api_key
from .scripts import DEFAULT_INFO, describe
from .server import Simulator, is_loopback

__all__ = ["main"]

#: The endpoints served, for the banner: (method and path, what it is).
ENDPOINTS = (
    ("GET /job-status/{id}", "status, legacy shape"),
    ("GET /v1/job-status/{id}", "status, current shape"),
    ("GET /v1/jobs/{id}", "details: name, model, rows, tokens, cost, dates"),
    ("GET /v1/stream-job-progress/{id}", "progress stream: one JSON line per update"),
    ("GET /v1/job-cancel/{id}", "cancel: CANCELLING, then CANCELLED"),
    ("GET /v1/list-jobs[?limit=N&cursor=C]", "the account's jobs, newest first"),
)
#: The most jobs ``--demo-jobs`` seeds (a job list pages 100 at a time).
MAX_DEMO_JOBS = 1000


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sutro_widget.simulator",
        description="Serve a scripted local stand-in for the Sutro job API (for demos and tests).",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=8765, help="port; 0 picks a free one (default: %(default)s)"
    )
    parser.add_argument(
        "--key", default=DEFAULT_API_KEY, help="API key clients must send (default: %(default)s)"
    )
    parser.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="multiply every script step's duration by this (default: %(default)s)",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a non-loopback --host (this is a test server with a public key)",
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        type=_fault_spec,
        metavar="MODE[@JOB_PREFIX][,after=S][,for=S][,requests=N]",
        help="answer status requests with a fault (repeatable; also retry_after=S, plain, "
        "and lines=N for stream_break, which cuts progress streams instead), "
        "e.g. http_503@job-succeeds,after=5,for=10; modes: "
        + ", ".join(fault.value for fault in Fault),
    )
    parser.add_argument(
        "--demo-jobs",
        type=int,
        default=0,
        metavar="N",
        help="seed the account with N realistic past and current jobs for list-jobs "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--without",
        type=_route_names,
        default=[],
        metavar="ROUTE[,ROUTE]",
        help="serve a deployment without these routes, which answer 404 like any unknown "
        "path: details, stream, cancel, list (e.g. --without stream)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log each request to stderr")
    return parser


def _route_names(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    try:
        check_absent_routes(names)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return names


def _fault_spec(text: str) -> FaultSpec:
    """Parse one ``--fault`` value, turning a mistake into argparse's usage error."""
    try:
        spec = FaultSpec.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if spec.mode is Fault.DOWN and spec.duration is None:
        raise argparse.ArgumentTypeError(
            f"{text!r}: down needs for=S, or the server would never come back up"
        )
    return spec


def _log_to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Turn arguments argparse cannot check alone into its usage error (exit 2)."""
    if not 0 <= args.port <= 65535:
        parser.error(f"--port must be in 0..65535, not {args.port}")
    if not math.isfinite(args.time_scale) or args.time_scale < 0:
        parser.error(f"--time-scale must be finite and >= 0, not {args.time_scale}")
    if not 0 <= args.demo_jobs <= MAX_DEMO_JOBS:
        parser.error(f"--demo-jobs must be in 0..{MAX_DEMO_JOBS}, not {args.demo_jobs}")
    try:
        check_api_key(args.key)
    except ValueError as exc:
        parser.error(f"--key: {exc}")
    if not is_loopback(args.host) and not args.allow_remote:
        parser.error(
            f"refusing to listen on {args.host!r}: this is a test server with a public demo key; "
            "use a loopback address or pass --allow-remote"
        )


def _print_banner(simulator: Simulator, args: argparse.Namespace, seeded: list[str]) -> None:
    """Print the URL and key lines a script reads, then ``#`` lines for a person."""
    print(f"Sutro simulator listening on {simulator.url}")
    print(f"SUTRO_API_URL={shlex.quote(simulator.url)}")
    print(f"SUTRO_API_KEY={shlex.quote(simulator.api_key)}")
    print(
        "# Built-in jobs: any id starting with a prefix plays its script"
        f" (time scale {args.time_scale:g})."
    )
    width = max(len(prefix) for prefix in BUILTIN_SCRIPTS)
    for prefix, script in BUILTIN_SCRIPTS.items():
        info = BUILTIN_INFO.get(prefix, DEFAULT_INFO)
        extra = f"; {info.num_rows} rows"
        if info.stream_breaks_after is not None:
            extra += f"; its first stream is cut after {info.stream_breaks_after} progress updates"
        print(f"#   {prefix:<{width}}  {describe(script, args.time_scale)}{extra}")
    if seeded:
        print(f"# Seeded {len(seeded)} demo job(s) for list-jobs: {', '.join(seeded)}")
    print("# Endpoints (all need the header Authorization: Key <key>):")
    width = max(len(endpoint) for endpoint, _ in ENDPOINTS)
    for endpoint, what in ENDPOINTS:
        print(f"#   {endpoint:<{width}}  {what}")
    for spec in args.fault:
        print(f"# Fault: {spec.describe()}")
    print(f"# Switch faults with POST/GET/DELETE {simulator.url}{CONTROL_PATH} (same key).")
    print("# Stop with Ctrl+C or SIGTERM.", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the simulator until SIGINT or SIGTERM; return the process exit code.

    Exits 0 when stopped by a signal, 1 if the port cannot be bound, and 2 for
    bad arguments (argparse's convention).
    """
    parser = _parser()
    args = parser.parse_args(argv)
    _check(parser, args)

    # Install the handlers before listening, so a signal sent as soon as the
    # URL is printed is never lost or turned into a traceback.
    stopping = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    simulator = Simulator(
        api_key=args.key,
        host=args.host,
        port=args.port,
        time_scale=args.time_scale,
        allow_remote=args.allow_remote,
        log=_log_to_stderr if args.verbose else None,
        without=args.without,
    )
    seeded = simulator.seed_demo_jobs(args.demo_jobs)
    try:
        simulator.start()
    except OSError as exc:
        print(f"Cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr, flush=True)
        return 1
    # Injected after binding, so a DOWN window can close a real listener and
    # "after" counts from the moment the URL is printed.
    for spec in args.fault:
        simulator.inject_spec(spec)
    try:
        _print_banner(simulator, args, seeded)
        # Wake regularly: a signal handler only runs between bytecodes of the main thread.
        while not stopping.wait(0.2):
            pass
    finally:
        simulator.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
