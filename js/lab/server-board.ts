import { RowModel } from "../board/facade";
import { rowOf, type BoardEvent, type BoardMessage, type BoardModel, type BoardTraitName, type Row } from "../board/model";
import type { HandedModel } from "../lab-hub";
import { cardStateOf, lookFor } from "../states";

/**
 * The board's model, fed by the Jupyter server extension instead of a kernel:
 * the same traits the kernel's JobBoard syncs (rows, has_more, loading,
 * error), so js/board/ draws the panel unchanged. It asks the server for what
 * changed since the version it has, and the server holds the request until
 * something does (a long poll); buttons become the server's routes. It also
 * keeps the server's view of single jobs for cards whose kernel is gone.
 */

/** What the server answers (sutro_widget/server/jobs.py `snapshot`). */
export interface Snapshot {
  version: number;
  full: boolean;
  rows: unknown[];
  has_more: boolean;
  loading: boolean;
  error: string;
  deployment: string;
}

/** The server's routes, as the panel uses them (server-api.ts makes them real). */
export interface ServerApi {
  board(after: number, waitSeconds: number): Promise<Snapshot>;
  post(path: string, body?: Record<string, unknown>): Promise<void>;
}

/** How long the server may hold a request for changes, and the least gap between two. */
export const WAIT_SECONDS = 20;
export const MIN_GAP_MS = 500;
const RETRY_MAX_MS = 30_000;

/** The sync mode of every row here: the server follows it; no button may ask a kernel. */
const FOLLOWED_BY_LAB = "jupyterlab";

/** A row whose full card (when sent) says it is followed by JupyterLab, hiding Refresh/Stop/Retry. */
function followedHere(raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null) return raw;
  const card = (raw as { card?: unknown }).card;
  if (typeof card !== "object" || card === null) return raw;
  return { ...raw, card: { ...card, sync_mode: FOLLOWED_BY_LAB } };
}

export class ServerBoard implements BoardModel {
  private rows = new Map<string, Record<string, unknown>>();
  private version = 0;
  private hasMore = false;
  private loading = false;
  /** The server's last word on `loading`, and "Load more" requests not yet answered. */
  private serverLoading = false;
  private moreAsked = 0;
  private error = "";
  private filter = "";
  private stopped = false;
  private readonly listeners = new Map<BoardEvent, Set<() => void>>();
  private readonly handed = new Map<string, Set<RowModel>>();
  private readonly rowsHeard = new Set<(rows: Row[]) => void>();
  /** The deployment the server follows ("" until it said). */
  deployment = "";

  constructor(
    private readonly api: ServerApi,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Ask, apply, ask again, until `stop()`; failures are said in `error` and retried calmly. */
  async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        const snapshot = await this.api.board(this.version, this.version === 0 ? 0 : WAIT_SECONDS);
        this.apply(snapshot);
        failures = 0;
        await this.sleep(MIN_GAP_MS);
      } catch (error) {
        failures += 1;
        this.error = `Could not reach the Jupyter server's Sutro extension: ${String(error)}`;
        this.emit(["error"]);
        await this.sleep(Math.min(RETRY_MAX_MS, 1000 * 2 ** Math.min(failures, 5)));
      }
    }
  }

  stop(): void {
    this.stopped = true;
  }

  /** Keep only rows whose name, id or state word contains `text` (any case). */
  setFilter(text: string): void {
    this.filter = text.trim().toLowerCase();
    this.emit(["rows"]);
  }

  /** Every row (unfiltered), checked, for the status bar and the notices. */
  allRows(): Row[] {
    return [...this.rows.values()].map(rowOf).filter((row): row is Row => row !== null);
  }

  /** Hear every new set of rows. */
  onRows(listener: (rows: Row[]) => void): () => void {
    this.rowsHeard.add(listener);
    return () => this.rowsHeard.delete(listener);
  }

  // -- BoardModel -----------------------------------------------------------------------

  get(name: BoardTraitName): unknown {
    if (name === "rows") return this.filtered();
    if (name === "has_more") return this.hasMore;
    if (name === "loading") return this.loading;
    if (name === "error") return this.error;
    if (name === "title") return "Sutro jobs";
    return FOLLOWED_BY_LAB;
  }

  on(event: BoardEvent, callback: () => void): void {
    this.listeners.set(event, (this.listeners.get(event) ?? new Set()).add(callback));
  }

  off(event: BoardEvent, callback: () => void): void {
    this.listeners.get(event)?.delete(callback);
  }

  send(content: BoardMessage): void {
    void this.act(content);
  }

  // -- single jobs, for cards whose kernel is gone --------------------------------------

  /** The server's live model of `jobId`, unfolded; null when the server follows another deployment. */
  follow(jobId: string, deployment: string): HandedModel | null {
    if (this.deployment === "" || deployment !== this.deployment) return null;
    void this.api.post(`jobs/${encodeURIComponent(jobId)}/follow`);
    void this.api.post(`jobs/${encodeURIComponent(jobId)}/expand`, { expanded: true });
    const start = rowOf(this.rows.get(jobId) ?? { job_id: jobId, state: "connecting" }) as Row;
    const model = new RowModel(start, (content) => this.send(content));
    const models = this.handed.get(jobId) ?? new Set<RowModel>();
    models.add(model);
    this.handed.set(jobId, models);
    return {
      get: (name) => model.get(name),
      on: (event, callback) => model.on(event, callback),
      off: (event, callback) => model.off(event, callback),
      send: (content) => model.send(content),
      dispose: () => models.delete(model),
    };
  }

  // -- internals ------------------------------------------------------------------------

  private apply(snapshot: Snapshot): void {
    if (snapshot.full) this.rows.clear();
    for (const raw of snapshot.rows) {
      const stored = followedHere(raw);
      const row = rowOf(stored);
      if (row === null) continue;
      this.rows.set(row.job_id, stored as Record<string, unknown>);
      for (const model of this.handed.get(row.job_id) ?? []) model.update(row);
    }
    this.version = snapshot.version;
    this.hasMore = snapshot.has_more;
    this.serverLoading = snapshot.loading;
    this.loading = this.serverLoading || this.moreAsked > 0;
    this.error = snapshot.error;
    this.deployment = snapshot.deployment;
    this.emit(["rows", "has_more", "loading", "error"]);
    const all = this.allRows();
    for (const listener of this.rowsHeard) listener(all);
  }

  private filtered(): unknown[] {
    const rows = [...this.rows.values()];
    if (this.filter === "") return rows;
    return rows.filter((raw) => {
      const row = rowOf(raw);
      if (row === null) return false;
      const word = lookFor(cardStateOf(row.state, row.status)).word;
      return [row.name, row.job_id, word, row.raw_status].some((text) => text.toLowerCase().includes(this.filter));
    });
  }

  private async act(content: BoardMessage): Promise<void> {
    if (content.type === "load_more") return this.loadMore();
    if (content.type === "cancel_all") {
      const running = this.allRows().filter((row) => cardStateOf(row.state, row.status) === "running");
      await Promise.all(running.map((row) => this.api.post(`jobs/${encodeURIComponent(row.job_id)}/cancel`)));
      return;
    }
    if (!("job_id" in content)) return;
    const path = `jobs/${encodeURIComponent(content.job_id)}`;
    if (content.type === "expand" || content.type === "collapse") {
      await this.api.post(`${path}/expand`, { expanded: content.type === "expand" });
    } else if (content.type === "cancel") {
      await this.api.post(`${path}/cancel`);
    }
    // refresh, stop, resume, retry: the server follows every row itself.
  }

  /**
   * Ask for the next page, saying "loading" from the click until the server has it.
   * A fast page can load between two of the page's asks, so the server's own
   * `loading` may never be seen true: without this the button would wait forever
   * for a change that has already come and gone.
   */
  private async loadMore(): Promise<void> {
    this.moreAsked += 1;
    this.setLoading();
    try {
      await this.api.post("board/more");
    } catch (error) {
      this.error = `Could not ask for more jobs: ${String(error)}`;
      this.emit(["error"]);
    } finally {
      this.moreAsked -= 1;
      this.setLoading();
    }
  }

  private setLoading(): void {
    const loading = this.serverLoading || this.moreAsked > 0;
    if (loading === this.loading) return;
    this.loading = loading;
    this.emit(["loading"]);
  }

  private emit(traits: readonly BoardTraitName[]): void {
    for (const trait of traits) {
      for (const callback of [...(this.listeners.get(`change:${trait}`) ?? [])]) callback();
    }
  }
}
