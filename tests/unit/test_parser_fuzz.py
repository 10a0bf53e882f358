"""Property tests: whatever the server sends, the parser returns a report or a ProtocolError."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from sutro_widget import JobStatus, ProtocolError, StatusReport
from sutro_widget.api.shapes import parse_status_body, parse_status_document

JOB = "job-fuzz"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)

# Documents shaped like answers, so the fuzzer reaches deep into the parser too.
answer_like = st.fixed_dictionaries(
    {},
    optional={
        "job_status": json_values
        | st.text()
        | st.dictionaries(st.sampled_from([JOB, "other"]), json_values, max_size=2),
        "message": json_values,
        "metadata": json_values,
    },
)


def check(parse: object) -> None:
    try:
        report = parse()  # type: ignore[operator]
    except ProtocolError as error:
        message = str(error)
        assert message
        return
    assert isinstance(report, StatusReport)
    assert isinstance(report.status, JobStatus)
    assert isinstance(report.raw_status, str)
    assert isinstance(report.message, str)
    assert isinstance(report.metadata, dict)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=512))
def test_arbitrary_bytes(body: bytes) -> None:
    check(lambda: parse_status_body(body, job_id=JOB))


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_arbitrary_json(document: object) -> None:
    check(lambda: parse_status_body(json.dumps(document).encode(), job_id=JOB))


@settings(max_examples=300, deadline=None)
@given(answer_like)
def test_answer_shaped_json(document: dict[str, object]) -> None:
    check(lambda: parse_status_document(document, job_id=JOB))


def test_deeply_nested_json_is_a_protocol_error_not_a_crash() -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    check(lambda: parse_status_body(body, job_id=JOB))
