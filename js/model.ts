/**
 * The slice of the anywidget model this card uses, typed here so the bundle
 * has no runtime dependency and the trait contract (docs/architecture.md)
 * lives in one place on the browser side.
 */

/**
 * What the server knows about the job itself (`details` trait). Every key may
 * be missing or null: `{}` until Python has fetched it.
 */
export interface JobDetails {
  name?: string | null;
  description?: string | null;
  model?: string | null;
  num_rows?: number | null;
  input_tokens?: number | null;
  output_tokens?: number | null;
  /** USD, before or during the run. */
  cost_estimate?: number | null;
  /** USD, only once the job has finished. */
  job_cost?: number | null;
  datetime_created?: string | null;
  datetime_started?: string | null;
  datetime_completed?: string | null;
}

/** Live progress (`progress` trait); `{}` until known. */
export interface JobProgress {
  rows_done?: number | null;
  rows_total?: number | null;
  input_tokens?: number | null;
  output_tokens?: number | null;
  tokens_per_second?: number | null;
  eta_seconds?: number | null;
  /** True while a live progress stream is connected (else: numbers from the last poll). */
  streaming?: boolean | null;
}

/** One status transition this card observed; `at` is epoch ms. */
export interface HistoryEntry {
  status: string;
  at: number;
}

/** Every trait Python syncs to the browser, with its contract type. */
export interface Traits {
  job_id: string;
  status: string;
  raw_status: string;
  message: string;
  metadata: Record<string, unknown>;
  error: string;
  polling: boolean;
  started_at: number;
  finished_at: number;
  last_checked_at: number;
  /** True while fetching fails and the last good answer is too old to present as current. */
  stale: boolean;
  details: JobDetails;
  progress: JobProgress;
  /** Transitions oldest first, status canonical lowercase. */
  history: HistoryEntry[];
  /** "" or one sentence about why the last cancel request failed. */
  cancel_error: string;
  /** "" or Python code that fetches the results with the official SDK. */
  results_snippet: string;
}

export type TraitName = keyof Traits;

/** The custom messages the card may send back; Python only asks its poller (or the API) to act. */
export type OutgoingMessage =
  | { type: "refresh" }
  | { type: "stop" }
  | { type: "resume" }
  | { type: "cancel" };

export type ChangeEvent = `change:${TraitName}`;

/**
 * Minimal model interface: what anywidget's model offers that we use.
 * `get` returns `unknown` on purpose: a host may hand us a trait before the
 * first sync, so every value is checked by the readers below.
 */
export interface WidgetModel {
  get(name: TraitName): unknown;
  on(event: ChangeEvent, callback: () => void): void;
  off(event: ChangeEvent, callback: () => void): void;
  send(content: OutgoingMessage): void;
}

/** What anywidget 0.11 passes to `render`; `signal` is absent in older hosts. */
export interface RenderProps {
  model: WidgetModel;
  el: HTMLElement;
  signal?: AbortSignal;
}

/** Reads a string trait; anything else (undefined before sync) reads as "". */
export function readString(model: WidgetModel, name: TraitName): string {
  const value = model.get(name);
  return typeof value === "string" ? value : "";
}

/** Reads an epoch-ms trait; non-numbers and NaN read as 0, the contract's "not yet". */
export function readNumber(model: WidgetModel, name: TraitName): number {
  const value = model.get(name);
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

/** Reads a bool trait strictly, so a missing value never looks like "polling". */
export function readBool(model: WidgetModel, name: TraitName): boolean {
  return model.get(name) === true;
}

/** True for a plain JSON object (not null, not an array). */
function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Reads a dict trait; null, arrays and anything else read as {} so painters never crash. */
export function readObject(model: WidgetModel, name: TraitName): Record<string, unknown> {
  const value = model.get(name);
  return isRecord(value) ? value : {};
}

/** Reads a list trait; anything that is not an array reads as []. */
export function readArray(model: WidgetModel, name: TraitName): unknown[] {
  const value = model.get(name);
  return Array.isArray(value) ? value : [];
}

/** Reads `metadata`; the contract says never null, but a non-object reads as {} rather than crash. */
export function readMetadata(model: WidgetModel): Record<string, unknown> {
  return readObject(model, "metadata");
}

/**
 * Reads `history`, keeping only well-formed entries (a non-empty status string
 * and a positive finite `at`), so one bad element costs one entry, not the strip.
 */
export function readHistory(model: WidgetModel): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  for (const item of readArray(model, "history")) {
    if (!isRecord(item)) continue;
    const { status, at } = item;
    if (typeof status !== "string" || status === "") continue;
    if (typeof at !== "number" || !Number.isFinite(at) || at <= 0) continue;
    entries.push({ status, at });
  }
  return entries;
}

/** A string field of a dict trait; absent, null, "" and non-strings read as null. */
export function textField(record: Record<string, unknown>, key: string): string | null {
  const value = record[key];
  return typeof value === "string" && value !== "" ? value : null;
}

/**
 * A count or amount field: a finite number >= 0, else null. Negative counts and
 * numbers sent as strings are bad data, and showing nothing beats showing a lie.
 */
export function amountField(record: Record<string, unknown>, key: string): number | null {
  const value = record[key];
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : null;
}
