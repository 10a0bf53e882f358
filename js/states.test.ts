import { describe, expect, it } from "vitest";
import statesSource from "./states.ts?raw";
import {
  CARD_STATES,
  SERVER_STATUSES,
  cardStateOf,
  isFinal,
  isLive,
  lookFor,
  stateWord,
} from "./states";

/** The contract's table (/work/notes/contract.md), copied here on purpose: a change to either fails this test. */
const CONTRACT: Array<[string, string, string, string, boolean, boolean]> = [
  ["connecting", "\u25CC", "Connecting", "waiting", true, false],
  ["not-found", "\u2205", "Not found", "failure", false, false],
  ["unauthorized", "\u26A0\uFE0E", "Key refused", "failure", false, false],
  ["unreachable", "\u2297", "Unreachable", "failure", false, false],
  ["stale", "\u25F7", "Contact lost", "warning", false, false],
  ["stopped", "\u25A0", "Stopped", "waiting", false, false],
  ["unfollowed", "\u2016", "Not followed", "warning", false, false],
  ["pending", "\u25CB", "Pending", "waiting", true, false],
  ["submitted", "\u2191", "Submitted", "waiting", true, false],
  ["queued", "\u22EF", "Queued", "waiting", true, false],
  ["starting", "\u25D4", "Starting", "active", true, false],
  ["running", "\u25B6\uFE0E", "Running", "active", true, false],
  ["cancelling", "\u2296", "Cancelling", "warning", true, false],
  ["succeeded", "\u2713", "Succeeded", "success", false, true],
  ["failed", "\u2715", "Failed", "failure", false, true],
  ["cancelled", "\u2298", "Cancelled", "warning", false, true],
  ["unknown", "?", "Unknown", "waiting", true, false],
];

describe("look table", () => {
  it.each(CONTRACT)("%s looks as the contract says", (state, icon, word, tone, live, final) => {
    expect(lookFor(state)).toEqual({ icon, word, tone, live, final });
  });

  it("has the 17 card states and the 10 server statuses, in the contract's order", () => {
    expect([...CARD_STATES]).toEqual(CONTRACT.map(([state]) => state));
    expect([...SERVER_STATUSES]).toEqual(CONTRACT.slice(7).map(([state]) => state));
  });

  it("gives every state its own icon and its own word", () => {
    expect(new Set(CARD_STATES.map((s) => lookFor(s).icon)).size).toBe(17);
    expect(new Set(CARD_STATES.map((s) => lookFor(s).word)).size).toBe(17);
  });

  it("is written the way the Python contract test parses it: one entry per line, \\u escapes", () => {
    const block = /const LOOKS: Record<CardState, StateLook> = \{\n([\s\S]*?)\n\};/.exec(statesSource)?.[1] ?? "";
    const entry =
      /^\s*("[a-z-]+"|[a-z]+): \{ icon: "((?:\\u[0-9A-F]{4})+|\?)", word: "([^"]+)", tone: "(\w+)", live: (true|false), final: (true|false) \},$/;
    const parsed = block.split("\n").map((line) => {
      const match = entry.exec(line);
      expect(match, line).not.toBeNull();
      const [, key = "", icon = "", word, tone, live, final] = match ?? [];
      const unescaped = icon.replace(/\\u([0-9A-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      return [key.replace(/"/g, ""), unescaped, word, tone, live === "true", final === "true"];
    });
    expect(parsed).toEqual(CONTRACT);
    // Keys are quoted exactly when they contain a dash.
    for (const line of block.split("\n")) {
      const key = line.trim().split(":")[0] ?? "";
      expect(key.startsWith('"'), line).toBe(key.includes("-"));
    }
  });
});

describe("stateWord", () => {
  it("shows the server's word verbatim for unknown", () => {
    expect(stateWord("unknown", "PAUSED")).toBe("Unknown: PAUSED");
    expect(stateWord("unknown", "weird <b>x</b>")).toBe("Unknown: weird <b>x</b>");
  });
  it("does not repeat 'unknown' or show an empty raw value", () => {
    expect(stateWord("unknown", "UNKNOWN")).toBe("Unknown");
    expect(stateWord("unknown", "")).toBe("Unknown");
  });
  it("uses the table's word for every other state, whatever the raw status", () => {
    expect(stateWord("stale", "RUNNING")).toBe("Contact lost");
    expect(stateWord("unauthorized", "")).toBe("Key refused");
  });
});

describe("cardStateOf", () => {
  it("takes the state trait when it is a card state", () => {
    expect(cardStateOf("stale", "running")).toBe("stale");
    expect(cardStateOf("not-found", "")).toBe("not-found");
  });
  it("lets the server status stand in before `state` has synced, else connecting", () => {
    expect(cardStateOf("", "running")).toBe("running");
    expect(cardStateOf("", "")).toBe("connecting");
    expect(cardStateOf("", "paused")).toBe("connecting");
  });
  it("degrades a state word it does not know to unknown", () => {
    expect(cardStateOf("hibernating", "running")).toBe("unknown");
    expect(stateWord(cardStateOf("hibernating", ""), "")).toBe("Unknown");
  });
});

describe("live and final", () => {
  it("knows which states are final", () => {
    expect(CARD_STATES.filter(isFinal)).toEqual(["succeeded", "failed", "cancelled"]);
  });
  it("knows which states are live", () => {
    expect(CARD_STATES.filter((s) => !isLive(s))).toEqual([
      "not-found",
      "unauthorized",
      "unreachable",
      "stale",
      "stopped",
      "unfollowed",
      "succeeded",
      "failed",
      "cancelled",
    ]);
  });
});
