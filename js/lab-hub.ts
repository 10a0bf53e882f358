import type { ChangeEvent, OutgoingMessage, TraitName } from "./model";
import type { ServedAssets } from "./served-assets";

/**
 * The one page global through which a card (the kernel's module) and
 * JupyterLab's Sutro extension (js/lab/) meet, when both are on the page. A
 * card reports its state, so the extension can announce the end of a job shown
 * in an open notebook; a card whose kernel is gone asks the extension to follow
 * its job from the Jupyter server instead. Where the extension is absent (VS
 * Code, Colab, marimo, Voila, nbviewer) there is no hub and cards do as before.
 */

export const HUB_KEY = "__sutroJupyterLab";

/** What a card's view says about its job, on every change. */
export interface CardReport {
  job_id: string;
  state: string;
  status: string;
  raw_status: string;
  name: string;
  /** The deployment's base URL the card's kernel asked (no secret). */
  deployment: string;
}

/** A card's traits, fed by the Jupyter server (a card model by another source). */
export interface HandedModel {
  get(name: TraitName): unknown;
  on(event: ChangeEvent, callback: () => void): void;
  off(event: ChangeEvent, callback: () => void): void;
  send(content: OutgoingMessage): void;
  /** The card no longer needs it. */
  dispose(): void;
}

export interface Hub {
  readonly version: 1;
  report(card: CardReport): void;
  /** The server's model of the job, if the server follows `deployment`; else null. */
  follow(jobId: string, deployment: string): HandedModel | null;
  /** Where the page's server serves the card's build, or null when it does not (served-assets.ts). */
  assets?(): Promise<ServedAssets | null>;
}

/** The hub on this page, or null. */
export function findHub(): Hub | null {
  const hub = (globalThis as Record<string, unknown>)[HUB_KEY] as Hub | undefined;
  return hub !== undefined && hub !== null && hub.version === 1 ? hub : null;
}
