// Where requests for a registry go: Docker Hub's API host, a configured mirror, or the registry
// itself. Plain http only for loopback or hosts the user marked insecure; anything else is refused
// before a single byte is sent.
import { isPlainHttpAllowed, isTransportAllowed as isUrlAllowed, normalizeHostEntry } from '../net/plainHttp';
import type { NetworkSettings } from '../core/settings';
import type { RegistryResult } from './types';

export const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_API = 'https://registry-1.docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

export interface RegistryEndpoint {
  /** Canonical registry name the reference uses (`docker.io`, `ghcr.io`, `127.0.0.1:5000`). */
  registry: string;
  /** Base URL without a trailing slash; `/v2/...` is appended. May carry a path prefix (mirrors). */
  baseUrl: string;
  /** `scheme://host[:port]` of baseUrl. */
  origin: string;
  /** `host[:port]` that answers: the key credentials are looked up under. */
  host: string;
  mirror: boolean;
}

export function canonicalRegistry(registry: string): string {
  const lower = registry.toLowerCase();
  return DOCKER_HUB_ALIASES.has(lower) ? DOCKER_HUB : lower;
}

export function isInsecureAllowed(host: string, network: NetworkSettings): boolean {
  return isPlainHttpAllowed(host, network.insecureRegistries);
}

/** Whether a URL may be used at all: https, or http to loopback / insecure-marked hosts. */
export function isTransportAllowed(url: URL, network: NetworkSettings): boolean {
  return isUrlAllowed(url, network.insecureRegistries);
}

function findMirror(registry: string, network: NetworkSettings): string | undefined {
  for (const [key, value] of Object.entries(network.registryMirrors)) {
    if (canonicalRegistry(normalizeHostEntry(key)) === registry) return value;
  }
  return undefined;
}

export function resolveEndpoint(registryName: string, network: NetworkSettings): RegistryResult<RegistryEndpoint> {
  const registry = canonicalRegistry(registryName);
  const mirror = findMirror(registry, network);
  let base: URL;
  if (mirror) {
    try {
      base = new URL(mirror.includes('://') ? mirror : `https://${mirror}`);
    } catch {
      return {
        ok: false,
        error: { kind: 'protocol', registry, message: `The mirror configured for ${registry} is not a URL.` },
      };
    }
    // Credentials belong in config.json, not in a URL that ends up in logs.
    base.username = '';
    base.password = '';
  } else if (registry === DOCKER_HUB) {
    base = new URL(DOCKER_HUB_API);
  } else {
    // Docker talks plain http to loopback and insecure-marked registries; so do we.
    const scheme = isInsecureAllowed(registry, network) ? 'http' : 'https';
    try {
      base = new URL(`${scheme}://${registry}`);
    } catch {
      return { ok: false, error: { kind: 'protocol', registry, message: `${registry} is not a registry host name.` } };
    }
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    return {
      ok: false,
      error: {
        kind: 'protocol',
        registry,
        message: `Only http and https are supported (${registry} is set to ${base.protocol}).`,
      },
    };
  }
  if (!isTransportAllowed(base, network)) {
    return {
      ok: false,
      error: {
        kind: 'insecureRefused',
        registry,
        message: `Refusing plain http to ${base.host}: it is not a loopback address. Add it to insecureRegistries if you trust the network path.`,
      },
    };
  }
  const path = base.pathname.replace(/\/+$/, '');
  return {
    ok: true,
    value: {
      registry,
      baseUrl: `${base.origin}${path}`,
      origin: base.origin,
      host: base.host,
      mirror: Boolean(mirror),
    },
  };
}
