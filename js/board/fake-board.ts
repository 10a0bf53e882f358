/**
 * Test-only stand-in for the board's anywidget model (like ../fake-model.ts
 * for the card): get/on/off/send plus `set` to play Python's part, and
 * helpers to make rows and mount a view. Not imported by board.ts.
 */
import board from "../board";
import type { BoardEvent, BoardMessage, BoardModel, BoardTraitName, BoardTraits, Row } from "./model";

export const EMPTY_ROW: Row = {
  job_id: "",
  order: 0,
  state: "connecting",
  status: "",
  raw_status: "",
  name: "",
  rows_done: null,
  rows_total: null,
  eta_seconds: null,
  rows_per_second: null,
  tokens_per_second: null,
  job_cost: null,
  cost_estimate: null,
  error: "",
  reason: "",
  created_at: 0,
  started_at: 0,
  finished_at: 0,
  last_checked_at: 0,
  polling: true,
  cancel_error: "",
  card: null,
};

/** A row with its own id and order (every other field as in EMPTY_ROW unless given). */
export function makeRow(index: number, fields: Partial<Row> = {}): Row {
  return { ...EMPTY_ROW, job_id: `job-${index}`, order: index, ...fields };
}

/** `n` running rows job-0 … job-(n-1). */
export function makeRows(n: number, fields: Partial<Row> = {}): Row[] {
  return Array.from({ length: n }, (_, i) => makeRow(i, { state: "running", status: "running", ...fields }));
}

export const BOARD_DEFAULTS: BoardTraits = { rows: [], title: "", has_more: false, loading: false, error: "", sync_mode: "thread" };

export class FakeBoard implements BoardModel {
  private readonly values: Record<string, unknown>;
  private readonly listeners = new Map<string, Array<() => void>>();
  readonly sent: BoardMessage[] = [];

  constructor(initial: Partial<BoardTraits> = {}) {
    this.values = { ...BOARD_DEFAULTS, ...initial };
  }

  get(name: BoardTraitName): unknown {
    return this.values[name];
  }

  set<K extends BoardTraitName>(name: K, value: BoardTraits[K]): void {
    this.setRaw(name, value);
  }

  setRaw(name: BoardTraitName, value: unknown): void {
    this.values[name] = value;
    for (const callback of [...(this.listeners.get(`change:${name}`) ?? [])]) callback();
  }

  /** Replaces one row (by job id) in `rows` and sends the new list, as Python's coalesced update would. */
  setRow(jobId: string, fields: Partial<Row>): void {
    const rows = (this.values["rows"] as Row[]).map((row) => (row.job_id === jobId ? { ...row, ...fields } : row));
    this.set("rows", rows);
  }

  on(event: BoardEvent, callback: () => void): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), callback]);
  }

  off(event: BoardEvent, callback: () => void): void {
    this.listeners.set(
      event,
      (this.listeners.get(event) ?? []).filter((registered) => registered !== callback),
    );
  }

  send(content: BoardMessage): void {
    this.sent.push(content);
  }

  listenerCount(): number {
    let total = 0;
    for (const list of this.listeners.values()) total += list.length;
    return total;
  }
}

export interface MountedBoard {
  el: HTMLElement;
  board: HTMLElement;
  cleanup: () => void;
  /** The first element with this data-testid in the board; throws when missing. */
  part: (testid: string) => HTMLElement;
  /** The drawn rows, in DOM order. */
  rows: () => HTMLElement[];
  /** The row of a job; throws when it is not drawn. */
  row: (jobId: string) => HTMLElement;
}

export function mountBoard(model: FakeBoard, signal?: AbortSignal): MountedBoard {
  const el = document.createElement("div");
  document.body.append(el);
  const cleanup = board.render(signal ? { model, el, signal } : { model, el });
  const root = el.querySelector<HTMLElement>(".sutro-job-board");
  if (!root) throw new Error("render did not add a .sutro-job-board");
  const part = (testid: string): HTMLElement => {
    const node = root.dataset.testid === testid ? root : root.querySelector<HTMLElement>(`[data-testid="${testid}"]`);
    if (!node) throw new Error(`no [data-testid="${testid}"] in the board`);
    return node;
  };
  const rows = (): HTMLElement[] => [...root.querySelectorAll<HTMLElement>('[data-testid="board-row"]')];
  const row = (jobId: string): HTMLElement => {
    const found = rows().find((node) => node.dataset.jobId === jobId);
    if (!found) throw new Error(`no row for ${jobId}`);
    return found;
  };
  return { el, board: root, cleanup, part, rows, row };
}

/** The element with this testid inside `scope` (a row, a card); throws when missing. */
export function within(scope: HTMLElement, testid: string): HTMLElement {
  const node = scope.querySelector<HTMLElement>(`[data-testid="${testid}"]`);
  if (!node) throw new Error(`no [data-testid="${testid}"] here`);
  return node;
}
