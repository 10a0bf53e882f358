"""The parser: both API generations, every status value, every metadata shape."""

from __future__ import annotations

import json

import pytest

from sutro_widget import JobStatus, ProtocolError
from sutro_widget.api.shapes import parse_status_body, parse_status_document

JOB = "job-123"

LEGACY = {
    "succeeded": JobStatus.SUCCEEDED,
    "failed": JobStatus.FAILED,
    "cancelled": JobStatus.CANCELLED,
    "pending": JobStatus.PENDING,
    "submitted": JobStatus.SUBMITTED,
    "starting": JobStatus.STARTING,
    "running": JobStatus.RUNNING,
    "unknown": JobStatus.UNKNOWN,
}
CURRENT = {
    "QUEUED": JobStatus.QUEUED,
    "STARTING": JobStatus.STARTING,
    "RUNNING": JobStatus.RUNNING,
    "SUCCEEDED": JobStatus.SUCCEEDED,
    "CANCELLING": JobStatus.CANCELLING,
    "CANCELLED": JobStatus.CANCELLED,
    "FAILED": JobStatus.FAILED,
    "UNKNOWN": JobStatus.UNKNOWN,
}


@pytest.mark.parametrize(("raw", "expected"), LEGACY.items())
def test_legacy_lowercase_string(raw: str, expected: JobStatus) -> None:
    body = {"message": f"Job is {raw}", "job_status": raw, "metadata": {}}
    report = parse_status_body(json.dumps(body).encode(), job_id=JOB)
    assert report.status is expected
    assert report.raw_status == raw
    assert report.message == f"Job is {raw}"
    assert report.metadata == {}
    assert report.legacy  # that generation has no details or stream: none is asked for


@pytest.mark.parametrize(("raw", "expected"), CURRENT.items())
def test_current_uppercase_dict_keyed_by_job_id(raw: str, expected: JobStatus) -> None:
    body = {"message": "m", "job_status": {JOB: raw}, "metadata": None}
    report = parse_status_body(json.dumps(body).encode(), job_id=JOB)
    assert report.status is expected
    assert report.raw_status == raw
    assert report.metadata == {}
    assert not report.legacy


@pytest.mark.parametrize(
    ("status", "final"),
    [
        (JobStatus.SUCCEEDED, True),
        (JobStatus.FAILED, True),
        (JobStatus.CANCELLED, True),
        (JobStatus.CANCELLING, False),
        (JobStatus.RUNNING, False),
        (JobStatus.UNKNOWN, False),
        (JobStatus.PENDING, False),
    ],
)
def test_only_three_states_are_final(status: JobStatus, final: bool) -> None:
    assert status.is_final is final


@pytest.mark.parametrize("raw", ["PAUSED", "paused", "Throttled", "weird status!"])
def test_unknown_values_are_kept_verbatim(raw: str) -> None:
    report = parse_status_document({"job_status": {JOB: raw}}, job_id=JOB)
    assert report.status is JobStatus.UNKNOWN
    assert report.raw_status == raw
    assert not report.is_final


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        (None, {}),
        ({}, {}),
        ({"failure_reason": "OOM"}, {"failure_reason": "OOM"}),
        (
            {
                "failure_reason": {"message": "bad row", "code": 7},
                "additional_context": [1, {"a": None}],
            },
            {
                "failure_reason": {"message": "bad row", "code": 7},
                "additional_context": [1, {"a": None}],
            },
        ),
        ("just a string", {"value": "just a string"}),
    ],
)
def test_metadata_shapes(metadata: object, expected: dict[str, object]) -> None:
    report = parse_status_document(
        {"job_status": "failed", "message": "x", "metadata": metadata}, job_id=JOB
    )
    assert report.metadata == expected


def test_missing_message_is_empty_string() -> None:
    assert parse_status_document({"job_status": "running"}, job_id=JOB).message == ""


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"<html>502 Bad Gateway</html>", "not JSON"),
        (b'{"job_status": "runn', "not JSON"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"message": "hi"}', "no 'job_status'"),
        (b'{"job_status": 3}', "not a string"),
        (b'{"job_status": ["RUNNING"]}', "not a string"),
        (b'{"job_status": {"other-job": "RUNNING"}}', "does not mention job"),
    ],
)
def test_malformed_answers_raise_protocol_error(body: bytes, why: str) -> None:
    with pytest.raises(ProtocolError) as info:
        parse_status_body(body, job_id=JOB, status_code=200)
    assert why in str(info.value)
    assert "HTTP 200" in str(info.value)
    assert info.value.excerpt  # a short piece of the body for the bug report


def test_excerpt_is_short() -> None:
    with pytest.raises(ProtocolError) as info:
        parse_status_body(b"x" * 10_000, job_id=JOB)
    assert len(info.value.excerpt) <= 201
