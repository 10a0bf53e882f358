import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeModel, mount } from "../fake-model";
import { isFinal, CARD_STATES, SERVER_STATUSES, isLive, lookFor } from "../states";
import { secondaryText } from "./headline";

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
  document.body.replaceChildren();
});

describe("headline", () => {
  it.each([...CARD_STATES])("shows %s by its own icon, word and data-state", (state) => {
    const model = new FakeModel({ state: "running", status: "running" });
    const { card, part } = mount(model);
    model.enter(state);
    const look = lookFor(state);
    expect(card.dataset.state).toBe(state);
    expect(part("status-icon").textContent).toBe(look.icon);
    expect(part("status-word").textContent).toBe(look.word);
    expect(card.dataset.tone).toBe(look.tone);
    expect(card.dataset.live).toBe(String(look.live));
    expect(card.dataset.final).toBe(String(look.final));
    expect(part("status-icon").getAttribute("aria-hidden")).toBe("true");
  });

  it("keeps data-status as the server's last status, also in the card's own states", () => {
    const model = new FakeModel({ state: "running", status: "running" });
    const { card } = mount(model);
    model.enter("stale");
    expect(card.dataset.state).toBe("stale");
    expect(card.dataset.status).toBe("running");
    expect(card.dataset.stale).toBe("true");
    model.enter("failed");
    expect(card.dataset.status).toBe("failed");
    expect(card.dataset.stale).toBe("false");
  });

  it("says Connecting (data-status empty) before the first sync", () => {
    const { card, part } = mount(new FakeModel({}, { empty: true }));
    expect(card.dataset.state).toBe("connecting");
    expect(card.dataset.status).toBe("");
    expect(part("status-word").textContent).toBe("Connecting");
  });

  it("lets the server status stand in while `state` is empty (an older Python)", () => {
    const { card, part } = mount(new FakeModel({ state: "", status: "queued" }));
    expect(card.dataset.state).toBe("queued");
    expect(part("status-word").textContent).toBe("Queued");
  });

  it("shows the server's word for unknown: 'Unknown: PAUSED'", () => {
    const model = new FakeModel({ state: "running", status: "running", raw_status: "RUNNING" });
    const { part } = mount(model);
    model.set("raw_status", "PAUSED");
    model.enter("unknown");
    expect(part("status-word").textContent).toBe("Unknown: PAUSED");
    expect(part("status-word").title).toBe("Server status: PAUSED");
  });

  it.each([...CARD_STATES])("dims the numbers exactly when %s stopped being current", (state) => {
    const model = new FakeModel();
    const { card } = mount(model);
    model.enter(state);
    // Final numbers are exact, not old: a final card is not dimmed.
    expect(card.classList.contains("sutro-job-card--dimmed")).toBe(!isLive(state) && !isFinal(state));
  });
});

describe("secondary text", () => {
  it("says what the server last said, and when, if the state says something else", () => {
    expect(secondaryText("stale", "running", NOW - 125_000, NOW)).toBe("last seen running 2 min ago");
    expect(secondaryText("stopped", "queued", NOW - 40_000, NOW)).toBe("last seen queued 40 s ago");
    expect(secondaryText("unreachable", "running", 0, NOW)).toBe("last seen running");
  });

  it("says nothing when the state is the server's status, or there is none", () => {
    for (const status of SERVER_STATUSES) expect(secondaryText(status, status, NOW - 1, NOW)).toBe("");
    expect(secondaryText("connecting", "", 0, NOW)).toBe("");
    expect(secondaryText("not-found", "", 0, NOW)).toBe("");
  });

  it("shows under the word on the card and ages with the clock", () => {
    const model = new FakeModel({ state: "running", status: "running", last_checked_at: NOW - 125_000 });
    const { part } = mount(model);
    expect(part("headline-secondary").hidden).toBe(true);
    model.enter("stale");
    expect(part("headline-secondary").hidden).toBe(false);
    expect(part("headline-secondary").textContent).toBe("last seen running 2 min ago");
    vi.advanceTimersByTime(60_000);
    expect(part("headline-secondary").textContent).toBe("last seen running 3 min ago");
    model.enter("running");
    expect(part("headline-secondary").hidden).toBe(true);
  });
});
