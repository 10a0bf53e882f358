"""The static fallbacks: readable text, escaped HTML."""

from __future__ import annotations

from sutro_widget.snapshot import CardState, render_html, render_text, status_label

XSS = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>'


def test_text_repr_names_job_and_status() -> None:
    text = render_text(CardState(job_id="job-1", status="running", raw_status="RUNNING"))
    assert text.startswith("JobStatusWidget(job_id='job-1', status='running'")
    assert "raw_status='RUNNING'" in text


def test_unknown_status_is_shown_verbatim() -> None:
    assert status_label(CardState("j", "unknown", "PAUSED")) == "Unknown: PAUSED"
    assert status_label(CardState("j", "unknown", "UNKNOWN")) == "Unknown"


def test_every_server_value_is_escaped_in_html() -> None:
    state = CardState(
        job_id=XSS,
        status="failed",
        raw_status=XSS,
        message=XSS,
        metadata={"failure_reason": XSS, "nested": {"x": XSS}},
        error=XSS,
    )
    snapshot = render_html(state)
    assert "<img" not in snapshot
    assert "<script" not in snapshot
    assert "&lt;img src=x onerror=" in snapshot


def test_failure_reason_object_shows_its_message() -> None:
    state = CardState("j", "failed", metadata={"failure_reason": {"message": "Out of memory"}})
    snapshot = render_html(state)
    assert "Why it failed" in snapshot
    assert "Out of memory" in snapshot


def test_no_failure_section_without_a_reason() -> None:
    assert "Why it failed" not in render_html(CardState("j", "succeeded"))
