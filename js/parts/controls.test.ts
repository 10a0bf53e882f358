import { afterEach, describe, expect, it } from "vitest";
import { FakeModel, mount, type Mounted } from "../fake-model";
import { CARD_STATES } from "../states";
import { HINTS } from "./controls";

afterEach(() => {
  document.body.replaceChildren();
});

/** The visible buttons' labels, in the action row's order. */
function shownButtons(mounted: Mounted): string[] {
  const ids = ["refresh", "stop-resume", "retry", "cancel"];
  return ids.filter((id) => !mounted.part(id).hidden).map((id) => mounted.part(id).textContent ?? "");
}

/** The contract's "which buttons per state" table. */
const TABLE: Record<string, string[]> = {
  connecting: ["Stop"],
  "not-found": ["Retry"],
  unauthorized: ["Retry"],
  unreachable: ["Stop", "Retry now"],
  stale: ["Stop", "Retry now"],
  stopped: ["Resume"],
  unfollowed: [], // its kernel is gone: nothing would answer a button
  pending: ["Refresh", "Stop", "Cancel job"],
  submitted: ["Refresh", "Stop", "Cancel job"],
  queued: ["Refresh", "Stop", "Cancel job"],
  starting: ["Refresh", "Stop", "Cancel job"],
  running: ["Refresh", "Stop", "Cancel job"],
  unknown: ["Refresh", "Stop", "Cancel job"],
  cancelling: ["Refresh", "Stop"],
  succeeded: [],
  failed: [],
  cancelled: [],
};

describe("buttons per state", () => {
  it("covers every card state", () => {
    expect(Object.keys(TABLE).sort()).toEqual([...CARD_STATES].sort());
  });

  it.each(Object.entries(TABLE))("%s shows %j", (state, buttons) => {
    const model = new FakeModel();
    const mounted = mount(model);
    model.enter(state);
    expect(shownButtons(mounted)).toEqual(buttons);
  });

  it("does not depend on `polling`: a stopped card offers Resume, a running one Stop", () => {
    const model = new FakeModel({ state: "running", status: "running", polling: false });
    const mounted = mount(model);
    expect(shownButtons(mounted)).toEqual(["Refresh", "Stop", "Cancel job"]);
    model.enter("stopped");
    model.set("polling", true);
    expect(shownButtons(mounted)).toEqual(["Resume"]);
  });
});

describe("messages", () => {
  it("Refresh sends refresh; Stop sends stop; Resume sends resume", () => {
    const model = new FakeModel({ state: "running", status: "running" });
    const { part } = mount(model);
    part("refresh").click();
    part("stop-resume").click();
    model.enter("stopped");
    part("stop-resume").click();
    expect(model.sent).toEqual([{ type: "refresh" }, { type: "stop" }, { type: "resume" }]);
  });

  it.each(["not-found", "unauthorized", "unreachable", "stale"])("Retry sends retry in %s", (state) => {
    const model = new FakeModel();
    const { part } = mount(model);
    model.enter(state);
    part("retry").click();
    expect(model.sent).toEqual([{ type: "retry" }]);
  });
});

describe("hint", () => {
  it.each([
    ["not-found", "Check the job id and that it belongs to this key's account."],
    ["unauthorized", "Check SUTRO_API_KEY or the api_key argument."],
    ["unreachable", "Check the base URL and your network; retrying."],
  ])("says what to check when %s", (state, hint) => {
    const model = new FakeModel();
    const { part } = mount(model);
    model.enter(state);
    expect(part("hint").hidden).toBe(false);
    expect(part("hint").textContent).toBe(hint);
  });

  it("is hidden in every other state", () => {
    const model = new FakeModel();
    const { part } = mount(model);
    for (const state of CARD_STATES.filter((s) => !(s in HINTS))) {
      model.enter(state);
      expect(part("hint").hidden, state).toBe(true);
    }
  });
});

describe("hint and error never say the same thing twice", () => {
  it("drops the hint when the error sentence already says what to check", () => {
    const model = new FakeModel({ state: "not-found", status: "", polling: false, error: "" });
    const { part } = mount(model);
    expect(part("hint").hidden).toBe(false);
    model.set("error", "Job 'x' was not found (HTTP 404): check the id and that it belongs to this API key's account.");
    expect(part("hint").hidden).toBe(true);
    model.enter("unreachable");
    model.set("error", "Could not connect to h: is the server up and reachable? check it");
    expect(part("hint").hidden).toBe(false); // "retrying" is news the error does not give
  });
});
