// Newer releases of exactly this variant, nearest first: where to look for the smallest move that
// fixes something (same prefix, suffix and number of parts as findNewerVersions; no pre-releases).
import { compareTagVersions, parseTagVersion, sameLine } from './tagVersion';

export function nearestNewerTags(currentTag: string, availableTags: readonly string[]): string[] {
  const current = parseTagVersion(currentTag);
  if (!current) return [];
  return availableTags
    .map((t) => parseTagVersion(t))
    .filter((v): v is NonNullable<typeof v> => !!v && sameLine(v, current) && !v.prerelease)
    .filter((v) => compareTagVersions(v, current) > 0)
    .sort(compareTagVersions)
    .map((v) => v.tag);
}
