// How long a server asks us to wait before trying again.

/** `Retry-After` as seconds from now: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * Milliseconds until a retry is welcome, from `Retry-After` (seconds or an HTTP date) and Docker
 * Hub's `X-Retry-After` (a unix timestamp in seconds, see docs/network.md). The later one wins.
 */
export function retryWaitMs(headers: Record<string, string | string[] | undefined>, now: number): number | undefined {
  const candidates: number[] = [];
  const retryAfter = single(headers['retry-after']);
  if (retryAfter !== undefined) {
    if (/^\d+$/.test(retryAfter)) candidates.push(Number(retryAfter) * 1000);
    else {
      const at = Date.parse(retryAfter);
      if (!Number.isNaN(at)) candidates.push(at - now);
    }
  }
  const xRetryAfter = single(headers['x-retry-after']);
  if (xRetryAfter !== undefined && /^\d+(\.\d+)?$/.test(xRetryAfter)) {
    const value = Number(xRetryAfter);
    // A small number cannot be a timestamp (before 2001); some proxies send seconds here.
    candidates.push(value > 1e9 ? value * 1000 - now : value * 1000);
  }
  if (candidates.length === 0) return undefined;
  return Math.max(0, ...candidates);
}

function single(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v?.trim() || undefined;
}
