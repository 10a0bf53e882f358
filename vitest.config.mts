import { defineConfig } from "vitest/config";

// The card only needs a DOM, not a browser: jsdom is enough for unit tests.
// Real-browser checks live in tests/e2e (Playwright, driven from Python).
export default defineConfig({
  test: {
    environment: "jsdom",
    include: ["js/**/*.test.ts"],
  },
});
