import { findHub } from "./lab-hub";

/**
 * One download of the card's code per page (sutro_widget/card/served_assets.py).
 *
 * A card whose code came inline in its comm message tells its kernel where
 * the page's Jupyter server serves this very build, when JupyterLab's Sutro
 * extension is on the page and can say (the hub's `assets`); the kernel's
 * later cards then name that module instead of carrying it. A module loaded
 * from the server (an http(s) URL, not a Blob) links its stylesheet from
 * beside itself, once per page, since those cards carry no CSS either.
 */

/** Where the page's server serves this build: an absolute base URL ending in "/", and its fingerprint. */
export interface ServedAssets {
  base: string;
  fingerprint: string;
}

/** The message a card sends its kernel with the offer. */
export interface AssetsOffer extends ServedAssets {
  type: "assets";
}

/** The id of the one stylesheet link a served module adds to the page. */
export const STYLESHEET_ID = "sutro-widget-served-css";

/** True for what anywidget imports as a URL rather than as code (its own test). */
export function isHref(value: unknown): value is string {
  return typeof value === "string" && (value.startsWith("http://") || value.startsWith("https://"));
}

/** Link `widget.css` from beside `moduleUrl` once, when the module itself came from a URL. */
export function linkStylesheetBeside(moduleUrl: string, doc: Document = document): void {
  if (!isHref(moduleUrl) || doc.getElementById(STYLESHEET_ID) !== null) return;
  const link = doc.createElement("link");
  link.id = STYLESHEET_ID;
  link.rel = "stylesheet";
  link.href = new URL("widget.css", moduleUrl).href;
  doc.head.append(link);
}

/** A kernel's model as far as the offer needs it: its raw `_esm` trait, and sending. */
interface OfferingModel {
  get(name: string): unknown;
  send(content: AssetsOffer): void;
}

const offered = new WeakSet<object>();

/** Offer the server's copy to the kernel behind `model`, once per model, if its code came inline. */
export async function offerServedAssets(model: OfferingModel): Promise<boolean> {
  const assets = findHub()?.assets;
  if (assets === undefined || offered.has(model) || isHref(model.get("_esm"))) return false;
  offered.add(model);
  const served = await assets();
  if (served === null) return false;
  model.send({ type: "assets", base: served.base, fingerprint: served.fingerprint });
  return true;
}
