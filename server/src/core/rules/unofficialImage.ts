import { DOCKER_HUB, hubNamespace } from '../reference';
import { isNamespaceTrusted } from '../trust';
import { referenceFix } from './fixes';
import type { Rule } from './rule';

export const unofficialImage: Rule = {
  id: 'unofficial-image',
  defaultSeverity: 'warning',
  description:
    'A Docker Hub image whose publisher is neither an Official Image, a Verified Publisher nor Sponsored OSS, and not trusted by policy.',
  help: 'Anyone can push to a Docker Hub namespace. Official Images, Verified Publishers and Docker-Sponsored Open Source are reviewed by Docker; a community image is only as trustworthy as its owner. Prefer the Official Image, or add the namespace to trustedNamespaces after you have reviewed it.',
  needsNetwork: false,
  check({ occurrence, reference, policy, facts }) {
    if (reference.registry !== DOCKER_HUB) return undefined;
    const namespace = hubNamespace(reference)!;
    if (namespace === 'library' || isNamespaceTrusted(reference, policy)) return undefined;
    const publisher = facts.publisher;
    if (publisher?.state === 'known' && ['official', 'verified', 'sponsored-oss'].includes(publisher.value.tier))
      return undefined;
    const fixes = [];
    const alternative = facts.officialAlternative;
    if (alternative?.tagExists) {
      fixes.push({
        ...referenceFix(
          occurrence,
          `Use the Official Image ${alternative.name}${reference.tag ? `:${reference.tag}` : ''}`,
          reference.tag,
          undefined,
          true,
        ),
        replacement: `${alternative.name}${reference.tag ? `:${reference.tag}` : ''}`,
      });
    }
    const also = alternative
      ? ` The Official Image ${alternative.name} exists${alternative.tagExists && reference.tag ? ` with tag ${reference.tag}` : ''}.`
      : '';
    if (publisher?.state === 'known' && publisher.value.tier === 'community') {
      return {
        message: `${reference.familiarName} is published by the community account "${namespace}", which Docker has not verified.${also} Use an Official or Verified Publisher image, or add "${namespace}" to trustedNamespaces after reviewing it.`,
        fixes,
      };
    }
    return {
      message: `The publisher of ${reference.familiarName} could not be verified${publisher?.state === 'unavailable' ? ` (${publisher.reason})` : ' (offline)'}: "${namespace}" is not an Official Image namespace and is not in trustedNamespaces.${also} Check who publishes it, or add "${namespace}" to trustedNamespaces.`,
      fixes,
    };
  },
};
