"""How the client reads HTTP answers and guards the URL, without a network."""

from __future__ import annotations

import email.utils
import socket
import ssl

import httpx
import pytest

from sutro_widget import (
    AuthenticationError,
    JobNotFoundError,
    JobStatus,
    ProtocolError,
    RateLimitedError,
    ServerError,
    SutroClient,
)
from sutro_widget.api.answers import network_error, parse_retry_after, read_status_answer
from sutro_widget.api.job_id import check_job_id
from sutro_widget.errors import CertificateError, HostNotFoundError, NetworkError

JOB = "job-1"


def test_200_is_parsed() -> None:
    report = read_status_answer(200, {}, b'{"job_status": "running"}', job_id=JOB)
    assert report.status is JobStatus.RUNNING


@pytest.mark.parametrize(
    ("code", "error", "words"),
    [
        (401, AuthenticationError, "rejected the API key"),
        (403, AuthenticationError, "rejected the API key"),
        (404, JobNotFoundError, "was not found"),
        (429, RateLimitedError, "rate limiting"),
        (500, ServerError, "HTTP 500"),
        (503, ServerError, "HTTP 503"),
        (302, ProtocolError, "redirect"),
        (418, ProtocolError, "HTTP 418"),
    ],
)
def test_status_codes_become_typed_errors(code: int, error: type[Exception], words: str) -> None:
    with pytest.raises(error, match=words) as info:
        read_status_answer(code, {}, b'{"detail": "nope"}', job_id=JOB)
    assert info.value.status_code == code  # type: ignore[attr-defined]


def test_server_detail_is_quoted_in_the_sentence() -> None:
    with pytest.raises(JobNotFoundError, match="The server said: Job job-1 not found"):
        read_status_answer(404, {}, b'{"detail": "Job job-1 not found"}', job_id=JOB)


def test_retry_after_seconds_is_carried() -> None:
    with pytest.raises(RateLimitedError) as info:
        read_status_answer(429, {"retry-after": "7"}, b"", job_id=JOB)
    assert info.value.retry_after == 7


def test_retry_after_http_date() -> None:
    now = 1_700_000_000.0
    header = email.utils.formatdate(now + 30, usegmt=True)
    assert parse_retry_after(header, now=now) == pytest.approx(30)
    assert parse_retry_after("garbage") is None
    assert parse_retry_after("-5") == 0
    assert parse_retry_after(None) is None


@pytest.mark.parametrize("bad", ["", "   ", " job", "job\n", "a\x00b", ".", "..", "x" * 257])
def test_impossible_job_ids_are_refused_before_any_request(bad: str) -> None:
    with pytest.raises(ValueError):
        check_job_id(bad)


@pytest.mark.parametrize(
    ("job_id", "segment"),
    [
        ("job-1", "job-1"),
        ("a/b", "a%2Fb"),
        ("../admin", "..%2Fadmin"),
        ("q?x=1", "q%3Fx%3D1"),
        ("h#f", "h%23f"),
        ("%2F", "%252F"),
        ("café", "caf%C3%A9"),
    ],
)
def test_job_id_is_exactly_one_encoded_path_segment(job_id: str, segment: str) -> None:
    client = SutroClient(api_key="k", base_url="https://x.example/v1")
    request = client.build_status_request(job_id)
    assert request.url.raw_path.decode() == f"/v1/job-status/{segment}"


def test_missing_key_says_where_to_put_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("SUTRO_API_KEY", raising=False)
    monkeypatch.delenv("SUTRO_API_URL", raising=False)
    client = SutroClient(base_url="https://x.example")
    with pytest.raises(AuthenticationError, match="SUTRO_API_KEY"):
        client.build_status_request(JOB)


def test_key_only_in_authorization_header() -> None:
    client = SutroClient(api_key="secret-abc", base_url="https://x.example")
    request = client.build_status_request(JOB)
    assert request.headers["authorization"] == "Key secret-abc"
    assert "secret-abc" not in str(request.url)
    assert "secret-abc" not in repr(client)


@pytest.mark.parametrize("key", ["abc\n", "a b", "k\x00"])
def test_a_mangled_key_is_reported_without_echoing_it(key: str) -> None:
    client = SutroClient(api_key=key, base_url="https://x.example")
    with pytest.raises(AuthenticationError, match="line breaks") as info:
        client.build_status_request(JOB)
    assert key not in str(info.value)


def _connect_error_from(cause: BaseException) -> httpx.ConnectError:
    try:
        try:
            raise cause
        except BaseException as inner:
            raise httpx.ConnectError("connect failed") from inner
    except httpx.ConnectError as error:
        return error


def test_an_untrusted_certificate_is_told_apart_from_a_server_that_is_down() -> None:
    cause = ssl.SSLCertVerificationError(1, "certificate verify failed")
    cause.verify_message = "self-signed certificate"
    error = network_error(_connect_error_from(cause), "api.example.com")
    assert isinstance(error, CertificateError)
    assert "api.example.com" in str(error) and "self-signed certificate" in str(error)
    assert "SSL_CERT_FILE" in str(error)


def test_a_name_that_does_not_resolve_is_told_apart_from_a_server_that_is_down() -> None:
    cause = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    error = network_error(_connect_error_from(cause), "api.exmaple.com")
    assert isinstance(error, HostNotFoundError)
    assert "api.exmaple.com does not resolve" in str(error)


def test_a_refused_connection_says_the_server_may_be_down() -> None:
    error = network_error(_connect_error_from(ConnectionRefusedError(111, "refused")), "h")
    assert type(error) is NetworkError and "is the server up" in str(error)
