// A small LRU cache for rendered fragments, typed by key and value.
export interface Entry<V> {
  value: V;
  size: number;
  readonly createdAt: Date;
}

export class Lru<K, V> {
  private entries = new Map<K, Entry<V>>();
  private used = 0;

  constructor(private readonly capacity: number = 1 << 20) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V, size = 1): void {
    this.entries.set(key, { value, size, createdAt: new Date() });
    this.used += size;
    for (const [k, e] of this.entries) {
      if (this.used <= this.capacity) break;
      this.entries.delete(k);
      this.used -= e.size;
    }
  }
}

type Fragment = { html: string; etag?: string };
export const fragments = new Lru<string, Fragment>(512);
