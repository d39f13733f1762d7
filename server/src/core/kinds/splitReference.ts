// Rewrites a reference split over YAML keys (Helm values: `repository`, `tag`, `digest`). Only the
// tag and digest values change; every byte between them is kept.
import { parse } from 'yaml';
import type { SplitField, SplitReference } from '../types';

/**
 * The new text for `split.range`. With a `digest:` key the digest goes there and the tag stays a
 * plain tag (the Bitnami convention: the template writes `repository@digest` when digest is set).
 * Without one the digest is appended to the tag (`1.27@sha256:…`), which templates of the form
 * `{{ .Values.image.repository }}:{{ .Values.image.tag }}` turn into a valid pinned reference.
 */
export function rewriteSplit(split: SplitReference, tag: string | undefined, digest: string | undefined): string {
  const fields: Array<{ field: SplitField; value: string }> = [];
  if (split.digest) {
    fields.push({ field: split.tag, value: tag ?? '' });
    fields.push({ field: split.digest, value: digest ?? '' });
  } else {
    fields.push({ field: split.tag, value: `${tag ?? ''}${digest ? `@${digest}` : ''}` });
  }
  fields.sort((a, b) => b.field.start - a.field.start);
  let text = split.text;
  for (const { field, value } of fields) {
    const written = text.slice(field.start + field.quote.length, field.end - field.quote.length);
    // A value that does not change keeps its bytes (`tag: 1.27` stays unquoted).
    if (written === value) continue;
    text = text.slice(0, field.start) + yamlString(value, field.quote) + text.slice(field.end);
  }
  return text;
}

/**
 * What a fix does to the keys of a split reference, said in its title so the user knows which
 * convention it follows: the digest in the chart's `digest:` key, or appended to `tag:`.
 */
export function splitEditNote(split: SplitReference, writesDigest: boolean): string {
  if (!writesDigest) return split.digest ? ' (sets tag:, empties digest:)' : ' (sets tag:)';
  return split.digest ? ' (sets tag: and digest:)' : ' (no digest: key here: tag: becomes tag@digest)';
}

/** A YAML scalar that reads back as exactly `value`, a string, in the quoting the file used. */
export function yamlString(value: string, quote: SplitField['quote']): string {
  if (quote === "'") return `'${value.replace(/'/g, "''")}'`;
  if (quote === '' && value !== '' && /^[A-Za-z0-9_][A-Za-z0-9._@:+/-]*$/.test(value) && readsAsString(value))
    return value;
  return JSON.stringify(value);
}

function readsAsString(value: string): boolean {
  try {
    return parse(value) === value;
  } catch {
    return false;
  }
}
