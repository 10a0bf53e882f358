import { afterEach, describe, expect, it } from "vitest";
import { HUB_KEY, type Hub } from "./lab-hub";
import { STYLESHEET_ID, isHref, linkStylesheetBeside, offerServedAssets, type AssetsOffer } from "./served-assets";

const SERVED = { base: "http://127.0.0.1:8888/lab/sutro/static/0123456789abcdef/", fingerprint: "0123456789abcdef" };

function hub(assets?: () => Promise<typeof SERVED | null>): void {
  const value: Hub = { version: 1, report: () => undefined, follow: () => null, ...(assets ? { assets } : {}) };
  (globalThis as Record<string, unknown>)[HUB_KEY] = value;
}

function model(esm: string): { get(name: string): unknown; send(content: AssetsOffer): void; sent: AssetsOffer[] } {
  const sent: AssetsOffer[] = [];
  return { sent, get: (name) => (name === "_esm" ? esm : undefined), send: (content) => sent.push(content) };
}

afterEach(() => {
  delete (globalThis as Record<string, unknown>)[HUB_KEY];
  document.getElementById(STYLESHEET_ID)?.remove();
});

describe("one download of the card's code per page", () => {
  it("tells the kernel of an inline card where the page's server serves the build, once", async () => {
    hub(async () => SERVED);
    const inline = model("export default {render(){}}");
    expect(await offerServedAssets(inline)).toBe(true);
    expect(await offerServedAssets(inline)).toBe(false); // a second view of the same model
    expect(inline.sent).toEqual([{ type: "assets", ...SERVED }]);
  });

  it("offers nothing for a card already loaded from the server, without a hub, or when the server does not serve it", async () => {
    hub(async () => SERVED);
    const served = model(`${SERVED.base}widget.js`);
    expect(await offerServedAssets(served)).toBe(false);
    hub(async () => null);
    const refused = model("inline");
    expect(await offerServedAssets(refused)).toBe(false);
    hub(); // an older Lab extension: a hub without `assets`
    const older = model("inline");
    expect(await offerServedAssets(older)).toBe(false);
    delete (globalThis as Record<string, unknown>)[HUB_KEY];
    const vscode = model("inline");
    expect(await offerServedAssets(vscode)).toBe(false);
    expect([served, refused, older, vscode].flatMap((m) => m.sent)).toEqual([]);
  });

  it("a module loaded from the server links its stylesheet from beside itself, once; a Blob module does not", () => {
    linkStylesheetBeside("blob:http://127.0.0.1:8888/5f1c");
    expect(document.getElementById(STYLESHEET_ID)).toBeNull();
    linkStylesheetBeside(`${SERVED.base}widget.js`);
    linkStylesheetBeside(`${SERVED.base}board.js`);
    const links = document.querySelectorAll(`#${STYLESHEET_ID}`);
    expect(links).toHaveLength(1);
    expect((links[0] as HTMLLinkElement).href).toBe(`${SERVED.base}widget.css`);
  });

  it("reads URLs as anywidget does", () => {
    expect(isHref("https://h/x.js")).toBe(true);
    expect(isHref("http://h/x.js")).toBe(true);
    expect(isHref("export default {}")).toBe(false);
    expect(isHref(undefined)).toBe(false);
  });
});
