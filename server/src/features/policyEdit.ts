// Adds an entry to a list of `.image-trust.yaml` (trustedNamespaces, trustedRegistries) as text
// edits that leave every other byte of the file as it is: comments, order, quoting and line
// endings stay. Text in, edits out; no file-system access.
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { LineIndex } from '../core/lineIndex';
import { POLICY_FILE_NAME } from '../core/policy';
import type { Range } from '../core/types';

export type PolicyListKey = 'trustedNamespaces' | 'trustedRegistries';

export interface PolicyTextEdit {
  range: Range;
  newText: string;
}

export type PolicyListEdit = { edits: PolicyTextEdit[] } | { error: string };

/** Scalars that YAML reads back as the same string without quotes. */
function yamlScalar(value: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._/:-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|~)$/i.test(value)
    ? value
    : JSON.stringify(value);
}

/** The first lines of a policy file created by a quick fix. */
export function newPolicyFileText(key: PolicyListKey, values: readonly string[]): string {
  return [
    `# image-trust policy: read by the editor extension and by \`image-trust lint\` in CI.`,
    `# Keys: trustedRegistries, trustedNamespaces, rules, maxImageAgeDays, signatureKeys (see docs/rules.md).`,
    `${key}:`,
    ...values.map((v) => `  - ${yamlScalar(v)}`),
    '',
  ].join('\n');
}

/**
 * Edits that add `value` to the list `key` of the policy file `text`. When the file has no such
 * key, the list is created with `seed` (what the editor settings contributed, which a key in the
 * file would otherwise override) followed by `value`.
 */
export function addToPolicyList(
  text: string,
  key: PolicyListKey,
  value: string,
  seed: readonly string[] = [],
): PolicyListEdit {
  const doc = parseDocument(text);
  if (doc.errors.length) return { error: `${POLICY_FILE_NAME} has a syntax error; fix it first` };
  const lines = new LineIndex(text);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const insert = (offset: number, newText: string): PolicyListEdit => {
    const at = lines.positionAt(offset);
    return { edits: [{ range: { start: at, end: at }, newText }] };
  };
  const contents = doc.contents;
  if (contents !== null && !isMap(contents)) return { error: `${POLICY_FILE_NAME} is not a map of keys; fix it first` };
  const pair = contents?.items.find((p) => isScalar(p.key) && p.key.value === key);
  const entry = yamlScalar(value);
  if (!pair) {
    const block = [`${key}:`, ...[...seed, value].map((v) => `  - ${yamlScalar(v)}`)].join(eol) + eol;
    const trimmed = text.replace(/\s+$/, '');
    if (trimmed === '') return { edits: [{ range: lines.range(0, text.length), newText: block }] };
    const end = trimmed.length;
    // After the last non-blank byte: keep whatever blank lines follow it.
    return insert(end, eol + block.slice(0, -eol.length));
  }
  const list = pair.value;
  const lineEndOffset = (line: number) => lines.offsetAt({ line, character: 0 }) + lines.lineText(line).length;
  if (list === null || (isScalar(list) && list.value === null)) {
    // `key:` with nothing after it: the list starts on the next line.
    const keyLine = lines.positionAt((isScalar(pair.key) && pair.key.range?.[0]) || 0).line;
    const indent = (/^\s*/.exec(lines.lineText(keyLine))?.[0] ?? '') + '  ';
    return insert(lineEndOffset(keyLine), `${eol}${indent}- ${entry}`);
  }
  if (!isSeq(list) || !list.range) return { error: `${key} in ${POLICY_FILE_NAME} is not a list` };
  if (list.flow) {
    // `[a, b]`: before the closing bracket, which ends the node's value range.
    const close = text.lastIndexOf(']', list.range[1]);
    if (close < 0) return { error: `${key} in ${POLICY_FILE_NAME} is not a list` };
    const before = text.slice(list.range[0] + 1, close).trim();
    return insert(close, before ? `, ${entry}` : entry);
  }
  const last = list.items[list.items.length - 1] as { range?: [number, number, number] } | undefined;
  const first = list.items[0] as { range?: [number, number, number] } | undefined;
  if (!last?.range || !first?.range) return { error: `${key} in ${POLICY_FILE_NAME} is not a list` };
  const firstLine = lines.lineText(lines.positionAt(first.range[0]).line);
  const dash = /^(\s*)-\s/.exec(firstLine);
  const indent = dash ? dash[1] : '  ';
  // After the last item's value (a trailing comment on its line stays on that line).
  return insert(lineEndOffset(lines.positionAt(last.range[1]).line), `${eol}${indent}- ${entry}`);
}
