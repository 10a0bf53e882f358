/**
 * The board's side of the contract (/work/notes/board-contract.md): its five
 * traits, its messages and one Row per job, each field checked on the way in
 * so a painter never sees a wrong type. The JS never writes traits.
 */
import type { AssetsOffer } from "../served-assets";
import type { Emitter } from "../lifetime";
import type { OutgoingMessage } from "../model";

/** One job of the board, exactly the contract's fields (null / "" / 0 when unknown). */
export interface Row {
  job_id: string;
  order: number;
  state: string;
  status: string;
  raw_status: string;
  name: string;
  rows_done: number | null;
  rows_total: number | null;
  eta_seconds: number | null;
  rows_per_second: number | null;
  tokens_per_second: number | null;
  job_cost: number | null;
  cost_estimate: number | null;
  error: string;
  reason: string;
  created_at: number;
  started_at: number;
  finished_at: number;
  last_checked_at: number;
  polling: boolean;
  cancel_error: string;
  /** The full card traits while some view has this row unfolded, else null. */
  card: Record<string, unknown> | null;
}

export interface BoardTraits {
  rows: Row[];
  title: string;
  has_more: boolean;
  loading: boolean;
  error: string;
  sync_mode: string;
}

export type BoardTraitName = keyof BoardTraits;
export type BoardEvent = `change:${BoardTraitName}`;

/** A card message for one row ({...msg, job_id}), or one of the board's own. */
export type BoardMessage =
  | (OutgoingMessage & { job_id: string })
  | { type: "expand" | "collapse"; job_id: string }
  | { type: "cancel_all" }
  | { type: "load_more" }
  | { type: "sync" }
  | AssetsOffer;

/** What anywidget's model offers the board. `get` is `unknown`: every value is checked here. */
export interface BoardModel extends Emitter<BoardEvent> {
  get(name: BoardTraitName): unknown;
  send(content: BoardMessage): void;
}

/** What anywidget 0.11 passes to the board's `render`. */
export interface BoardRenderProps {
  model: BoardModel;
  el: HTMLElement;
  signal?: AbortSignal;
}

type Dict = Record<string, unknown>;

function isDict(value: unknown): value is Dict {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

const str = (value: unknown): string => (typeof value === "string" ? value : "");
const num = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0);
/** A count, rate or amount: finite and >= 0, else null (showing nothing beats showing a lie). */
const amount = (value: unknown): number | null =>
  typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : null;

/** One row from the wire, every field checked; null when it has no job id (nothing to key it by). */
export function rowOf(value: unknown): Row | null {
  if (!isDict(value)) return null;
  const jobId = str(value["job_id"]);
  if (jobId === "") return null;
  return {
    job_id: jobId,
    order: num(value["order"]),
    state: str(value["state"]),
    status: str(value["status"]),
    raw_status: str(value["raw_status"]),
    name: str(value["name"]),
    rows_done: amount(value["rows_done"]),
    rows_total: amount(value["rows_total"]),
    eta_seconds: amount(value["eta_seconds"]),
    rows_per_second: amount(value["rows_per_second"]),
    tokens_per_second: amount(value["tokens_per_second"]),
    job_cost: amount(value["job_cost"]),
    cost_estimate: amount(value["cost_estimate"]),
    error: str(value["error"]),
    reason: str(value["reason"]),
    created_at: num(value["created_at"]),
    started_at: num(value["started_at"]),
    finished_at: num(value["finished_at"]),
    last_checked_at: num(value["last_checked_at"]),
    polling: value["polling"] === true,
    cancel_error: str(value["cancel_error"]),
    card: isDict(value["card"]) ? value["card"] : null,
  };
}

/** The `rows` trait: well-formed rows only, the first of any repeated job id. */
export function readRows(model: BoardModel): Row[] {
  const raw = model.get("rows");
  const seen = new Set<string>();
  const rows: Row[] = [];
  for (const item of Array.isArray(raw) ? raw : []) {
    const row = rowOf(item);
    if (row === null || seen.has(row.job_id)) continue;
    seen.add(row.job_id);
    rows.push(row);
  }
  return rows;
}

export function readBoardString(model: BoardModel, name: "title" | "error" | "sync_mode"): string {
  return str(model.get(name));
}

export function readBoardBool(model: BoardModel, name: "has_more" | "loading"): boolean {
  return model.get(name) === true;
}

/** The row's progress in the `progress` trait's shape, so the card's formatting reads it unchanged. */
export function rowProgress(row: Row): Dict {
  return {
    rows_done: row.rows_done,
    rows_total: row.rows_total,
    eta_seconds: row.eta_seconds,
    rows_per_second: row.rows_per_second,
    tokens_per_second: row.tokens_per_second,
  };
}

/** What the compact line shows, as one comparable string: equal signatures need no repaint. */
export function lineSignature(row: Row): string {
  return JSON.stringify({ ...row, card: null });
}
