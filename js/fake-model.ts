/**
 * Test-only stand-in for the anywidget model: a real event emitter with the
 * same get/on/off/send surface, plus `set` to play Python's part. Python's
 * side of the contract is tested in pytest, so a fake is enough here.
 * Not imported by widget.ts, so it never reaches the bundle.
 */
import { SERVER_STATUSES } from "./states";
import widget from "./widget";
import { TRAIT_DEFAULTS, type ChangeEvent, type OutgoingMessage, type TraitName, type Traits, type WidgetModel } from "./model";

/**
 * What a test starts from: Python's defaults (TRAIT_DEFAULTS, the one trait
 * list) with a job id and a job the server says is pending and being polled.
 */
export const TEST_TRAITS: Traits = {
  ...TRAIT_DEFAULTS,
  job_id: "job-123",
  state: "pending",
  status: "pending",
  polling: true,
};

export class FakeModel implements WidgetModel {
  private readonly values: Record<string, unknown>;
  private readonly listeners = new Map<string, Array<() => void>>();
  readonly sent: OutgoingMessage[] = [];

  constructor(initial: Partial<Traits> = {}, { empty = false } = {}) {
    this.values = empty ? {} : { ...TEST_TRAITS, ...initial };
  }

  get(name: TraitName): unknown {
    return this.values[name];
  }

  /** Sets a trait and fires `change:<name>`, as a synced update from Python would. */
  set<K extends TraitName>(name: K, value: Traits[K]): void {
    this.setRaw(name, value);
  }

  /**
   * Moves the card to a state as Python's reducer would: `state`, and with it
   * `status` when the state is a server status (a card state such as "stale"
   * keeps the server's last status).
   */
  enter(state: string): void {
    if ((SERVER_STATUSES as readonly string[]).includes(state)) this.set("status", state);
    this.set("state", state);
  }

  /** Like set, but lets a test send a value outside the contract. */
  setRaw(name: TraitName, value: unknown): void {
    this.values[name] = value;
    for (const callback of [...(this.listeners.get(`change:${name}`) ?? [])]) callback();
  }

  on(event: ChangeEvent, callback: () => void): void {
    const list = this.listeners.get(event) ?? [];
    list.push(callback);
    this.listeners.set(event, list);
  }

  /** Backbone semantics: removes every registration of this exact callback. */
  off(event: ChangeEvent, callback: () => void): void {
    const list = this.listeners.get(event) ?? [];
    this.listeners.set(
      event,
      list.filter((registered) => registered !== callback),
    );
  }

  send(content: OutgoingMessage): void {
    this.sent.push(content);
  }

  /** Total listeners across all events: cleanup must bring a view's share back to 0. */
  listenerCount(): number {
    let total = 0;
    for (const list of this.listeners.values()) total += list.length;
    return total;
  }
}

export interface Mounted {
  el: HTMLElement;
  card: HTMLElement;
  cleanup: () => void;
  /** The part with this data-testid; throws so a missing part fails the test loudly. */
  part: (testid: string) => HTMLElement;
}

/** Renders a view into a fresh element attached to the document. */
export function mount(model: FakeModel, signal?: AbortSignal): Mounted {
  const el = document.createElement("div");
  document.body.append(el);
  const cleanup = widget.render(signal ? { model, el, signal } : { model, el });
  const card = el.querySelector<HTMLElement>(".sutro-job-card");
  if (!card) throw new Error("render did not add a .sutro-job-card");
  const part = (testid: string): HTMLElement => {
    const node = card.querySelector<HTMLElement>(`[data-testid="${testid}"]`);
    if (!node) throw new Error(`no [data-testid="${testid}"] in the card`);
    return node;
  };
  return { el, card, cleanup, part };
}
