// Which text a fix edits, shared by the Dockerfile and compose extractors: the reference as
// written, the default word of a `${VAR:-default}` written right there, or the place where the
// one variable it consists of gets its value (an ARG default). Anything else is refused with a
// reason, so a fix never rewrites text that is not the reference.
import type { VariableUse } from './interpolate';
import type { EditTarget } from './types';

/** Where a variable's value is written, or why it cannot be rewritten. */
export type VariableSite = { target: EditTarget } | { blocked: string };

export interface FixTargetInput {
  /** The reference text as written (its variables unexpanded). */
  written: string;
  /** Top-level variable uses in `written`, with offsets into it. */
  uses: VariableUse[];
  /** True when the use's default word is what the reference expands to. */
  defaultWordUsed: (use: VariableUse) => boolean;
  /** The edit target for the span [start, end) of `written`. */
  targetAt: (start: number, end: number) => EditTarget;
  /** Where the value of a variable used on its own is written. */
  variableSite: (name: string) => VariableSite;
  /** Why a reference made of several variables and text cannot be pinned. */
  piecesReason: string;
}

export type FixTargetDecision = { editTarget?: EditTarget; editBlockedReason?: string };

export function decideFixTarget(input: FixTargetInput): FixTargetDecision {
  const { written, uses } = input;
  if (uses.length === 0) return {};
  const only = uses.length === 1 && uses[0].start === 0 && uses[0].end === written.length ? uses[0] : undefined;
  if (!only) return { editBlockedReason: input.piecesReason };
  if ((only.operator === ':-' || only.operator === '-') && input.defaultWordUsed(only)) {
    if (only.wordStart === undefined || only.wordEnd === undefined) return { editBlockedReason: input.piecesReason };
    const word = written.slice(only.wordStart, only.wordEnd);
    // A default that is itself built from variables is not one place to write.
    if (word.includes('$')) return { editBlockedReason: input.piecesReason };
    return { editTarget: input.targetAt(only.wordStart, only.wordEnd) };
  }
  if (
    !only.operator ||
    only.operator === ':-' ||
    only.operator === '-' ||
    only.operator === ':?' ||
    only.operator === '?'
  ) {
    const site = input.variableSite(only.name);
    return 'target' in site ? { editTarget: site.target } : { editBlockedReason: site.blocked };
  }
  return {
    editBlockedReason: `the reference uses \${${only.name}${only.operator}...}, which cannot be pinned in place`,
  };
}
