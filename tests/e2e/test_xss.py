"""Text from the server stays text in real JupyterLab: nothing it sends can run.

The simulator plays two jobs whose status, message, metadata and details (name,
model, description) are HTML and script payloads: one whose raw status is an
``<img onerror>`` tag (an unknown status, so the card prints it verbatim), and
one that failed with the same texts (so the failure details render them). Each
is shown twice, once through the current ``/v1`` API (which upper-cases
statuses) and once through the legacy one (which sends the payload exactly as
written).

A payload that ran would set ``window.__pwned``. A positive control at the end
injects the same payload with ``innerHTML`` and sees it fire, so a quiet
``window.__pwned`` means "inert", not "this browser never runs it".

The ``text/html`` fallback of the widget (what nbviewer and GitHub show) is
checked in this process and then rendered unsanitised in a blank page.
"""

from __future__ import annotations

import html
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from sutro_widget import JobStatusWidget
from sutro_widget.simulator import JobInfo, Simulator, Step

from .harness import (
    STATE_TIMEOUT_S,
    Frontend,
    JupyterServer,
    browser_page,
    ensure_details_open,
    open_notebook,
    run_all_cells,
    seconds,
    status_log,
    wait_for,
    wait_for_card,
    write_notebook,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

RAW_STATUS = '<img src=x onerror="window.__pwned=1">'
MESSAGE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'
FAILURE_REASON = '<img src=x onerror="window.__pwned=1">'
CONTEXT = {"html": "<script>window.__pwned=1</script>"}
METADATA: dict[str, object] = {"failure_reason": FAILURE_REASON, "additional_context": CONTEXT}

#: What every card's text must contain literally: the tag as characters.
LITERAL_TAG = "<img src=x onerror="

#: How long a payload gets to fire before ``window.__pwned`` is read. An image
#: with ``src=x`` fails (and runs ``onerror``) within milliseconds.
SETTLE_MS = 1000

PWNED_JS = "window.__pwned"

#: Any element anywhere in the document carrying an event-handler attribute that
#: mentions the payload, or any script whose text does: both mean markup got in.
INJECTED_MARKUP_JS = """
() => {
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      if (attr.name.toLowerCase().startsWith("on") && /__pwned/i.test(attr.value)) {
        found.push(`<${el.tagName.toLowerCase()} ${attr.name}="${attr.value}">`);
      }
    }
  }
  for (const script of document.scripts) {
    if (/__pwned/i.test(script.textContent || "")) found.push(`<script>${script.textContent}`);
  }
  return found;
}
"""


@pytest.fixture(scope="module")
def frontend() -> Frontend:
    """JupyterLab only: this module overrides the two-frontend parametrisation."""
    return "lab"


@dataclass(frozen=True)
class Shown:
    """One card of the notebook: its job, how it talks to the API, what its word must be."""

    job_id: str
    generation: str
    word: str
    status: str


#: The job's details (the card's summary line and its hover text) carry payloads too.
INFO = JobInfo(name=MESSAGE, model=RAW_STATUS, description=MESSAGE)


def add_payload_job(simulator: Simulator, job_id: str, status: str) -> None:
    """Make ``job_id`` answer ``status`` (held there) with payloads in every text it has."""
    simulator.add_job(job_id, [Step(status, None, MESSAGE, METADATA)], INFO)


def payload_jobs(simulator: Simulator) -> tuple[str, str]:
    """Register a fresh unknown-status job and a fresh failed job carrying the payloads."""
    suffix = uuid.uuid4().hex[:10]
    unknown_id, failed_id = f"xss-unknown-{suffix}", f"xss-failed-{suffix}"
    add_payload_job(simulator, unknown_id, RAW_STATUS)
    add_payload_job(simulator, failed_id, "failed")
    return unknown_id, failed_id


def notebook_cells(cards: list[Shown]) -> list[str]:
    """A setup cell, then one cell per card; legacy cards pass the origin as ``base_url``.

    The environment's ``SUTRO_API_URL`` is normalised to ``/v1``; an explicit
    ``base_url`` is used as given, so the origin reaches the legacy endpoint.
    """
    setup = (
        "import os\n"
        "from sutro_widget import JobStatusWidget, PollPolicy\n"
        "fast = PollPolicy(initial_interval=0.2, max_interval=0.5)\n"
        'legacy = {"base_url": os.environ["SUTRO_API_URL"], '
        '"api_key": os.environ["SUTRO_API_KEY"]}'
    )
    cells = [setup]
    for card in cards:
        extra = ", **legacy" if card.generation == "legacy" else ""
        cells.append(f"JobStatusWidget({card.job_id!r}, policy=fast{extra})")
    return cells


def pwned(page: Page) -> object:
    """``window.__pwned`` after giving any payload time to fire (``None`` when unset)."""
    page.wait_for_timeout(SETTLE_MS)
    return page.evaluate(PWNED_JS)


def assert_no_markup(page: Page, card: Locator, when: str) -> None:
    """No element made from server text in ``card``, nor payload markup anywhere on ``page``."""
    elements = card.locator("img, script, iframe, object, embed")
    count = elements.count()
    assert count == 0, (
        f"{when}: the card holds {count} element(s) from server text: "
        f"{[elements.nth(i).evaluate('e => e.outerHTML') for i in range(count)]}"
    )
    injected = page.evaluate(INJECTED_MARKUP_JS)
    assert injected == [], f"{when}: payload markup is in the document: {injected}"


def assert_not_pwned(page: Page, when: str) -> None:
    """Nothing ran: ``window.__pwned`` is still unset after the payloads had time to fire."""
    value = pwned(page)
    assert value is None, f"{when}: a payload ran, window.__pwned = {value!r}"


def test_server_text_is_inert_in_lab(
    page: Page, jupyter: JupyterServer, simulator: Simulator
) -> None:
    suffix = uuid.uuid4().hex[:10]
    # No id is a substring of another, so each card is found by its own id.
    cards = [
        Shown(f"xss-unknown-legacy-{suffix}", "legacy", f"Unknown: {RAW_STATUS}", "unknown"),
        Shown(f"xss-unknown-v1-{suffix}", "v1", f"Unknown: {RAW_STATUS.upper()}", "unknown"),
        Shown(f"xss-failed-legacy-{suffix}", "legacy", "Failed", "failed"),
        Shown(f"xss-failed-v1-{suffix}", "v1", "Failed", "failed"),
    ]
    for shown in cards:
        add_payload_job(
            simulator, shown.job_id, RAW_STATUS if shown.status == "unknown" else "failed"
        )

    filename = write_notebook(jupyter.root_dir, "xss", notebook_cells(cards))
    open_notebook(page, jupyter, filename)
    run_all_cells(page, jupyter)

    located = {shown.job_id: wait_for_card(page, jupyter, shown.job_id) for shown in cards}
    for shown in cards:
        card = located[shown.job_id]

        def shows_payload_as_text(card: Locator = card, shown: Shown = shown) -> None:
            timeout = seconds(STATE_TIMEOUT_S)
            expect(card).to_have_attribute("data-status", shown.status, timeout=timeout)
            expect(card.get_by_test_id("status-word")).to_have_text(shown.word, timeout=timeout)
            # A v1 card polls jobs/{id}; a failed or unknown job's sentence and metadata
            # come from job-status, so every generation shows the server's text.
            expect(card.get_by_test_id("message")).to_have_text(MESSAGE, timeout=timeout)

        def simulator_says(job: str = shown.job_id) -> str:
            return f"simulator says: {simulator.status_of(job)!r}"

        wait_for(
            page,
            jupyter,
            f"the {shown.generation} card of {shown.job_id} to show the payloads as text",
            shows_payload_as_text,
            extra=simulator_says,
        )
        if shown.generation == "v1":  # the simulator serves job details under /v1 only
            summary = card.get_by_test_id("details")
            expect(summary).to_contain_text(MESSAGE, timeout=seconds(STATE_TIMEOUT_S))
            expect(summary).to_contain_text(RAW_STATUS)
        text = card.evaluate("e => e.textContent")
        assert LITERAL_TAG in text, f"the card's text lacks {LITERAL_TAG!r}: {text!r}"
        assert_no_markup(page, card, f"{shown.job_id} ({shown.generation}), details closed")
    assert_not_pwned(page, "with every card drawn")

    for shown in cards:
        card = located[shown.job_id]
        details = card.get_by_test_id("failure-details")
        expect(details).to_be_visible()

        ensure_details_open(page, jupyter, details, f"the failure details of {shown.job_id}")
        expect(details.get_by_test_id("failure-reason")).to_have_text(FAILURE_REASON)
        expect(details.get_by_test_id("additional-context")).to_have_text(
            json.dumps(CONTEXT, indent=2)
        )
        # The full metadata as JSON: the reason's quotes are escaped, tags are not.
        expect(details.get_by_test_id("metadata-json")).to_contain_text(json.dumps(FAILURE_REASON))
        assert_no_markup(page, card, f"{shown.job_id} ({shown.generation}), details open")
    assert_not_pwned(page, "with every card's failure details open")
    assert statuses_of_all(page) == {shown.job_id for shown in cards}, status_log(page)

    # Positive control: the same payload through innerHTML runs here, and is seen.
    page.evaluate(
        "(payload) => { const d = document.createElement('div'); d.innerHTML = payload; "
        "document.body.appendChild(d); }",
        MESSAGE,
    )
    page.wait_for_function("window.__pwned === 1", timeout=seconds(10))
    assert page.evaluate(INJECTED_MARKUP_JS) != [], "the markup detector missed the control"


def statuses_of_all(page: Page) -> set[str]:
    """The job ids of every card the page's status recorder saw."""
    return {str(entry.get("jobId")) for entry in status_log(page)}


def fetched_widget(job_id: str, simulator: Simulator, base_url: str) -> JobStatusWidget:
    """A widget that has fetched ``job_id`` once (no polling), for its static fallback."""
    widget = JobStatusWidget(job_id, api_key=simulator.api_key, base_url=base_url, autostart=False)
    widget.refresh()
    deadline = time.monotonic() + 10.0
    while widget.raw_status == "" and widget.error == "" and time.monotonic() < deadline:
        time.sleep(0.05)
    return widget


@pytest.fixture
def blank_page(browser: Browser) -> Iterator[Page]:
    """A page outside Jupyter: ``set_content`` there renders HTML with no sanitiser."""
    with browser_page(browser) as page:
        yield page


@pytest.mark.parametrize("api", ["v1", "legacy"])
def test_html_fallback_is_escaped_and_inert(
    simulator: Simulator, blank_page: Page, api: str
) -> None:
    unknown_id, failed_id = payload_jobs(simulator)
    base_url = simulator.url_v1 if api == "v1" else simulator.url
    for job_id in (unknown_id, failed_id):
        widget = fetched_widget(job_id, simulator, base_url)
        try:
            assert widget.error == "", f"fetching {job_id} failed: {widget.error}"
            assert widget.raw_status != "", f"{job_id} was not fetched within 10 s"
            bundle = widget._repr_mimebundle_()
            assert bundle is not None, "the widget has no mime bundle"
            snapshot = str(bundle[0]["text/html"])
        finally:
            widget.close()

        assert html.escape(MESSAGE) in snapshot, snapshot
        assert html.escape(FAILURE_REASON) in snapshot, snapshot
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in snapshot, snapshot
        lowered = snapshot.lower()
        assert "<img" not in lowered, f"raw <img in the text/html fallback: {snapshot}"
        assert "<script" not in lowered, f"raw <script in the text/html fallback: {snapshot}"

        blank_page.set_content(snapshot)
        root = blank_page.locator(".sutro-job-card-static")
        expect(root).to_contain_text(LITERAL_TAG)
        assert root.locator("img, script").count() == 0, root.evaluate("e => e.outerHTML")
        assert_not_pwned(blank_page, f"the text/html fallback of {job_id}")

    # Positive control: unescaped, the payload runs in the same kind of page.
    blank_page.set_content(f"<div>{MESSAGE}</div>")
    blank_page.wait_for_function("window.__pwned === 1", timeout=seconds(10))
