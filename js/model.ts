/**
 * The slice of the anywidget model this card uses, typed here so the bundle
 * has no runtime dependency and the trait contract (docs/architecture.md)
 * lives in one place on the browser side.
 */

import type { AssetsOffer } from "./served-assets";

/**
 * What the server knows about the job itself (`details` trait, the job
 * summary). Every key may be missing or null: `{}` until Python has fetched it.
 * A type alias (not an interface) so it is assignable to Record<string, unknown>.
 */
export type JobDetails = {
  name?: string | null;
  description?: string | null;
  model?: string | null;
  num_rows?: number | null;
  input_tokens?: number | null;
  output_tokens?: number | null;
  /** USD for the whole job, before or during the run. */
  cost_estimate?: number | null;
  /** USD actually charged, once the job has finished. */
  job_cost?: number | null;
  datetime_created?: string | null;
  datetime_started?: string | null;
  datetime_completed?: string | null;
  /** A string or {message, code}; the failure part also looks in `metadata`. */
  failure_reason?: unknown;
};

/** Live progress (`progress` trait); `{}` until known. */
export type JobProgress = {
  rows_done?: number | null;
  rows_total?: number | null;
  input_tokens?: number | null;
  output_tokens?: number | null;
  tokens_per_second?: number | null;
  rows_per_second?: number | null;
  eta_seconds?: number | null;
  /** True while a live progress stream is connected (else: numbers from the last poll). */
  streaming?: boolean | null;
};

/** One status transition this card observed; `at` is epoch ms. */
export interface HistoryEntry {
  status: string;
  at: number;
}

/**
 * Every trait Python syncs to the browser, with its contract type
 * (/work/notes/contract.md). One `name: type;` per line: a Python test parses
 * this block, so keep comments after the semicolon.
 */
export interface Traits {
  job_id: string;
  state: string; // the card state (states.ts CARD_STATES); "connecting" until the first answer
  status: string; // the server's last canonical status; "" until the server answered
  raw_status: string; // exactly what the server sent; "" until then
  message: string;
  metadata: Record<string, unknown>;
  error: string; // "" or one sentence: the current problem
  polling: boolean;
  started_at: number; // epoch ms the card was created
  finished_at: number; // epoch ms the card first saw a final status; 0 until then
  last_checked_at: number; // epoch ms of the last good answer
  stopped_at: number; // epoch ms where a stopped card's clock stands; 0 while not stopped
  stale: boolean; // kept for compatibility: state == "stale"
  details: JobDetails;
  progress: JobProgress;
  history: HistoryEntry[]; // transitions oldest first, at most 50
  cancel_error: string; // "" or why the last cancel request failed
  results_snippet: string; // "" or Python code that fetches the results
  compact: boolean; // the initial fold state of every view
  sync_mode: string; // "thread" (Python sends), "frontend" (this view asks), "jupyterlab" (the Lab server follows)
  notify: boolean; // badge the tab (and notify, if already allowed) when a long job ends
  deployment: string; // the base URL the card's kernel asks (no secret): where a handover may follow it
}

export type TraitName = keyof Traits;

/**
 * Python's defaults, one value per trait. The one list of trait names on the
 * browser side: `Traits` makes tsc reject a missing or extra key, and
 * TRAIT_NAMES, the fake model and the readers are derived from it.
 */
export const TRAIT_DEFAULTS: Traits = {
  job_id: "",
  state: "connecting",
  status: "",
  raw_status: "",
  message: "",
  metadata: {},
  error: "",
  polling: false,
  started_at: 0,
  finished_at: 0,
  last_checked_at: 0,
  stopped_at: 0,
  stale: false,
  details: {},
  progress: {},
  history: [],
  cancel_error: "",
  results_snippet: "",
  compact: false,
  sync_mode: "thread",
  notify: false,
  deployment: "",
};

/** Every trait name, in contract order. */
export const TRAIT_NAMES = Object.keys(TRAIT_DEFAULTS) as TraitName[];

/** The custom messages the card may send back; Python only asks its poller (or the API) to act. */
export type OutgoingMessage =
  | { type: "refresh" }
  | { type: "stop" }
  | { type: "resume" }
  | { type: "cancel" }
  | { type: "retry" }
  | { type: "sync" }
  | AssetsOffer;

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
  return historyOf(model.get("history"));
}

/** The well-formed entries of a raw `history` value (anything not a list has none). */
export function historyOf(value: unknown): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  for (const item of Array.isArray(value) ? value : []) {
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

/**
 * One trait, checked against its contract type: the type is taken from
 * TRAIT_DEFAULTS, and a value of the wrong type reads as that type's empty
 * value ("", 0, false, {}, []), never as Python's default, so a trait that
 * has not synced never looks like "polling" or a real state.
 */
export function readTrait<K extends TraitName>(model: WidgetModel, name: K): Traits[K] {
  const kind = TRAIT_DEFAULTS[name];
  let value: unknown;
  if (typeof kind === "string") value = readString(model, name);
  else if (typeof kind === "number") value = readNumber(model, name);
  else if (typeof kind === "boolean") value = readBool(model, name);
  else if (Array.isArray(kind)) value = historyOf(model.get(name));
  else value = readObject(model, name);
  return value as Traits[K];
}

/** The named traits, each checked: what a part's painter is handed. */
export function readTraits<R extends TraitName>(model: WidgetModel, names: readonly R[]): Pick<Traits, R> {
  const picked: Partial<Pick<Traits, R>> = {};
  for (const name of names) picked[name] = readTrait(model, name);
  return picked as Pick<Traits, R>;
}
