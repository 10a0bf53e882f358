/** Vite's `?raw` imports (tests only): a file's text, so a test can check how a source file is written. */
declare module "*?raw" {
  const text: string;
  export default text;
}
