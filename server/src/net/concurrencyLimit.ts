// At most N requests in flight per origin: a page of fifty images must not open fifty connections
// to one registry (and trip its abuse limits). A caller whose signal aborts while it waits for a
// slot leaves the queue at once.
export class ConcurrencyLimit {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private readonly perKey: number) {}

  /** Runs `task` when a slot is free; `undefined` without running it if `signal` aborts first. */
  async run<T>(key: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T | undefined> {
    if (!(await this.acquire(key, signal))) return undefined;
    try {
      return await task();
    } finally {
      this.release(key);
    }
  }

  /** Requests in flight for `key` (tests and the bench read it). */
  activeCount(key: string): number {
    return this.active.get(key) ?? 0;
  }

  private acquire(key: string, signal: AbortSignal | undefined): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    const count = this.active.get(key) ?? 0;
    if (count < this.perKey) {
      this.active.set(key, count + 1);
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const queue = this.waiting.get(key) ?? [];
      const granted = () => {
        signal?.removeEventListener('abort', left);
        resolve(true);
      };
      const left = () => {
        const at = queue.indexOf(granted);
        if (at >= 0) queue.splice(at, 1);
        if (queue.length === 0 && this.waiting.get(key) === queue) this.waiting.delete(key);
        resolve(false);
      };
      queue.push(granted);
      this.waiting.set(key, queue);
      signal?.addEventListener('abort', left, { once: true });
    });
  }

  private release(key: string): void {
    const next = this.waiting.get(key)?.shift();
    // The slot passes straight to the next waiter; the count stays.
    if (this.waiting.get(key)?.length === 0) this.waiting.delete(key);
    if (next) return next();
    const count = (this.active.get(key) ?? 1) - 1;
    if (count <= 0) this.active.delete(key);
    else this.active.set(key, count);
  }
}
