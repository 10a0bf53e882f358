import { defineConfig } from "vitest/config";

// The card only needs a DOM, not a browser: jsdom is enough for unit tests.
// Real-browser checks live in tests/e2e (Playwright, driven from Python).
export default defineConfig({
  test: {
    environment: "jsdom",
    // One jsdom per worker instead of one per file: 36 s -> 6 s for the whole run. Every test
    // cleans its DOM and timers in afterEach and keys module state per widget, so files do
    // not lean on each other (each also passes alone: `npx vitest run js/board.test.ts`).
    isolate: false,
    include: ["js/**/*.test.ts"],
  },
});
