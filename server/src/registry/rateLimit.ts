// Docker Hub's pull limit headers (docs/registries.md §3.7; https://docs.docker.com/docker-hub/usage/pulls/): `ratelimit-limit: 100;w=21600`,
// `ratelimit-remaining: 76;w=21600`, sometimes spelled `x-ratelimit-*`. Never hard-code the numbers.
import type { RateLimitState } from './types';

type Headers = Record<string, string | undefined>;

function parseCountAndWindow(value: string | undefined): { count: number; window?: number } | undefined {
  if (!value) return undefined;
  // Several policies may be listed (`100;w=21600, 200;w=86400`): the first is the binding one here.
  const first = value.split(',')[0];
  const count = Number.parseInt(first, 10);
  if (!Number.isFinite(count) || count < 0) return undefined;
  const window = /;\s*w=(\d+)/i.exec(first);
  return { count, window: window ? Number(window[1]) : undefined };
}

export function parseRateLimit(headers: Headers, now: number): RateLimitState | undefined {
  const limit = parseCountAndWindow(headers['ratelimit-limit'] ?? headers['x-ratelimit-limit']);
  const remaining = parseCountAndWindow(headers['ratelimit-remaining'] ?? headers['x-ratelimit-remaining']);
  if (!limit || !remaining) return undefined;
  const windowSeconds = limit.window ?? remaining.window;
  return {
    limit: limit.count,
    remaining: remaining.count,
    ...(windowSeconds !== undefined ? { windowSeconds } : {}),
    observedAt: now,
  };
}

export { parseRetryAfter } from '../net/retryAfter';
