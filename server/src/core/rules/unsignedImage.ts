import type { Rule } from './rule';

export const unsignedImage: Rule = {
  id: 'unsigned-image',
  defaultSeverity: 'off',
  description: 'No valid signature (cosign or Notation, by tag or OCI referrers) is attached to the digest.',
  help: 'A signature proves the image was produced by its publisher and not altered since. With signatureKeys in the policy, only signatures that verify with those keys count.',
  needsNetwork: true,
  check({ reference, facts }) {
    const answer = facts.signature;
    if (answer?.state !== 'known') return undefined;
    const { state, detail } = answer.value;
    if (state === 'unsigned') {
      return {
        message: `No signature is attached to ${reference.familiarName}${reference.tag ? `:${reference.tag}` : ''} (checked cosign tags and OCI referrers). Its origin cannot be verified.`,
      };
    }
    if (state === 'invalid') {
      return {
        message: `The signature on ${reference.familiarName}${reference.tag ? `:${reference.tag}` : ''} does not verify${detail ? `: ${detail}` : ''}. Do not trust this image until you know why.`,
      };
    }
    return undefined;
  },
};
