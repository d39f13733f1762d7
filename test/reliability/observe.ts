// What the reliability tests watch on a running server: when each publishDiagnostics arrived, and
// whether the server ever reported an unhandled rejection or an uncaught exception.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { LspTestClient, PublishedDiagnostics } from '../support/lspClient';

export interface PublishTimes {
  /** Arrival time (performance.now()) of every publish, per uri, in order. */
  arrivals: Map<string, Array<{ version?: number; at: number; diagnostics: PublishedDiagnostics['diagnostics'] }>>;
}

/** Records the arrival time of every publishDiagnostics the client stores. */
export function watchPublishes(client: LspTestClient): PublishTimes {
  const times: PublishTimes = { arrivals: new Map() };
  const map = client.diagnostics;
  const set = map.set.bind(map);
  map.set = (uri: string, list: PublishedDiagnostics[]) => {
    const last = list[list.length - 1];
    const arrivals = times.arrivals.get(uri) ?? [];
    arrivals.push({ version: last?.version, at: performance.now(), diagnostics: last?.diagnostics ?? [] });
    times.arrivals.set(uri, arrivals);
    return set(uri, list);
  };
  return times;
}

/** Lines the server logged (stderr and window/logMessage) that report a crash it survived. */
export function crashReports(client: LspTestClient): string[] {
  return client.logs.filter((l) => /unhandled rejection|uncaught exception/i.test(l));
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** RSS of a process in kB, from /proc/<pid>/status. */
export function rssKb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** One line a test prints for RELIABILITY.md (collected from the runner's output). */
export function figure(name: string, value: unknown): void {
  console.log(`[figure] ${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
}
