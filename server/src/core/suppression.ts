// `# image-trust-ignore=rule-id[,rule-id]` on the comment lines just above an instruction or key.
// JSONC (dev containers) and HCL (bake) write the same comment with `//`.
import type { LineIndex } from './lineIndex';

export type CommentStyle = 'hash' | 'slash' | 'hash-or-slash';

const COMMENT: Record<CommentStyle, RegExp> = {
  hash: /^\s*#/,
  slash: /^\s*\/\//,
  'hash-or-slash': /^\s*(?:#|\/\/)/,
};
const IGNORE = /^\s*(?:#|\/\/)\s*image-trust-ignore\s*=\s*([A-Za-z0-9_,\s-]+?)\s*$/;

/** Rule ids silenced for the construct that starts on `line`; `all` silences every rule. */
export function suppressedRulesAbove(lines: LineIndex, line: number, style: CommentStyle = 'hash'): Set<string> {
  const rules = new Set<string>();
  for (let l = line - 1; l >= 0; l--) {
    const text = lines.lineText(l);
    if (!COMMENT[style].test(text)) break;
    const m = IGNORE.exec(text);
    if (m) for (const id of m[1].split(',')) if (id.trim()) rules.add(id.trim());
  }
  return rules;
}
