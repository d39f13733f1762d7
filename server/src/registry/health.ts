// What the status bar shows: which registries could not be reached (or rate limited us) on their
// last request, and Docker Hub's remaining pull budget. Listeners hear about changes only.
import type { RateLimitState, RegistryHealth } from './types';

export class RegistryHealthTracker {
  private readonly unreachable = new Map<string, string>();
  private rateLimit: RateLimitState | undefined;
  private readonly listeners = new Set<() => void>();

  snapshot(): RegistryHealth {
    const health: RegistryHealth = {
      unreachable: [...this.unreachable].map(([registry, message]) => ({ registry, message })),
    };
    if (this.rateLimit) health.dockerHubRateLimit = { ...this.rateLimit };
    return health;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  reachable(registry: string): void {
    if (this.unreachable.delete(registry)) this.emit();
  }

  failed(registry: string, message: string): void {
    if (this.unreachable.get(registry) === message) return;
    this.unreachable.set(registry, message);
    this.emit();
  }

  dockerHubRateLimit(state: RateLimitState): void {
    const previous = this.rateLimit;
    this.rateLimit = state;
    if (
      !previous ||
      previous.limit !== state.limit ||
      previous.remaining !== state.remaining ||
      previous.windowSeconds !== state.windowSeconds
    )
      this.emit();
  }

  clear(): void {
    const changed = this.unreachable.size > 0 || this.rateLimit !== undefined;
    this.unreachable.clear();
    this.rateLimit = undefined;
    if (changed) this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch {
        // a listener's failure is not the registry's
      }
    }
  }
}
