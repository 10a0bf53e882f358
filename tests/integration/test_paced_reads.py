"""Paced stream reads: lines that arrive while a connection rests are read together.

A raw-socket server on 127.0.0.1 sends 40 progress lines, one every 25 ms, as
chunks, then ends. Read with a pace of 0.4 s, the client's socket reads are a
handful; read without, there is one per line or so. Every line arrives either
way, in order, and so does the end.
"""

from __future__ import annotations

import json
from typing import Any

from sutro_widget.api.client import SutroClient
from sutro_widget.api.limits import STREAM_POOL_LIMITS
from sutro_widget.api.paced import PacedStream
from sutro_widget.api.transport import pooled_client
from tests import hostile_servers as hostile
from tests.helpers import run_coroutine

LINES = 40


def forty_lines(conn: hostile.Conn) -> None:
    conn.send(hostile.head(content_type="application/x-ndjson", transfer_encoding="chunked"))
    for rows in range(1, LINES + 1):
        line = json.dumps({"update_type": "progress", "result": rows}).encode() + b"\n"
        if not (conn.send(f"{len(line):x}\r\n".encode() + line + b"\r\n") and conn.pause(0.025)):
            return
    conn.send(b"0\r\n\r\n")


def read_all(url: str, pace: float | None) -> tuple[list[Any], int]:
    reads = 0
    real_read = PacedStream.read

    async def counting(self: PacedStream, max_bytes: int, timeout: float | None = None) -> bytes:
        nonlocal reads
        reads += 1
        return await real_read(self, max_bytes, timeout)

    async def scenario() -> list[Any]:
        client = SutroClient(api_key="k", base_url=url)
        got: list[Any] = []
        # pace 0 still goes through PacedStream (reads counted), but never rests.
        async with pooled_client(STREAM_POOL_LIMITS, pace=lambda: pace or 0.0) as http:
            async for update in client.stream_progress_async("job-1", http):
                got.append(update["result"])
        return got

    PacedStream.read = counting  # type: ignore[method-assign]
    try:
        return run_coroutine(scenario()), reads
    finally:
        PacedStream.read = real_read  # type: ignore[method-assign]


def test_a_resting_stream_reads_many_lines_at_once_and_loses_none() -> None:
    with hostile.HostileServer(forty_lines) as server:
        paced, paced_reads = read_all(server.url, pace=0.4)
        eager, eager_reads = read_all(server.url, pace=None)
    assert paced == eager == list(range(1, LINES + 1)), "every line, in order, and the end"
    assert eager_reads >= LINES // 2, "unpaced: about one read per line"
    assert paced_reads <= 8, "paced: ~1 s of lines in a few reads"
