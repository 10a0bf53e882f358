"""The job-details parser keeps what the card shows and nothing else."""

from __future__ import annotations

import json

import pytest

from sutro_widget import ProtocolError
from sutro_widget.api.shapes import parse_details_body


def test_known_fields_are_kept_and_others_dropped() -> None:
    job = {
        "job_id": "j",
        "name": "Tickets",
        "model": "qwen-3-4b",
        "num_rows": 2000,
        "job_cost": None,
        "cost_estimate": 0.42,
        "datetime_created": "2026-11-29T12:00:00Z",
        "failure_reason": {"message": "boom"},
        "secret_internal_field": "x",
        "nested_junk": {"a": 1},
    }
    details = parse_details_body(json.dumps({"job": job}).encode())
    assert details == {
        "name": "Tickets",
        "model": "qwen-3-4b",
        "num_rows": 2000,
        "job_cost": None,
        "cost_estimate": 0.42,
        "datetime_created": "2026-11-29T12:00:00Z",
        "failure_reason": {"message": "boom"},
    }


@pytest.mark.parametrize("body", [b"<html>", b"[]", b'{"job": 3}', b'{"jobs": []}'])
def test_wrong_shapes_are_protocol_errors(body: bytes) -> None:
    with pytest.raises(ProtocolError, match="job details"):
        parse_details_body(body)
