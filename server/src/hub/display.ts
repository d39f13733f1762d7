// How Hub numbers and links are shown to people (hover, CLI).

const UNITS: Array<[number, string]> = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'K'],
];

/**
 * `850`, `1.2K`, `1.2M`, `12B`: like Docker Hub shows pulls. Rounds down, so a count is never
 * shown larger than it is and 999 999 reads `999K`, not `1000K`.
 */
export function humanizeCount(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '0';
  const whole = Math.floor(n);
  for (const [size, unit] of UNITS) {
    if (whole < size) continue;
    const value = whole / size;
    const shown = value < 10 ? Math.floor(value * 10) / 10 : Math.floor(value);
    return `${shown}${unit}`;
  }
  return String(whole);
}

/** The public page of a repository. Official Images live under `/_/` (docs/registries.md §5.2). */
export function hubPageUrl(namespace: string, name: string): string {
  return namespace === 'library'
    ? `https://hub.docker.com/_/${encodeURIComponent(name)}`
    : `https://hub.docker.com/r/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}
