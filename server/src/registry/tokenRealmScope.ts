// Whether a registry's credentials may go to the token endpoint (realm) its challenge names.
// Docker sends them to any realm; we send them only where they cannot leave the registry's
// owner: the registry's own host, the same registrable domain (Public Suffix List, private
// section included, so `a.github.io` and `b.github.io` are strangers), Docker Hub's known pair,
// or a realm the machine settings allow. Otherwise the token is asked for anonymously and the
// reason is kept for the message a refusal produces (docs/network.md, "Credentials and token realms").
import type * as Tldts from 'tldts';
import { normalizeHostEntry } from '../net/plainHttp';

/** Registry hosts whose token service is known to live elsewhere ([DIST] token auth, Docker Hub). */
const KNOWN_REALM_HOSTS: Record<string, string[]> = {
  'registry-1.docker.io': ['auth.docker.io'],
  'index.docker.io': ['auth.docker.io'],
  'docker.io': ['auth.docker.io'],
};

let tldts: typeof Tldts | undefined;
function registrableDomain(hostname: string): string | null {
  // Loaded on the first realm on another host: most runs never need the suffix list.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  tldts ??= require('tldts') as typeof Tldts;
  return tldts.getDomain(hostname, { allowPrivateDomains: true });
}

function bareHostname(host: string): string {
  return host
    .replace(/:\d+$/, '')
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
}

export type RealmScope = { send: true } | { send: false; why: string };

/**
 * `registryHost`: the host[:port] that answered (a mirror's own host for a mirror). `trusted`:
 * machine-setting entries, each a host[:port] or an https URL prefix.
 */
export function realmScope(registryHost: string, realm: URL, trusted: readonly string[] = []): RealmScope {
  const registryName = bareHostname(registryHost);
  const realmName = bareHostname(realm.host);
  if (registryName === realmName) return { send: true };
  if (KNOWN_REALM_HOSTS[registryName]?.includes(realmName)) return { send: true };
  const domain = registrableDomain(registryName);
  if (domain && domain === registrableDomain(realmName)) return { send: true };
  for (const entry of trusted) {
    const text = entry.trim();
    if (/^https:\/\//i.test(text)) {
      if (realm.protocol === 'https:' && realm.href.toLowerCase().startsWith(text.toLowerCase())) return { send: true };
    } else if (normalizeHostEntry(text) === realm.host.toLowerCase()) return { send: true };
  }
  return {
    send: false,
    why: `its token endpoint is on ${realm.host}, another host than ${registryHost}, so no credentials were sent there (allow that endpoint with the machine setting imageTrust.trustedTokenRealms or --trust-token-realm)`,
  };
}
