import { buildCancel } from "./parts/cancel";
import { copyButton } from "./clipboard";
import { buildFailureDetails } from "./parts/failure";
import { h, setHidden, setText } from "./dom";
import { elapsedMs, formatCheckedAgo, formatDuration, formatLastConfirmed } from "./format";
import type { Lifetime } from "./lifetime";
import {
  readBool,
  readHistory,
  readMetadata,
  readNumber,
  readObject,
  readString,
  type WidgetModel,
} from "./model";
import { buildProgress } from "./parts/progress";
import { buildResults } from "./parts/results";
import { isFinal, lookFor, statusWord } from "./states";
import { buildSummary } from "./parts/summary";
import { buildTimeline, withServerTimes } from "./parts/timeline";

/**
 * The card's DOM and one painter per part. Painters read the model when
 * called, so widget.ts can run just the ones a trait change affects.
 */
export interface Card {
  root: HTMLDivElement;
  /** Icon, word, data-status and tone: depends on `status` and `raw_status`. */
  paintStatus: () => void;
  paintMessage: () => void;
  paintJobId: () => void;
  paintError: () => void;
  /** Stop/Resume label and visibility: depends on `polling` and `status`. */
  paintControls: () => void;
  /** Elapsed and checked-ago: depends on the three timestamps and the browser clock. */
  paintClock: () => void;
  /** The failure section: depends on `status` and `metadata`. */
  paintDetails: () => void;
  /** The one-line job summary: depends on `details`. */
  paintSummary: () => void;
  /** Bar and text: depends on `progress` and `status`. */
  paintProgress: () => void;
  /** Phase strip: depends on `history`, `finished_at` and the browser clock. */
  paintTimeline: () => void;
  /** Cancel button, confirm step and error: depends on `status` and `cancel_error`. */
  paintCancel: () => void;
  /** Results snippet: depends on `status` and `results_snippet`. */
  paintResults: () => void;
}

const STOP_TITLE = "Stop checking this job's status (the job itself keeps running)";
const RESUME_TITLE = "Resume checking this job's status";
const ELAPSED_TITLE =
  "Time since this card began following the job (stops when a final status is seen)";

/** Builds the card once; its buttons only send messages, Python decides what happens. */
export function buildCard(model: WidgetModel, lifetime: Lifetime): Card {
  const icon = h("span", {
    className: "sutro-job-card__icon",
    testid: "status-icon",
    attrs: { "aria-hidden": "true" },
  });
  const word = h("span", { className: "sutro-job-card__word", testid: "status-word" });

  const refresh = h("button", {
    className: "sutro-job-card__button",
    testid: "refresh",
    text: "Refresh",
    attrs: { type: "button", title: "Check the status now" },
  });
  const stopResume = h("button", {
    className: "sutro-job-card__button",
    testid: "stop-resume",
    attrs: { type: "button" },
  });
  lifetime.listen(refresh, "click", () => model.send({ type: "refresh" }));
  lifetime.listen(stopResume, "click", () =>
    model.send({ type: readBool(model, "polling") ? "stop" : "resume" }),
  );

  const message = h("div", { className: "sutro-job-card__message", testid: "message" });
  const error = h("div", {
    className: "sutro-job-card__error",
    testid: "error",
    attrs: { role: "alert" },
  });
  error.hidden = true;

  const jobId = h("code", { className: "sutro-job-card__job-id", testid: "job-id" });
  const copyJobId = copyButton(lifetime, {
    testid: "copy-job-id",
    label: "Copy",
    ariaLabel: "Copy the job ID",
    getText: () => readString(model, "job_id"),
    source: () => jobId,
  });
  const elapsedLabel = h("span", { className: "sutro-job-card__muted" });
  const elapsed = h("span", { className: "sutro-job-card__elapsed", testid: "elapsed" });
  const elapsedGroup = h(
    "span",
    { className: "sutro-job-card__meta-item", attrs: { title: ELAPSED_TITLE } },
    [elapsedLabel, document.createTextNode(" "), elapsed],
  );
  const checkedAgo = h("span", {
    className: "sutro-job-card__meta-item",
    testid: "checked-ago",
    attrs: { title: "When the Sutro API last answered" },
  });

  const details = buildFailureDetails(lifetime);
  const summary = buildSummary();
  const progress = buildProgress();
  const timeline = buildTimeline();
  const cancel = buildCancel(lifetime, () => model.send({ type: "cancel" }));
  const results = buildResults(lifetime);

  const root = h(
    "div",
    {
      className: "sutro-job-card",
      attrs: { role: "status", "aria-live": "polite" },
    },
    [
      h("div", { className: "sutro-job-card__head" }, [
        h("span", { className: "sutro-job-card__status" }, [icon, word]),
        h("span", { className: "sutro-job-card__actions" }, [refresh, stopResume, cancel.button]),
      ]),
      cancel.confirm,
      cancel.error,
      summary.root,
      message,
      error,
      progress.root,
      timeline.root,
      // The meta line ticks every second; aria-live="off" keeps screen readers
      // from announcing each tick inside the card's polite live region.
      h("div", { className: "sutro-job-card__meta", attrs: { "aria-live": "off" } }, [
        h("span", { className: "sutro-job-card__meta-item" }, [
          h("span", { className: "sutro-job-card__muted", text: "Job" }),
          document.createTextNode(" "),
          jobId,
          document.createTextNode(" "),
          copyJobId,
        ]),
        elapsedGroup,
        checkedAgo,
      ]),
      results.root,
      details.root,
    ],
  );

  return {
    root,
    paintStatus() {
      const status = readString(model, "status");
      const raw = readString(model, "raw_status");
      const look = lookFor(status);
      root.dataset.status = status;
      root.dataset.tone = look.tone;
      root.dataset.stale = String(readBool(model, "stale"));
      setText(icon, look.icon);
      setText(word, statusWord(status, raw));
      word.title = raw === "" ? "" : `Server status: ${raw}`;
    },
    paintMessage() {
      const text = readString(model, "message");
      setText(message, text);
      setHidden(message, text === "");
    },
    paintJobId() {
      setText(jobId, readString(model, "job_id"));
    },
    paintError() {
      const text = readString(model, "error");
      setText(error, text);
      setHidden(error, text === "");
    },
    paintControls() {
      const polling = readBool(model, "polling");
      setText(stopResume, polling ? "Stop" : "Resume");
      stopResume.title = polling ? STOP_TITLE : RESUME_TITLE;
      setHidden(stopResume, !polling && isFinal(readString(model, "status")));
    },
    paintClock() {
      const now = Date.now();
      const finishedAt = readNumber(model, "finished_at");
      const ms = elapsedMs(readNumber(model, "started_at"), finishedAt, now);
      setHidden(elapsedGroup, ms === null);
      setText(elapsedLabel, finishedAt > 0 ? "followed for" : "following for");
      setText(elapsed, ms === null ? "" : formatDuration(ms));
      const lastChecked = readNumber(model, "last_checked_at");
      const stale = readBool(model, "stale");
      setText(checkedAgo, stale ? formatLastConfirmed(lastChecked, now) : formatCheckedAgo(lastChecked, now));
      checkedAgo.classList.toggle("sutro-job-card__stale-note", stale);
    },
    paintDetails() {
      details.paint(readString(model, "status"), readMetadata(model));
    },
    paintSummary() {
      summary.paint(readObject(model, "details"));
    },
    paintProgress() {
      progress.paint(readObject(model, "progress"), readString(model, "status"));
    },
    paintTimeline() {
      // An open last phase stops where the card saw the job finish, like elapsed.
      const finishedAt = readNumber(model, "finished_at");
      const history = withServerTimes(readHistory(model), readObject(model, "details"));
      timeline.paint(history, finishedAt > 0 ? finishedAt : Date.now());
    },
    paintCancel() {
      cancel.paint(readString(model, "status"), readString(model, "cancel_error"));
    },
    paintResults() {
      results.paint(readString(model, "status"), readString(model, "results_snippet"));
    },
  };
}
