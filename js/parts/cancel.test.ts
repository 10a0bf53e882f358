import { afterEach, describe, expect, it, vi } from "vitest";
import { canCancel } from "./cancel";
import { FakeModel, mount } from "../fake-model";
import { SERVER_STATUSES } from "../states";

afterEach(() => {
  document.body.replaceChildren();
});

function escape(target: HTMLElement): void {
  target.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
}

describe("canCancel", () => {
  it("allows every status that is neither final nor already cancelling", () => {
    expect(SERVER_STATUSES.filter(canCancel)).toEqual([
      "pending",
      "submitted",
      "queued",
      "starting",
      "running",
      "unknown",
    ]);
  });
  it("allows none of the card's own states (the contract's table)", () => {
    for (const state of ["connecting", "not-found", "unauthorized", "unreachable", "stale", "stopped", ""]) {
      expect(canCancel(state), state).toBe(false);
    }
  });
});

describe("cancel button", () => {
  it("shows only while the job can still be cancelled", () => {
    const model = new FakeModel();
    const { part } = mount(model);
    for (const status of SERVER_STATUSES) {
      model.enter(status);
      expect(part("cancel").hidden, status).toBe(!canCancel(status));
    }
    expect(part("cancel").textContent).toBe("Cancel job");
  });

  it("asks first: one click sends nothing and opens the confirm step", () => {
    const model = new FakeModel({ state: "running", status: "running" });
    const { part } = mount(model);
    expect(part("cancel-confirm").hidden).toBe(true);
    part("cancel").click();
    expect(model.sent).toEqual([]);
    expect(part("cancel-confirm").hidden).toBe(false);
    expect(part("cancel-confirm").textContent).toContain("Cancel this job?");
    expect(part("cancel").getAttribute("aria-expanded")).toBe("true");
    expect(document.activeElement).toBe(part("cancel-no"));
  });

  it("Yes sends exactly one cancel and waits for Python's answer", () => {
    const model = new FakeModel({ state: "running", status: "running" });
    const { part } = mount(model);
    part("cancel").click();
    part("cancel-yes").click();
    part("cancel-yes").click();
    expect(model.sent).toEqual([{ type: "cancel" }]);
    expect(part("cancel-confirm").hidden).toBe(true);
    const button = part("cancel") as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(button.textContent).toBe("Cancelling\u2026");
    button.click();
    expect(part("cancel-confirm").hidden).toBe(true);
    expect(model.sent).toHaveLength(1);
  });

  it("Yes does nothing unless the confirm step is open", () => {
    const model = new FakeModel({ state: "running", status: "running" });
    const { part } = mount(model);
    part("cancel-yes").click();
    expect(model.sent).toEqual([]);
    expect((part("cancel") as HTMLButtonElement).disabled).toBe(false);
  });

  it("No sends nothing and closes the confirm step", () => {
    const model = new FakeModel({ state: "queued", status: "queued" });
    const { part } = mount(model);
    part("cancel").click();
    part("cancel-no").click();
    expect(model.sent).toEqual([]);
    expect(part("cancel-confirm").hidden).toBe(true);
    expect((part("cancel") as HTMLButtonElement).disabled).toBe(false);
    expect(document.activeElement).toBe(part("cancel"));
  });

  it("Escape in the confirm step means No", () => {
    const model = new FakeModel({ state: "running", status: "running" });
    const { part } = mount(model);
    part("cancel").click();
    escape(part("cancel-no"));
    expect(part("cancel-confirm").hidden).toBe(true);
    expect(model.sent).toEqual([]);
    part("cancel").click();
    escape(part("cancel-yes"));
    expect(part("cancel-confirm").hidden).toBe(true);
    part("cancel").click();
    part("cancel-no").dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    expect(part("cancel-confirm").hidden).toBe(false);
    expect(model.sent).toEqual([]);
  });

  it("re-enables when cancel_error reports a failure, and shows it as an alert", () => {
    const model = new FakeModel({ state: "running", status: "running" });
    const { part } = mount(model);
    expect(part("cancel-error").hidden).toBe(true);
    part("cancel").click();
    part("cancel-yes").click();
    model.set("cancel_error", "Sutro refused to cancel: the job is already finishing.");
    const button = part("cancel") as HTMLButtonElement;
    expect(button.disabled).toBe(false);
    expect(button.textContent).toBe("Cancel job");
    expect(part("cancel-error").hidden).toBe(false);
    expect(part("cancel-error").getAttribute("role")).toBe("alert");
    expect(part("cancel-error").textContent).toBe(
      "Sutro refused to cancel: the job is already finishing.",
    );
    part("cancel").click();
    part("cancel-yes").click();
    expect(model.sent).toEqual([{ type: "cancel" }, { type: "cancel" }]);
    model.set("cancel_error", "");
    expect(part("cancel-error").hidden).toBe(true);
    expect(button.disabled).toBe(true); // the second request is still unanswered
  });

  it("keeps waiting when Python clears an old error on receipt, then takes the new one", () => {
    const model = new FakeModel({ state: "running", status: "running", cancel_error: "Timed out asking Sutro." });
    const { part } = mount(model);
    expect(part("cancel-error").hidden).toBe(false);
    part("cancel").click();
    part("cancel-yes").click();
    model.set("cancel_error", "");
    const button = part("cancel") as HTMLButtonElement;
    expect(part("cancel-error").hidden).toBe(true);
    expect(button.disabled).toBe(true);
    model.set("cancel_error", "Timed out asking Sutro.");
    expect(button.disabled).toBe(false);
    expect(part("cancel-error").textContent).toBe("Timed out asking Sutro.");
  });

  it("re-enables when the status changes to another cancellable one", () => {
    const model = new FakeModel({ state: "queued", status: "queued" });
    const { part } = mount(model);
    part("cancel").click();
    part("cancel-yes").click();
    expect((part("cancel") as HTMLButtonElement).disabled).toBe(true);
    model.set("message", "still queued"); // unrelated traits do not count as an answer
    expect((part("cancel") as HTMLButtonElement).disabled).toBe(true);
    model.enter("running");
    expect((part("cancel") as HTMLButtonElement).disabled).toBe(false);
  });

  it("hides the button and the confirm step once cancelling or final", () => {
    for (const next of ["cancelling", "cancelled", "succeeded", "failed"]) {
      const model = new FakeModel({ state: "running", status: "running" });
      const { part } = mount(model);
      part("cancel").click();
      model.enter(next);
      expect(part("cancel").hidden, next).toBe(true);
      expect(part("cancel-confirm").hidden, next).toBe(true);
      // Back to a cancellable status: the confirm step does not reopen by itself.
      model.enter("running");
      expect(part("cancel-confirm").hidden, next).toBe(true);
      document.body.replaceChildren();
    }
  });

  it("keeps the confirm step open across a change between cancellable statuses", () => {
    const model = new FakeModel({ state: "queued", status: "queued" });
    const { part } = mount(model);
    part("cancel").click();
    model.enter("running");
    expect(part("cancel-confirm").hidden).toBe(false);
  });

  it("never writes traits", () => {
    const model = new FakeModel({ state: "running", status: "running" });
    const setSpy = vi.spyOn(model, "setRaw");
    const { part } = mount(model);
    part("cancel").click();
    part("cancel-no").click();
    part("cancel").click();
    part("cancel-yes").click();
    expect(setSpy).not.toHaveBeenCalled();
  });

  it("gives each view its own confirm step", () => {
    const model = new FakeModel({ state: "running", status: "running" });
    const a = mount(model);
    const b = mount(model);
    a.part("cancel").click();
    expect(a.part("cancel-confirm").hidden).toBe(false);
    expect(b.part("cancel-confirm").hidden).toBe(true);
  });
});
