// Lookups that failed and took findings with them, per service (a registry, Docker Hub, the
// end-of-life API). Never silent: the CLI says each service once on stderr (and --require-network
// turns any of them into a failing exit code); the editor's status lists the services still failing.
export interface LostLookups {
  /** A registry name (`docker.io`, `ghcr.io`), the Docker Hub API host, the end-of-life API host. */
  service: string;
  /** The first reason seen, a sentence for a person. */
  message: string;
  /** How many lookups failed for this service. */
  count: number;
}

export class LookupLossLog {
  private readonly everLost = new Map<string, LostLookups>();
  /** Services whose last lookup failed (a later success clears them here, not in everLost). */
  private readonly failing = new Map<string, string>();
  private readonly listeners = new Set<() => void>();

  record(service: string, message: string): void {
    const known = this.everLost.get(service);
    if (known) known.count++;
    else this.everLost.set(service, { service, message, count: 1 });
    if (this.failing.get(service) === message) return;
    this.failing.set(service, message);
    this.emit();
  }

  succeeded(service: string): void {
    if (this.failing.delete(service)) this.emit();
  }

  /** Every service that lost a lookup since the start (or the last clear): what a CLI run reports. */
  all(): LostLookups[] {
    return [...this.everLost.values()].map((l) => ({ ...l }));
  }

  /** Services whose last lookup failed: what the editor's status shows. */
  current(): Array<{ service: string; message: string }> {
    return [...this.failing].map(([service, message]) => ({ service, message }));
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clear(): void {
    const changed = this.failing.size > 0;
    this.everLost.clear();
    this.failing.clear();
    if (changed) this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch {
        // a listener's failure is not the lookup's
      }
    }
  }
}
