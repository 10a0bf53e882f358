import { describe, expect, it } from "vitest";
import type { Row } from "../board/model";
import { rowOf } from "../board/model";
import { EndNotices } from "./notices";
import { statusText } from "./status-text";

const card = (state: string, name = "Tickets") => ({ job_id: "j", state, status: state, raw_status: state.toUpperCase(), name, deployment: "" });
const row = (jobId: string, state: string): Row => rowOf({ job_id: jobId, state, status: state }) as Row;

describe("the end of a watched job", () => {
  it("is announced once, and only if this page saw the job before its end", () => {
    const said: string[] = [];
    const notices = new EndNotices((_id, text, tone) => said.push(`${tone}: ${text}`), () => new Set());
    notices.fromCard(card("succeeded")); // already over when first seen: not news
    expect(said).toEqual([]);
    const other = new EndNotices((_id, text, tone) => said.push(`${tone}: ${text}`), () => new Set());
    other.fromCard(card("running"));
    other.fromCard(card("failed"));
    other.fromCard(card("failed"));
    expect(said).toEqual(["error: Sutro job “Tickets” failed"]);
  });

  it("counts a pinned row of the panel as watched, and no other", () => {
    const said: string[] = [];
    const notices = new EndNotices((id) => said.push(id), () => new Set(["pinned"]));
    notices.fromRows([row("pinned", "running"), row("other", "running")]);
    notices.fromRows([row("pinned", "cancelled"), row("other", "succeeded")]);
    expect(said).toEqual(["pinned"]);
  });
});

describe("the status bar item", () => {
  it("says what runs and what failed, and nothing more", () => {
    expect(statusText([row("a", "running"), row("b", "running"), row("c", "failed"), row("d", "queued")])).toBe(
      "Sutro: 2 running \u00B7 1 failed",
    );
    expect(statusText([row("a", "succeeded")])).toBe("Sutro");
  });
});
