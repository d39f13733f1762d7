// Rules reported by extraction and policy parsing rather than per image; they carry metadata
// (severity default, SARIF description) like every other rule.
import type { Severity } from '../types';
import type { Rule } from './rule';

/** A rule's default severity for a problem found while reading the document (never `off` there). */
export function documentSeverity(rule: Rule): Severity {
  return rule.defaultSeverity === 'off' ? 'info' : rule.defaultSeverity;
}

export const unresolvedVariable: Rule = {
  id: 'unresolved-variable',
  defaultSeverity: 'info',
  description: 'An image reference uses a variable that has no value where image-trust can see it.',
  help: "image-trust resolves Dockerfile global ARG defaults (as a build without --build-arg sees them) and compose variables from the environment and the .env file. A reference built from a variable without a value cannot be checked, and the build will pull whatever the variable says at build time. Give the ARG a default or set the variable in .env. A reference that uses an automatic platform ARG (TARGETARCH, BUILDPLATFORM, ...) depends on the platform being built: no default is advised, and ONBUILD variables are the child build's.",
  needsNetwork: false,
  check: () => undefined,
};

export const invalidDocument: Rule = {
  id: 'invalid-document',
  defaultSeverity: 'error',
  description: 'The file cannot be read as a Dockerfile or compose file (invalid YAML, binary, too large).',
  help: 'Images in a file that does not parse cannot be checked. Fix the syntax error shown.',
  needsNetwork: false,
  check: () => undefined,
};

export const invalidPolicy: Rule = {
  id: 'invalid-policy',
  defaultSeverity: 'error',
  description: 'The policy file .image-trust.yaml has an unknown key or a bad value.',
  help: 'A policy that is silently ignored enforces nothing. Fix the key or value named in the message; the keys are trustedRegistries, trustedNamespaces, rules, maxImageAgeDays, signatureKeys, signatures and attestations.',
  needsNetwork: false,
  check: () => undefined,
};
