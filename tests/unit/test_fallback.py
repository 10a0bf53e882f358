"""The static stand-ins: readable text, escaped and bounded HTML, the truth in words."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from sutro_widget.card.fallback import MAX_METADATA_CHARS, headline, render_html, render_text
from sutro_widget.card.looks import state_word
from sutro_widget.card.state import CardState

XSS = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>'


def card(metadata: dict[str, Any] | None = None, **fields: Any) -> CardState:
    return CardState(job_id="job-1", metadata=MappingProxyType(dict(metadata or {})), **fields)


def test_text_repr_names_job_state_and_status() -> None:
    text = render_text(card(state="running", status="running", raw_status="RUNNING"))
    assert text.startswith("JobStatusWidget(job_id='job-1', state='running', status='running'")
    assert "raw_status='RUNNING'" in text


def test_a_job_never_reached_is_not_called_pending() -> None:
    text = render_text(card(state="unreachable", error="Could not connect to x"))
    assert "state='unreachable'" in text
    assert "pending" not in text


def test_unknown_status_is_shown_verbatim() -> None:
    assert state_word("unknown", "PAUSED") == "Unknown: PAUSED"
    assert state_word("unknown", "UNKNOWN") == "Unknown"


def test_headline_says_what_was_last_seen_when_not_live() -> None:
    assert headline(card(state="stale", status="running")) == "Contact lost · last seen running"
    assert headline(card(state="stopped", status="queued")) == "Stopped · last seen queued"
    reason = {"failure_reason": {"message": "Out of memory"}}
    assert headline(card(reason, state="failed", status="failed")) == "Failed: Out of memory"


def test_every_server_value_is_escaped_in_html() -> None:
    metadata = {"failure_reason": XSS, "nested": {"x": XSS}}
    state = card(metadata, state="failed", status="failed", raw_status=XSS, message=XSS, error=XSS)
    page = render_html(state, {"name": XSS})
    assert "<img" not in page
    assert "<script" not in page
    assert "&lt;img src=x onerror=" in page


def test_the_static_card_says_it_is_a_saved_view_with_its_state() -> None:
    page = render_html(card(state="succeeded", status="succeeded"), {"job_cost": 0.084})
    assert 'data-state="succeeded"' in page
    assert "Succeeded" in page
    assert "saved view, last updated" in page
    assert "cost $0.084" in page


def test_the_estimate_is_labelled_and_gone_once_final() -> None:
    live = render_html(card(state="running", status="running"), {"cost_estimate": 0.08})
    assert "est. $0.08 for the whole job" in live
    done = render_html(card(state="cancelled", status="cancelled"), {"cost_estimate": 0.08})
    assert "est." not in done


def test_deeply_nested_or_huge_metadata_stays_small() -> None:
    nested: object = "x"
    for _ in range(500):
        nested = {"a": [nested]}
    wide = {"failure_reason": "boom", "blob": "y" * 500_000}
    for metadata in ({"failure_reason": "boom", "deep": nested}, wide):
        page = render_html(card(metadata, state="failed", status="failed"), {})
        assert len(page) < MAX_METADATA_CHARS + 10_000
    assert "KB more" in render_html(card(wide, state="failed", status="failed"), {})


def test_no_failure_section_without_a_reason() -> None:
    assert "Why it failed" not in render_html(card(state="succeeded", status="succeeded"), {})
