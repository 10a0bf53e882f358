"""The IPython extension: ``%load_ext sutro_widget`` adds ``%sutro_job`` and ``%sutro_jobs``.

A magic is the shortest way from a job id to a live card: ``%sutro_job
job-123`` in a notebook displays a
:class:`~sutro_widget.card.widget.JobStatusWidget`, ``%sutro_jobs a b c`` a
board of several (``%sutro_jobs --limit 10``: the account's newest jobs). In
terminal IPython there is no browser to draw a widget, so the same magics
follow the jobs (named, or the newest) with the terminal's renderer instead,
a line per job, blocking until they end or Ctrl-C.

A magic is typed by hand, so its mistakes are the user's, not bugs: a bad
argument, id or URL prints one sentence (to stderr) and never a traceback;
``--help`` prints the usage. The widgets are imported only when a magic draws
one, so ``%load_ext sutro_widget`` stays cheap in a terminal.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn

from .errors import SutroError
from .terminal.recent import page_size_argument

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell

#: How many jobs ``%sutro_jobs`` shows without ids or ``--limit``.
DEFAULT_RECENT_LIMIT = 20


class MagicArgumentError(Exception):
    """A magic's arguments were wrong; the message is the one sentence to print."""


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing a usage block and exiting the kernel."""

    def error(self, message: str) -> NoReturn:
        """Raise the complaint as :class:`MagicArgumentError` (argparse would ``sys.exit``)."""
        raise MagicArgumentError(f"{message} (see {self.prog} --help)")


def _connection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--api-key", metavar="KEY", help="the API key (default: SUTRO_API_KEY, then sutro login's)"
    )
    parser.add_argument(
        "--base-url", metavar="URL", help="the API's base URL, used as given (e.g. https://…/v1)"
    )


def job_parser() -> argparse.ArgumentParser:
    """The arguments of ``%sutro_job``."""
    parser = _Parser(
        prog="%sutro_job",
        description="Show a live card for one Sutro job (in terminal IPython: follow it here).",
    )
    parser.add_argument(
        "job_id", metavar="JOB_ID", help="the id returned when the job was submitted"
    )
    parser.add_argument("--compact", action="store_true", help="start the card folded to one line")
    _connection_options(parser)
    return parser


def jobs_parser() -> argparse.ArgumentParser:
    """The arguments of ``%sutro_jobs``."""
    parser = _Parser(
        prog="%sutro_jobs",
        description="Show a board of Sutro jobs: the ones named, or the account's newest "
        "(in terminal IPython: follow them here, a line per job).",
    )
    parser.add_argument("job_ids", nargs="*", metavar="JOB_ID", help="the jobs to show")
    parser.add_argument(
        "--limit",
        type=page_size_argument,
        metavar="N",
        help=f"without ids: show the N newest jobs (default {DEFAULT_RECENT_LIMIT})",
    )
    _connection_options(parser)
    return parser


def load_ipython_extension(ipython: InteractiveShell) -> None:
    """Register ``%sutro_job`` and ``%sutro_jobs``; IPython calls this on ``%load_ext``."""
    for name, parser, run in (
        ("sutro_job", job_parser(), _sutro_job),
        ("sutro_jobs", jobs_parser(), _sutro_jobs),
    ):
        ipython.magics_manager.register_function(_magic(ipython, parser, run), "line", name)


def _magic(
    ipython: InteractiveShell,
    parser: argparse.ArgumentParser,
    run: Callable[[InteractiveShell, argparse.Namespace], None],
) -> Callable[[str], None]:
    """A line magic: parse the line with ``parser``, run ``run``, say in a sentence what failed."""

    def magic(line: str) -> None:
        try:
            args = parser.parse_args(shlex.split(line))
        except SystemExit:  # --help printed the usage
            return
        except ValueError as exc:  # shlex: "No closing quotation"
            _say(f"{parser.prog}: {exc} in {line!r}.")
            return
        except MagicArgumentError as exc:
            _say(f"{parser.prog}: {exc}.")
            return
        try:
            run(ipython, args)
        except (MagicArgumentError, ValueError, TypeError, SutroError) as exc:
            _say(f"{parser.prog}: {exc}")

    magic.__doc__ = parser.format_help()
    return magic


def _sutro_job(ipython: InteractiveShell, args: argparse.Namespace) -> None:
    if in_terminal(ipython):
        _follow_here([args.job_id], args)
        return
    from .card.widget import JobStatusWidget

    widget = JobStatusWidget(
        args.job_id, api_key=args.api_key, base_url=args.base_url, compact=args.compact
    )
    _display(widget)


def _sutro_jobs(ipython: InteractiveShell, args: argparse.Namespace) -> None:
    if args.job_ids and args.limit is not None:
        raise MagicArgumentError("give job ids or --limit, not both.")
    if in_terminal(ipython):
        _follow_here(args.job_ids, args, newest=args.limit or DEFAULT_RECENT_LIMIT)
        return
    from .card.board import JobBoard

    connection = {"api_key": args.api_key, "base_url": args.base_url}
    if args.job_ids:
        board = JobBoard(list(args.job_ids), **connection)
    else:
        board = JobBoard.recent(limit=args.limit or DEFAULT_RECENT_LIMIT, **connection)
    _display(board)


def in_terminal(ipython: object) -> bool:
    """Whether this IPython has no frontend that can draw a widget (terminal IPython)."""
    return type(ipython).__name__ == "TerminalInteractiveShell" or (
        getattr(ipython, "kernel", None) is None
    )


def _follow_here(
    job_ids: Sequence[str], args: argparse.Namespace, *, newest: int | None = None
) -> None:
    """Follow the jobs (without ids: the ``newest`` ones) in text until they end or Ctrl-C."""
    from .api.client import SutroClient
    from .api.job_id import check_job_id
    from .terminal.follow import follow_jobs
    from .terminal.recent import NO_JOBS_YET, recent_job_ids

    checked = [check_job_id(job_id) for job_id in job_ids]
    with SutroClient(api_key=args.api_key, base_url=args.base_url) as client:
        if not checked and newest is not None:
            checked = recent_job_ids(client, newest)
            if not checked:
                print(NO_JOBS_YET)
                return
        follow_jobs(checked, client, sys.stdout)


def _display(thing: object) -> None:
    from IPython.display import display

    show: Callable[[object], object] = display  # IPython leaves it untyped
    show(thing)


def _say(sentence: str) -> None:
    print(sentence, file=sys.stderr)
