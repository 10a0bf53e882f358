/**
 * The slice of the anywidget model this card uses, typed here so the bundle
 * has no runtime dependency and the trait contract (docs/architecture.md)
 * lives in one place on the browser side.
 */

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
}

export type TraitName = keyof Traits;

/** The custom messages the card may send back; Python only asks its poller to act. */
export type OutgoingMessage = { type: "refresh" } | { type: "stop" } | { type: "resume" };

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

/** Reads `metadata`; the contract says never null, but a non-object reads as {} rather than crash. */
export function readMetadata(model: WidgetModel): Record<string, unknown> {
  const value = model.get("metadata");
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
