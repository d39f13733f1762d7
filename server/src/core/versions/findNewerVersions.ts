// "A newer version of exactly this variant exists": the newest patch, minor and major release
// among tags that share prefix, variant and number of parts with the current tag.
import type { VersionSuggestions } from '../facts';
import { compareTagVersions, parseTagVersion, sameLine, type TagVersion } from './tagVersion';

export function findNewerVersions(currentTag: string, availableTags: readonly string[]): VersionSuggestions {
  const current = parseTagVersion(currentTag);
  if (!current) return {};
  const candidates: TagVersion[] = [];
  for (const tag of availableTags) {
    const v = parseTagVersion(tag);
    if (!v || !sameLine(v, current)) continue;
    // Pre-releases are suggested only to someone already on one.
    if (v.prerelease && !current.prerelease) continue;
    if (compareTagVersions(v, current) > 0) candidates.push(v);
  }
  const [major, minor] = current.numbers;
  const parts = current.numbers.length;
  const newest = (list: TagVersion[]) => list.reduce<TagVersion | undefined>((best, v) => (!best || compareTagVersions(v, best) > 0 ? v : best), undefined)?.tag;
  const out: VersionSuggestions = {};
  if (parts >= 3) out.patch = newest(candidates.filter((v) => v.numbers[0] === major && v.numbers[1] === minor));
  if (parts >= 2) out.minor = newest(candidates.filter((v) => v.numbers[0] === major && v.numbers[1] > minor));
  out.major = newest(candidates.filter((v) => v.numbers[0] > major));
  for (const k of ['patch', 'minor', 'major'] as const) if (out[k] === undefined) delete out[k];
  return out;
}
