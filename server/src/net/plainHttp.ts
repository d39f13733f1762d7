// Plain http only to loopback or to hosts the user marked insecure (Docker's own rule for
// `insecure-registries`, see docs/network.md); everything else must be https. One rule for every
// client: registries, token realms, Docker Hub's web API, end-of-life data, vulnerability data.
import { isLoopbackHost } from '../core/reference';

/** `http://Host:5000/` → `host:5000`, so settings may be written either way. */
export function normalizeHostEntry(entry: string): string {
  return entry
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
}

export function isPlainHttpAllowed(host: string, insecureHosts: readonly string[]): boolean {
  if (isLoopbackHost(host)) return true;
  const wanted = host.toLowerCase();
  return insecureHosts.some((entry) => normalizeHostEntry(entry) === wanted);
}

/** Whether a URL may be requested at all: https, or http to loopback / insecure-marked hosts. */
export function isTransportAllowed(url: URL, insecureHosts: readonly string[]): boolean {
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && isPlainHttpAllowed(url.host, insecureHosts);
}
