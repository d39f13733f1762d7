// "`latest` is 1.27.3 today": find the most specific version tag that points to the same digest
// as a floating tag (latest, an omitted tag, mainline, alpine, stable-alpine).
import { compareTagVersions, parseTagVersion, type TagVersion } from './tagVersion';

/** Tags whose versions have no suffix: the floating tag stands for the plain variant. */
const PLAIN_FLOATING = new Set(['latest', 'stable', 'mainline', 'lts', 'current', 'release', 'edge']);

/** The variant suffix the version tags of a floating tag carry: `alpine` → `-alpine`, `latest` → ``. */
export function floatingVariant(currentTag: string | undefined): string {
  const tag = currentTag ?? 'latest';
  if (PLAIN_FLOATING.has(tag)) return '';
  const dash = tag.indexOf('-');
  if (dash > 0 && PLAIN_FLOATING.has(tag.slice(0, dash))) return tag.slice(dash);
  return `-${tag}`;
}

/**
 * The variants to look for, most specific first: codenames and distribution names that have no
 * version tags of their own (`node:jod`, `node:krypton-alpine`, `ubuntu:jammy`, `debian:bookworm-slim`)
 * fall back to the variant left after dropping their leading words (`-alpine`, ``, `-slim`).
 * Matching digests keeps a fallback honest: it only names a tag that is the very same image.
 */
function floatingVariantChain(currentTag: string | undefined): string[] {
  const chain = [floatingVariant(currentTag)];
  for (let v = chain[0]; v;) {
    const next = v.indexOf('-', 1);
    v = next > 0 ? v.slice(next) : '';
    chain.push(v);
  }
  return chain;
}

function isPlainVersion(v: TagVersion | undefined): v is TagVersion {
  return !!v && !v.prerelease && (v.prefix === '' || v.prefix === 'v');
}

function byNewestThenMostSpecific(a: TagVersion, b: TagVersion): number {
  const c = compareTagVersions(b, a);
  if (c !== 0) return c;
  // `3.7.11` before `v3.7.11` (Traefik publishes both): the same image, one stable answer.
  return b.numbers.length - a.numbers.length || a.prefix.length - b.prefix.length;
}

/** Most specific first, then newest, then without a `v`. */
function byMostSpecificThenNewest(a: TagVersion, b: TagVersion): number {
  return b.numbers.length - a.numbers.length || compareTagVersions(b, a) || a.prefix.length - b.prefix.length;
}

/**
 * The version tags worth resolving to find what a floating tag points to, newest and most
 * specific first, at most `limit` of them, so the network cost stays small.
 */
export function candidateTagsForDigestMatch(
  currentTag: string | undefined,
  availableTags: readonly string[],
  limit = 24,
): string[] {
  const all = availableTags.map(parseTagVersion).filter(isPlainVersion);
  for (const variant of floatingVariantChain(currentTag)) {
    const versions = all.filter((v) => v.variant === variant);
    if (versions.length === 0) continue;
    versions.sort(byNewestThenMostSpecific);
    return versions.slice(0, limit).map((v) => v.tag);
  }
  return [];
}

/** The most specific (most parts), then newest, version tag of the floating tag's variant with `digest`. */
export function pickTagForDigest(
  currentTag: string | undefined,
  digest: string,
  tagDigests: Record<string, string>,
): string | undefined {
  const resolved = Object.keys(tagDigests).map(parseTagVersion).filter(isPlainVersion);
  // The same variant candidateTagsForDigestMatch chose: the first of the chain with versions.
  const variant = floatingVariantChain(currentTag).find((v) => resolved.some((r) => r.variant === v));
  return resolved.filter((v) => v.variant === variant && tagDigests[v.tag] === digest).sort(byMostSpecificThenNewest)[0]
    ?.tag;
}
