// A rule is data in, findings out. Adding a rule is adding a file and a line in index.ts.
import type { ImageFacts } from '../facts';
import type { Policy } from '../settings';
import type { Fix, ImageOccurrence, ImageReference, RuleId, Severity, SeveritySetting } from '../types';

export interface RuleInput {
  occurrence: ImageOccurrence;
  reference: ImageReference;
  policy: Policy;
  /** What the network said; empty when offline or not asked yet. */
  facts: ImageFacts;
  /** False when the user asked for no network (offline mode). */
  online: boolean;
}

export interface RuleResult {
  message: string;
  fixes?: Fix[];
  vulnerabilityIds?: string[];
  /** The finding's own severity (e.g. from a policy entry's mode); a severity set in `rules:` still wins. */
  severity?: Severity;
}

export interface Rule {
  id: RuleId;
  defaultSeverity: SeveritySetting;
  /** One line for SARIF and the rules table. */
  description: string;
  /** Why it matters and what to do, for SARIF help and the README. */
  help: string;
  /** True when the rule only speaks with answers from a registry or Docker Hub. */
  needsNetwork: boolean;
  check(input: RuleInput): RuleResult | undefined;
}

export const HELP_BASE = 'https://github.com/image-trust/image-trust/blob/main/docs/rules.md';
export function helpUri(id: RuleId): string {
  return `${HELP_BASE}#${id}`;
}
