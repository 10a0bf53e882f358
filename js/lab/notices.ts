import type { Row } from "../board/model";
import type { CardReport } from "../lab-hub";
import { cardStateOf, isFinal, stateWord } from "../states";

/**
 * Announces, once per page, the end of a job the user is watching: one shown
 * in a card of an open notebook (its view reports it, lab-hub.ts) or pinned in
 * the panel. Only an end this page saw happen counts: a job already final when
 * first seen is not news. `announce` shows it (JupyterLab's Notification).
 */
export type Announce = (jobId: string, text: string, tone: "success" | "error" | "warning") => void;

export class EndNotices {
  private readonly seenLive = new Set<string>();
  private readonly announced = new Set<string>();

  constructor(
    private readonly announce: Announce,
    private readonly pinned: () => ReadonlySet<string>,
  ) {}

  /** A card's view said where its job is. */
  fromCard(card: CardReport): void {
    this.heard(card.job_id, card.state, card.status, card.raw_status, card.name);
  }

  /** The panel's rows changed; only pinned ones are watched. */
  fromRows(rows: readonly Row[]): void {
    const pinned = this.pinned();
    for (const row of rows) {
      if (pinned.has(row.job_id)) this.heard(row.job_id, row.state, row.status, row.raw_status, row.name);
    }
  }

  private heard(jobId: string, state: string, status: string, raw: string, name: string): void {
    const shown = cardStateOf(state, status);
    if (!isFinal(shown)) {
      if (shown !== "connecting") this.seenLive.add(jobId);
      return;
    }
    if (!this.seenLive.has(jobId) || this.announced.has(jobId)) return;
    this.announced.add(jobId);
    const tone = shown === "succeeded" ? "success" : shown === "failed" ? "error" : "warning";
    this.announce(jobId, `Sutro job “${name !== "" ? name : jobId}” ${stateWord(shown, raw).toLowerCase()}`, tone);
  }
}
