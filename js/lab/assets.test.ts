import { describe, expect, it } from "vitest";
import { servedAssets } from "./assets";

const FP = "0123456789abcdef";

describe("where the page's server serves the card's build", () => {
  it("is the server's path under the page's own base URL (a hub prefix kept)", async () => {
    const said = await servedAssets(async () => ({ fingerprint: FP, path: `sutro/static/${FP}/` }), "https://hub.example/user/ana/");
    expect(said).toEqual({ base: `https://hub.example/user/ana/sutro/static/${FP}/`, fingerprint: FP });
    const noSlash = await servedAssets(async () => ({ fingerprint: FP, path: `sutro/static/${FP}/` }), "http://127.0.0.1:8888");
    expect(noSlash?.base).toBe(`http://127.0.0.1:8888/sutro/static/${FP}/`);
  });

  it("is null when the server fails, is older, or says anything else", async () => {
    const cases: Array<() => Promise<{ fingerprint: unknown; path: unknown }>> = [
      async () => {
        throw new Error("HTTP 404");
      },
      async () => ({ fingerprint: "not-hex", path: "sutro/static/not-hex/" }),
      async () => ({ fingerprint: FP, path: "https://elsewhere.example/x/" }),
      async () => ({ fingerprint: FP, path: `sutro/static/${FP}` }),
      async () => ({ fingerprint: 7, path: null }),
    ];
    for (const ask of cases) expect(await servedAssets(ask, "http://127.0.0.1:8888/")).toBeNull();
  });
});
