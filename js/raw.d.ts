/** Vite's `?raw` imports (tests only): a file's text, so a test can check how a source file is written. */
declare module "*?raw" {
  const text: string;
  export default text;
}

/** Vite's import.meta.glob (tests only), as far as the tests use it. */
interface ImportMeta {
  glob(pattern: string, options: { query: "?raw"; import: "default"; eager: true }): Record<string, string>;
}

/** Node's fs, as far as tests use it: vitest hands CSS imports (even `?raw`) over empty. */
declare module "node:fs" {
  export function readFileSync(path: string, encoding: "utf8"): string;
}
