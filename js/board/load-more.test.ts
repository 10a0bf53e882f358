import { describe, expect, it } from "vitest";
import { Lifetime } from "../lifetime";
import { buildLoadMore } from "./load-more";

describe("Load more", () => {
  it("shows only while there is another page, and sends one load_more per page", () => {
    let sent = 0;
    const lifetime = new Lifetime();
    const piece = buildLoadMore(lifetime, () => (sent += 1));
    piece.paint(false, false);
    expect(piece.button.hidden).toBe(true);
    piece.paint(true, false);
    expect(piece.button.hidden).toBe(false);
    expect(piece.button.textContent).toBe("Load more");
    piece.button.click();
    piece.button.click();
    expect(sent).toBe(1);
    expect(piece.button.disabled).toBe(true);
    piece.paint(true, true);
    expect(piece.button.textContent).toBe("Loading\u2026");
    piece.paint(true, false);
    expect(piece.button.disabled).toBe(false);
    piece.button.click();
    expect(sent).toBe(2);
    lifetime.dispose();
    piece.paint(true, false);
    piece.button.click();
    expect(sent).toBe(2);
  });
});
