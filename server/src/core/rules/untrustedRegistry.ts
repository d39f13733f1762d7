import { isRegistryTrusted } from '../trust';
import type { Rule } from './rule';

export const untrustedRegistry: Rule = {
  id: 'untrusted-registry',
  defaultSeverity: 'warning',
  description: "The image's registry (or registry/namespace) is not in the policy's trusted list.",
  help: 'Your policy lists the registries images may come from (trustedRegistries). An image from elsewhere bypasses the mirrors, scanning and access control your team relies on. Use an image from a trusted registry or add the registry to the policy.',
  needsNetwork: false,
  check({ reference, policy }) {
    if (isRegistryTrusted(reference, policy)) return undefined;
    const trusted = policy.trustedRegistries ?? [];
    if (trusted.length === 0) {
      return {
        message: `${reference.registry}/${reference.repository} is not from a trusted registry: the policy trusts no registry (trustedRegistries is empty). Add the registries images may come from to trustedRegistries in .image-trust.yaml.`,
      };
    }
    return {
      message: `${reference.registry}/${reference.repository} is not from a trusted registry. The policy allows only ${trusted.join(', ')}. Use an image from one of those, or add this registry to trustedRegistries in .image-trust.yaml.`,
    };
  },
};
