import { h, setHidden, setText } from "../dom";
import type { Lifetime } from "../lifetime";

/**
 * The "Load more" row: shown while list-jobs has another page (`has_more`),
 * it sends {type: "load_more"}; while a page is loading (`loading`) it says so
 * and cannot be pressed again, so one click asks for one page.
 */
export interface LoadMore {
  button: HTMLButtonElement;
  paint: (hasMore: boolean, loading: boolean) => void;
}

export function buildLoadMore(lifetime: Lifetime, send: () => void): LoadMore {
  const button = h("button", {
    className: "sutro-job-board__button sutro-job-board__load-more",
    testid: "board-load-more",
    attrs: { type: "button" },
  });
  button.hidden = true;
  /** True from a click until `loading` (or `has_more`) next changes: Python's receipt. */
  let asked = false;
  let state = { hasMore: false, loading: false };
  const draw = (): void => {
    setHidden(button, !state.hasMore);
    const busy = asked || state.loading;
    button.disabled = busy;
    setText(button, busy ? "Loading\u2026" : "Load more");
  };
  lifetime.listen(button, "click", () => {
    if (asked || state.loading || !state.hasMore) return;
    asked = true;
    draw();
    send();
  });
  const paint = (hasMore: boolean, loading: boolean): void => {
    if (hasMore !== state.hasMore || loading !== state.loading) asked = false;
    state = { hasMore, loading };
    draw();
  };
  return { button, paint };
}
