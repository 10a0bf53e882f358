"""Request slots: no more holders than slots, waiters by priority, cancels pass slots on."""

from __future__ import annotations

import asyncio

from sutro_widget.polling.slots import OPTIONAL, URGENT, OriginSlots, Slots
from tests.helpers import run_coroutine


async def _hold(
    slots: Slots, priority: int, name: str, order: list[str], gate: asyncio.Event
) -> None:
    async with slots.held(priority):
        order.append(name)
        await gate.wait()


def test_no_more_holders_than_slots_and_urgent_waiters_go_first() -> None:
    async def scenario() -> tuple[list[str], int]:
        slots = Slots(2)
        order: list[str] = []
        gate = asyncio.Event()
        tasks = [
            asyncio.create_task(_hold(slots, URGENT, f"first {i}", order, gate)) for i in (1, 2)
        ]
        tasks.append(asyncio.create_task(_hold(slots, OPTIONAL, "details", order, gate)))
        tasks.append(asyncio.create_task(_hold(slots, URGENT, "status", order, gate)))
        await asyncio.sleep(0.01)
        holding = len(order)
        gate.set()
        await asyncio.gather(*tasks)
        return order, holding

    order, holding = run_coroutine(scenario())
    assert holding == 2, "two slots: the other two wait"
    assert order == ["first 1", "first 2", "status", "details"], "status polls before details"


def test_a_waiter_cancelled_while_queued_or_just_served_loses_no_slot() -> None:
    async def scenario() -> int:
        slots = Slots(1)
        gate = asyncio.Event()
        order: list[str] = []
        holder = asyncio.create_task(_hold(slots, URGENT, "holder", order, gate))
        await asyncio.sleep(0)
        queued = asyncio.create_task(_hold(slots, URGENT, "queued", order, gate))
        await asyncio.sleep(0)
        queued.cancel()  # dropped while it waited
        gate.set()
        await asyncio.gather(holder, queued, return_exceptions=True)
        # The slot must be free again: three more can take it in turn.
        for name in ("a", "b", "c"):
            await _hold(slots, URGENT, name, order, gate)
        return slots._free

    assert run_coroutine(scenario()) == 1


def test_one_set_of_slots_per_origin_whatever_the_path_or_default_port() -> None:
    slots = OriginSlots(3)
    assert slots.of("https://api.example.com/v1") is slots.of("https://api.example.com:443/")
    assert slots.of("https://api.example.com/v1") is not slots.of("https://other.example.com/v1")
    assert slots.of("http://127.0.0.1:8000/v1") is not slots.of("http://127.0.0.1:8001/v1")
