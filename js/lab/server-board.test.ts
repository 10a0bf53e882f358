import { describe, expect, it } from "vitest";
import { ServerBoard, type ServerApi, type Snapshot } from "./server-board";

function snapshot(version: number, rows: unknown[], extra: Partial<Snapshot> = {}): Snapshot {
  return { version, full: version === 1, rows, has_more: false, loading: false, error: "", deployment: "https://d/v1", ...extra };
}

const row = (jobId: string, state: string, name = ""): Record<string, unknown> => ({
  job_id: jobId, order: 0, state, status: state, raw_status: state.toUpperCase(), name,
});

/** A server that answers the given snapshots in turn, then stops the board. */
function fakeApi(answers: Snapshot[]): ServerApi & { posts: Array<[string, unknown]>; asked: number[] } {
  const posts: Array<[string, unknown]> = [];
  const asked: number[] = [];
  return {
    posts,
    asked,
    board: async (after) => {
      asked.push(after);
      const next = answers.shift();
      if (next === undefined) throw new Error("no more");
      return next;
    },
    post: async (path, body) => {
      posts.push([path, body]);
    },
  };
}

async function runUntilDone(board: ServerBoard): Promise<void> {
  let rounds = 0;
  const sleep = async (): Promise<void> => {
    rounds += 1;
    if (rounds > 20) board.stop();
  };
  (board as unknown as { sleep: typeof sleep }).sleep = sleep;
  await board.run();
}

describe("the panel's board, fed by the server", () => {
  it("merges what changed since its version into the rows it has", async () => {
    const api = fakeApi([snapshot(1, [row("a", "running"), row("b", "queued")]), snapshot(5, [row("b", "running")])]);
    const board = new ServerBoard(api);
    await runUntilDone(board);
    expect(api.asked.slice(0, 3)).toEqual([0, 1, 5]);
    expect(board.allRows().map((r) => [r.job_id, r.state])).toEqual([["a", "running"], ["b", "running"]]);
    expect(board.deployment).toBe("https://d/v1");
  });

  it("marks every unfolded row's card as followed by JupyterLab, so it offers no kernel's buttons", async () => {
    const unfolded = { ...row("a", "running"), card: { sync_mode: "thread", name: "Tickets" } };
    const board = new ServerBoard(fakeApi([snapshot(1, [unfolded, row("b", "queued")])]));
    await runUntilDone(board);
    const [a, b] = board.get("rows") as Array<{ card?: Record<string, unknown> }>;
    expect(a?.card).toEqual({ sync_mode: "jupyterlab", name: "Tickets" });
    expect(b?.card).toBeUndefined();
    expect(board.get("sync_mode")).toBe("jupyterlab");
  });

  it("says a failing server in its error, and retries", async () => {
    const api = fakeApi([]);
    const board = new ServerBoard(api);
    await runUntilDone(board);
    expect(board.get("error")).toMatch(/Could not reach the Jupyter server's Sutro extension/);
    expect(api.asked.length).toBeGreaterThan(1);
  });

  it("filters by name, id or state word", async () => {
    const api = fakeApi([snapshot(1, [row("job-1", "running", "Tickets"), row("job-2", "failed", "Invoices")])]);
    const board = new ServerBoard(api);
    await runUntilDone(board);
    board.setFilter("invo");
    expect((board.get("rows") as Array<{ job_id: string }>).map((r) => r.job_id)).toEqual(["job-2"]);
    board.setFilter("RUNNING");
    expect((board.get("rows") as Array<{ job_id: string }>).map((r) => r.job_id)).toEqual(["job-1"]);
    board.setFilter("job-");
    expect(board.get("rows")).toHaveLength(2);
  });

  it("turns the board's buttons into the server's routes", async () => {
    const api = fakeApi([snapshot(1, [row("a b", "running"), row("c", "queued")])]);
    const board = new ServerBoard(api);
    await runUntilDone(board);
    board.send({ type: "expand", job_id: "a b" });
    board.send({ type: "cancel", job_id: "c" });
    board.send({ type: "load_more" });
    board.send({ type: "cancel_all" });
    await new Promise((r) => setTimeout(r, 0));
    expect(api.posts).toEqual([
      ["jobs/a%20b/expand", { expanded: true }],
      ["jobs/c/cancel", undefined],
      ["board/more", undefined],
      ["jobs/a%20b/cancel", undefined], // cancel all: the running ones only
    ]);
  });

  it("hands a card the server's live model of its job, only for the server's deployment", async () => {
    const api = fakeApi([snapshot(1, [row("j", "running")]), snapshot(2, [{ ...row("j", "succeeded"), card: { history: [] } }])]);
    const board = new ServerBoard(api);
    expect(board.follow("j", "https://d/v1")).toBeNull(); // the server has not said its deployment yet
    const first = fakeApi([snapshot(1, [row("j", "running")])]);
    const known = new ServerBoard(first);
    await runUntilDone(known);
    expect(known.follow("j", "https://elsewhere/v1")).toBeNull();
    const handed = known.follow("j", "https://d/v1");
    expect(handed?.get("state")).toBe("running");
    expect(first.posts.map(([path]) => path)).toEqual(["jobs/j/follow", "jobs/j/expand"]);
  });

  it("says loading from a Load more click until the server has it, even when the page loads between two asks", async () => {
    let answer: () => void = () => undefined;
    const api = fakeApi([snapshot(1, [row("a", "succeeded")], { has_more: true })]);
    api.post = (path, body) => {
      api.posts.push([path, body]);
      return new Promise<void>((resolve) => (answer = resolve));
    };
    const board = new ServerBoard(api);
    await runUntilDone(board);
    const heard: boolean[] = [];
    board.on("change:loading", () => heard.push(board.get("loading") as boolean));
    board.send({ type: "load_more" });
    expect(board.get("loading")).toBe(true);
    answer();
    await new Promise((resolve) => setTimeout(resolve, 0));
    // The server answered (its page already in, loading false again): the button is free.
    expect(api.posts).toEqual([["board/more", undefined]]);
    expect(heard).toEqual([true, false]);
    expect(board.get("loading")).toBe(false);
  });

  it("says so when asking for more fails, and is not left loading", async () => {
    const api = fakeApi([snapshot(1, [row("a", "succeeded")], { has_more: true })]);
    api.post = () => Promise.reject(new Error("HTTP 403"));
    const board = new ServerBoard(api);
    await runUntilDone(board);
    board.send({ type: "load_more" });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(board.get("loading")).toBe(false);
    expect(board.get("error")).toContain("HTTP 403");
  });
});
