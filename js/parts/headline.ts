import { h, setHidden, setText } from "../dom";
import { formatAgo } from "../format";
import { definePart, type Part, type PartContext } from "../part";
import { cardStateOf, lookFor, stateWord } from "../states";

/**
 * The headline: the card state's own icon and word (never colour alone), a
 * secondary line when the state is not the server's last status ("last seen
 * running 2 min ago"), and the root's data-state / data-status / data-tone /
 * data-live / data-final / data-stale attributes plus the `--dimmed` class
 * that dims every live number while the state is not live.
 *
 * Reads: state, status, raw_status, stale, last_checked_at (and the clock).
 */

/**
 * "last seen running 2 min ago" when there is a server status and the state
 * says something else (stale, stopped, unreachable...); "" otherwise.
 */
export function secondaryText(state: string, status: string, lastCheckedAt: number, now: number): string {
  if (status === "" || state === status) return "";
  if (lastCheckedAt <= 0) return `last seen ${status}`;
  return `last seen ${status} ${formatAgo(now - lastCheckedAt)}`;
}

export interface Headline {
  node: HTMLSpanElement;
  part: Part;
}

/** Builds the icon, word and secondary text; paints the root's state attributes. */
export function buildHeadline(ctx: PartContext, root: HTMLElement): Headline {
  const icon = h("span", {
    className: "sutro-job-card__icon",
    testid: "status-icon",
    attrs: { "aria-hidden": "true" },
  });
  const word = h("span", { className: "sutro-job-card__word", testid: "status-word" });
  const secondary = h("span", {
    className: "sutro-job-card__secondary",
    testid: "headline-secondary",
    attrs: { "aria-live": "off" },
  });
  secondary.hidden = true;
  const node = h("span", { className: "sutro-job-card__status" }, [icon, word, secondary]);

  const reads = ["state", "status", "raw_status", "stale", "last_checked_at"] as const;
  const part = definePart(ctx, "headline", reads, (t, now) => {
    const state = cardStateOf(t.state, t.status);
    const look = lookFor(state);
    root.dataset.state = state;
    root.dataset.status = t.status;
    root.dataset.tone = look.tone;
    root.dataset.live = String(look.live);
    root.dataset.final = String(look.final);
    root.dataset.stale = String(state === "stale" || t.stale);
    // Final numbers are exact, not old: only a state that stopped being current dims them.
    root.classList.toggle("sutro-job-card--dimmed", !look.live && !look.final);
    setText(icon, look.icon);
    setText(word, stateWord(state, t.raw_status));
    word.title = t.raw_status === "" ? "" : `Server status: ${t.raw_status}`;
    const text = secondaryText(state, t.status, t.last_checked_at, now);
    setText(secondary, text);
    setHidden(secondary, text === "");
  }, { ticks: true });

  return { node, part };
}
