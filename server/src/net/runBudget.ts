// The time one run may spend on the network (a CLI lint or pin, the editor's network pass for one
// document). When it runs out every request still waiting ends, and the caller reports what is
// missing instead of hanging on a registry that drips its answer a byte at a time.
import { setMaxListeners } from 'node:events';

/** The abort reason of a spent budget: not a cancellation by the user. */
export class BudgetExhausted extends Error {
  constructor(readonly budgetMs: number) {
    super(`the network time budget of ${formatSeconds(budgetMs)} ran out`);
    this.name = 'BudgetExhausted';
  }
}

/** The abort reason of one request that passed its overall deadline. */
export class DeadlinePassed extends Error {
  constructor(readonly deadlineMs: number) {
    super(`no complete answer within ${formatSeconds(deadlineMs)}`);
    this.name = 'DeadlinePassed';
  }
}

export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

export class RunBudget {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(readonly budgetMs: number) {
    unlimitedListeners(this.controller.signal);
    if (Number.isFinite(budgetMs) && budgetMs > 0) {
      this.timer = setTimeout(() => this.controller.abort(new BudgetExhausted(budgetMs)), budgetMs);
      // A budget never keeps the process alive on its own.
      this.timer.unref?.();
    }
  }

  /** Pass to every request of the run (combine with a caller's own signal with AbortSignal.any). */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get exhausted(): boolean {
    return this.controller.signal.aborted;
  }

  /** Ends the budget early (the run is over); pending requests end as if it ran out. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}

/**
 * A signal that aborts with the caller's reason, or with BudgetExhausted after `budgetMs`: the
 * budget of one run that a caller's own cancellation may also end (the editor's network pass).
 */
export function budgetedSignal(signal: AbortSignal, budgetMs: number): { signal: AbortSignal; dispose(): void } {
  const budget = new RunBudget(budgetMs);
  const combined = new AbortController();
  unlimitedListeners(combined.signal);
  const forward = (event: Event) => combined.abort((event.target as AbortSignal).reason);
  for (const source of [signal, budget.signal]) {
    if (source.aborted) combined.abort(source.reason);
    else source.addEventListener('abort', forward, { once: true });
  }
  return {
    signal: combined.signal,
    dispose() {
      budget.dispose();
      signal.removeEventListener('abort', forward);
      budget.signal.removeEventListener('abort', forward);
    },
  };
}

/**
 * Every request of a run listens to the run's signal while it waits or runs, and stops listening
 * when it ends: more than Node's default of ten listeners at once is the normal case, not a leak
 * (left at ten, Node prints MaxListenersExceededWarning on the CLI's stderr).
 */
export function unlimitedListeners(signal: AbortSignal): void {
  setMaxListeners(0, signal);
}
