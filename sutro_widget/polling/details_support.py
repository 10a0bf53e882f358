"""Whether a deployment has a details endpoint, learnt once per deployment, not per card.

The legacy API has no ``jobs/{id}``: it answers 404. Ten cards opened together
on such a deployment would each ask and each get a 404. So while a
deployment's answer is unknown, one details request goes first (the probe)
and the others wait for it on the poller's loop: a 404 for a job whose status
answered means "no details here" for every job of that deployment, and
nobody asks again; any other outcome lets the others go.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from ..errors import SutroError


class DetailsSupport:
    """What each deployment (by base URL) said about details; used on the poller's loop."""

    def __init__(self) -> None:
        self._without: dict[str, SutroError] = {}
        self._with: set[str] = set()
        self._probes: dict[str, asyncio.Event] = {}

    def missing(self, base_url: str) -> SutroError | None:
        """The 404 that showed ``base_url`` has no details endpoint, if one did."""
        return self._without.get(base_url)

    async def fetch(
        self, base_url: str, ask: Callable[[], Awaitable[dict[str, Any]]]
    ) -> dict[str, Any] | SutroError:
        """``ask()``'s details, or the error; alone while the deployment is unknown.

        Only call it for a job whose status answered (so a 404 is the route's,
        not the job's).
        """
        while base_url not in self._with:
            if (missing := self._without.get(base_url)) is not None:
                return missing
            probe = self._probes.get(base_url)
            if probe is None:
                return await self._probe(base_url, ask)
            await probe.wait()
        return await _outcome(ask)

    async def _probe(
        self, base_url: str, ask: Callable[[], Awaitable[dict[str, Any]]]
    ) -> dict[str, Any] | SutroError:
        self._probes[base_url] = probe = asyncio.Event()
        try:
            result = await _outcome(ask)
            if isinstance(result, dict):
                self._with.add(base_url)
            elif result.status_code == 404:
                self._without[base_url] = result
            return result
        finally:
            del self._probes[base_url]
            probe.set()


async def _outcome(ask: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any] | SutroError:
    try:
        return await ask()
    except SutroError as error:
        return error
