// Policy questions about a reference that need no network.
import { canonicalName, DOCKER_HUB, hubNamespace } from './reference';
import type { Policy } from './settings';
import type { ImageReference } from './types';

/** Is the registry (or registry/namespace) in the policy's trusted list? True when there is no list. */
export function isRegistryTrusted(ref: ImageReference, policy: Policy): boolean {
  if (!policy.trustedRegistries) return true;
  const name = canonicalName(ref).toLowerCase();
  return policy.trustedRegistries.some((entry) => {
    let e = entry
      .toLowerCase()
      .replace(/^https?:\/\//, '')
      .replace(/\/+$/, '');
    if (e === 'index.docker.io' || e === 'registry-1.docker.io') e = DOCKER_HUB;
    if (e.startsWith('index.docker.io/') || e.startsWith('registry-1.docker.io/'))
      e = DOCKER_HUB + e.slice(e.indexOf('/'));
    return name === e || name.startsWith(`${e}/`);
  });
}

/** Docker Hub namespaces the policy trusts like Verified Publishers. */
export function isNamespaceTrusted(ref: ImageReference, policy: Policy): boolean {
  const ns = hubNamespace(ref);
  return ns !== undefined && policy.trustedNamespaces.some((t) => t.toLowerCase() === ns);
}
