"""The job-details parser keeps what the card shows and nothing else."""

from __future__ import annotations

import json
import re

import pytest

from sutro_widget import ProtocolError
from sutro_widget.api.shapes import JobStatus, StatusReport, parse_details_body, parse_job_body


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


def test_a_job_answer_is_a_status_report_that_carries_the_details() -> None:
    job = {"job_id": "j", "status": "FAILED", "name": "T", "failure_reason": {"message": "x"}}
    report = parse_job_body(json.dumps({"job": job}).encode(), job_id="j")
    assert (report.status, report.raw_status, report.legacy) == (JobStatus.FAILED, "FAILED", False)
    assert report.details == {"name": "T", "failure_reason": {"message": "x"}}
    assert report.metadata == {"failure_reason": {"message": "x"}}  # where the card reads it


def test_new_token_counts_are_not_a_change_of_status() -> None:
    def answer(tokens: int) -> StatusReport:
        job = {"job_id": "j", "status": "RUNNING", "output_tokens": tokens}
        return parse_job_body(json.dumps({"job": job}).encode(), job_id="j")

    assert answer(1) == answer(2)
    assert answer(1).details != answer(2).details


@pytest.mark.parametrize(
    ("job", "says"),
    [
        ({"job_id": "other-id", "status": "SUCCEEDED"}, "about job 'other-id', not 'j'"),
        ({"job_id": "j"}, "no status"),
        ({"job_id": "j", "status": 3}, "no status"),
        ({"job_id": "j", "status": ["RUNNING"]}, "no status"),
    ],
)
def test_an_answer_about_another_job_or_without_a_status_is_a_protocol_error(
    job: dict[str, object], says: str
) -> None:
    with pytest.raises(ProtocolError, match=re.escape(says)):
        parse_job_body(json.dumps({"job": job}).encode(), job_id="j")
