"""The command line: ``python -m sutro_widget watch JOB_ID [JOB_ID ...]`` (or ``--recent N``).

For a shell or a CI step that must wait for jobs and act on how they ended:
the exit status says it (see :data:`EXIT_STATUS_HELP`), the output explains
it. Bad arguments are argparse's usage error (exit 2) before anything is
sent; Ctrl-C is caught by a signal handler (not a ``KeyboardInterrupt`` that
could land anywhere), so the program always leaves through the same tidy
path: stop following, say where each job was, exit 130.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from types import FrameType

from .._version import __version__
from ..api.client import SutroClient
from ..api.job_id import check_job_id
from ..errors import SutroError
from ..polling.shared import default_poller
from .follow import EXIT_NOT_FOLLOWED, follow_jobs
from .recent import NO_JOBS_YET, page_size_argument, recent_job_ids

PROG = "python -m sutro_widget"

EXIT_STATUS_HELP = """\
exit status:
  0    every job succeeded
  1    a job failed
  2    a job was cancelled (2 is also argparse's status for bad arguments)
  3    a job could not be followed: not found, key refused, or not final
       (an unreachable server included) when --timeout ran out
  130  interrupted (Ctrl-C); the jobs themselves carry on
When several apply, the smallest non-zero status wins: 1 over 2 over 3.
"""

WATCH_DESCRIPTION = """\
Follow Sutro jobs until each one ends. On a terminal: one line per job,
redrawn in place (state, name, bar, rows, elapsed<left, rate). Piped or in
CI: plain log lines, one per state change (and one a minute while rows
move), never escape codes. Either way the last line of each job says how
it ended, with the failure reason. The key and URL come from --api-key /
--base-url, else SUTRO_API_KEY / SUTRO_API_URL, else ~/.sutro/config.json
(written by `sutro login`), as the official SDK finds them.
"""


def _seconds(text: str) -> float:
    """Parse ``--timeout``: a positive, finite number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive number of seconds")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m sutro_widget`` parser, with its ``watch`` subcommand."""
    return _parsers()[0]


def _parsers() -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """The top-level parser and its ``watch`` subparser (which reports argument errors)."""
    parser = argparse.ArgumentParser(
        prog=PROG, description="Follow Sutro batch-inference jobs from a terminal."
    )
    parser.add_argument("--version", action="version", version=f"sutro-widget {__version__}")
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    watch = commands.add_parser(
        "watch",
        help="follow jobs until they end; the exit status says how they ended",
        description=WATCH_DESCRIPTION,
        epilog=EXIT_STATUS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    watch.add_argument(
        "job_ids", nargs="*", metavar="JOB_ID", help="the jobs to follow (or use --recent)"
    )
    watch.add_argument(
        "--recent",
        type=page_size_argument,
        metavar="N",
        help="instead of ids: follow the account's N newest jobs (1 to 100, from list-jobs)",
    )
    watch.add_argument(
        "--api-key",
        metavar="KEY",
        help="the API key (prefer SUTRO_API_KEY: a key on the command line is visible to ps)",
    )
    watch.add_argument(
        "--base-url", metavar="URL", help="the API's base URL, used as given (e.g. https://…/v1)"
    )
    watch.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        help="stop following jobs that are not final after this long (default: never)",
    )
    return parser, watch


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (see :data:`EXIT_STATUS_HELP`)."""
    parser, watch_parser = _parsers()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    if bool(args.job_ids) == (args.recent is not None):
        watch_parser.error("name the jobs to follow, or give --recent N (one or the other)")
    try:
        job_ids = [check_job_id(job_id) for job_id in args.job_ids]
        client = SutroClient(api_key=args.api_key, base_url=args.base_url)
    except (TypeError, ValueError) as exc:
        watch_parser.error(str(exc))
    _tolerate_any_encoding()
    stop = threading.Event()
    # The handler stays on through the cleanup: a second Ctrl-C only sets ``stop`` again.
    with _stop_on_sigint(stop):
        try:
            if args.recent is not None:
                newest = _newest(client, args.recent)
                if newest is None:
                    return EXIT_NOT_FOLLOWED
                if not newest:
                    print(NO_JOBS_YET)
                    return 0
                job_ids = newest
            return follow_jobs(job_ids, client, sys.stdout, timeout=args.timeout, stop=stop)
        except BrokenPipeError:
            # Whoever read our output left (``| head``): end quietly, as Python's docs advise.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return EXIT_NOT_FOLLOWED
        finally:
            client.close()
            default_poller().shutdown(timeout=1.0)


def _newest(client: SutroClient, limit: int) -> list[str] | None:
    """The newest jobs' ids; ``None`` (said on stderr) if they could not be listed."""
    try:
        return recent_job_ids(client, limit)
    except SutroError as exc:
        print(f"Could not list the account's jobs: {exc}", file=sys.stderr)
        return None


@contextlib.contextmanager
def _stop_on_sigint(stop: threading.Event) -> Iterator[None]:
    """While inside, SIGINT sets ``stop`` instead of raising ``KeyboardInterrupt``.

    The drawing loop waits on ``stop``, so Ctrl-C ends it within a frame, and
    no exception can interrupt a half-written line or the cleanup after it.
    """

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _tolerate_any_encoding() -> None:
    """Never crash on a console that cannot show a glyph (a ``?`` is better than a traceback)."""
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors="replace")
