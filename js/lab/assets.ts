import type { ServedAssets } from "../served-assets";

/**
 * Where this page's Jupyter server serves the card's build, for the hub's
 * `assets` (served-assets.ts): the server's `sutro/assets` answer made into an
 * absolute base URL under the page's own base URL (a hub prefix, a proxy and a
 * tunnel all included, which only the page knows). Null when the server does
 * not say, or says something that is not exactly that.
 */

const FINGERPRINT = /^[0-9a-f]{16}$/;

/** What `GET sutro/assets` answers. */
export interface AssetsAnswer {
  fingerprint: unknown;
  path: unknown;
}

export async function servedAssets(ask: () => Promise<AssetsAnswer>, baseUrl: string): Promise<ServedAssets | null> {
  let said: AssetsAnswer;
  try {
    said = await ask();
  } catch {
    return null; // an older server extension, or none: cards stay inline
  }
  const { fingerprint, path } = said;
  if (typeof fingerprint !== "string" || !FINGERPRINT.test(fingerprint)) return null;
  if (path !== `sutro/static/${fingerprint}/`) return null;
  const base = new URL(path, baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`).href;
  return base.startsWith("http://") || base.startsWith("https://") ? { base, fingerprint } : null;
}
