/**
 * The jobs pinned in the panel (watched: their end is announced), kept in the
 * browser's storage so a reload keeps them. A storage that refuses (private
 * windows, quotas) only means pins last as long as the page.
 */
const KEY = "sutro-widget:pinned";

export class Pins {
  private readonly ids: Set<string>;

  constructor(private readonly storage: Storage | null = globalThis.localStorage ?? null) {
    this.ids = new Set(read(storage));
  }

  get all(): ReadonlySet<string> {
    return this.ids;
  }

  has(jobId: string): boolean {
    return this.ids.has(jobId);
  }

  toggle(jobId: string): boolean {
    if (this.ids.has(jobId)) this.ids.delete(jobId);
    else this.ids.add(jobId);
    try {
      this.storage?.setItem(KEY, JSON.stringify([...this.ids]));
    } catch {
      // kept for this page only
    }
    return this.ids.has(jobId);
  }
}

function read(storage: Storage | null): string[] {
  try {
    const value: unknown = JSON.parse(storage?.getItem(KEY) ?? "[]");
    return Array.isArray(value) ? value.filter((id): id is string => typeof id === "string") : [];
  } catch {
    return [];
  }
}
