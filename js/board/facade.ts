import { TRAIT_NAMES, type ChangeEvent, type OutgoingMessage, type TraitName, type WidgetModel } from "../model";
import type { BoardMessage, Row } from "./model";

/**
 * A card's model made of one board row, so `buildCard` draws the full card of
 * an unfolded row unchanged (the contract's per-row model facade). `get`
 * reads the row's own fields or, for the card-only traits, `row.card`;
 * `compact` reads false (the row's fold button does the folding);
 * `change:x` fires for exactly the traits whose value changed when the row
 * is updated; `send` forwards `{...msg, job_id}` to the board's model.
 */

/** Traits the row carries itself. */
const FROM_ROW = [
  "job_id",
  "state",
  "status",
  "raw_status",
  "error",
  "polling",
  "finished_at",
  "last_checked_at",
  "cancel_error",
  "started_at",
] as const satisfies readonly (keyof Row & TraitName)[];

type RowTrait = (typeof FROM_ROW)[number];

function fromRow(name: TraitName): name is RowTrait {
  return (FROM_ROW as readonly string[]).includes(name);
}

/** A value as comparable text; undefined (a card key Python left out) compares as itself. */
function key(value: unknown): string {
  return value === undefined ? "\u0000undefined" : JSON.stringify(value);
}

export class RowModel implements WidgetModel {
  private readonly listeners = new Map<ChangeEvent, Array<() => void>>();

  constructor(
    private row: Row,
    private readonly sendToBoard: (content: BoardMessage) => void,
  ) {}

  get(name: TraitName): unknown {
    if (name === "compact") return false;
    if (fromRow(name)) return this.row[name];
    return this.row.card?.[name];
  }

  /** Takes the row's new data and fires `change:x` for each trait that now reads differently. */
  update(row: Row): void {
    const before = TRAIT_NAMES.map((name) => key(this.get(name)));
    this.row = row;
    TRAIT_NAMES.forEach((name, index) => {
      if (key(this.get(name)) === before[index]) return;
      for (const callback of [...(this.listeners.get(`change:${name}`) ?? [])]) callback();
    });
  }

  on(event: ChangeEvent, callback: () => void): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), callback]);
  }

  /** Backbone semantics: removes every registration of this exact callback. */
  off(event: ChangeEvent, callback: () => void): void {
    this.listeners.set(
      event,
      (this.listeners.get(event) ?? []).filter((registered) => registered !== callback),
    );
  }

  send(content: OutgoingMessage): void {
    this.sendToBoard({ ...content, job_id: this.row.job_id });
  }

  /** Listeners still registered: 0 once the card inside is disposed. */
  listenerCount(): number {
    let total = 0;
    for (const list of this.listeners.values()) total += list.length;
    return total;
  }
}
