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

function byNewestThenMostSpecific(a: TagVersion, b: TagVersion): number {
  const c = compareTagVersions(b, a);
  if (c !== 0) return c;
  return b.numbers.length - a.numbers.length;
}

/**
 * The version tags worth resolving to find what a floating tag points to, newest and most
 * specific first, at most `limit` of them, so the network cost stays small.
 */
export function candidateTagsForDigestMatch(currentTag: string | undefined, availableTags: readonly string[], limit = 24): string[] {
  const variant = floatingVariant(currentTag);
  const versions: TagVersion[] = [];
  for (const tag of availableTags) {
    const v = parseTagVersion(tag);
    if (v && !v.prerelease && v.variant === variant && (v.prefix === '' || v.prefix === 'v')) versions.push(v);
  }
  versions.sort(byNewestThenMostSpecific);
  return versions.slice(0, limit).map((v) => v.tag);
}

/** The most specific (most parts), then newest, version tag of the floating tag's variant with `digest`. */
export function pickTagForDigest(currentTag: string | undefined, digest: string, tagDigests: Record<string, string>): string | undefined {
  const variant = floatingVariant(currentTag);
  let best: TagVersion | undefined;
  for (const [tag, d] of Object.entries(tagDigests)) {
    if (d !== digest) continue;
    const v = parseTagVersion(tag);
    if (!v || v.prerelease || v.variant !== variant) continue;
    if (!best || v.numbers.length > best.numbers.length || (v.numbers.length === best.numbers.length && compareTagVersions(v, best) > 0)) best = v;
  }
  return best?.tag;
}
