// "A newer version of exactly this variant exists": the newest patch, minor and major release
// among tags that share prefix, variant and number of parts with the current tag.
import type { VersionSuggestions } from '../facts';
import { compareTagVersions, parseTagVersion, sameLine, type TagVersion } from './tagVersion';

/**
 * Which bucket a newer version falls in: the first number that differs decides. The same numbers
 * (`3.15-rc` → `3.15`, `19beta3` → `19`, a rebuild `_10` after `_9`) is the smallest step there is,
 * so it counts as a patch even for tags with fewer than three parts.
 */
function bucketOf(candidate: TagVersion, current: TagVersion): keyof VersionSuggestions {
  const first = candidate.numbers.findIndex((n, i) => n !== current.numbers[i]);
  if (first === 0) return 'major';
  if (first === 1) return 'minor';
  return 'patch';
}

function samePrereleaseTarget(candidate: TagVersion, current: TagVersion): boolean {
  return candidate.numbers.every((n, i) => n === current.numbers[i]);
}

/**
 * A pre-release without a number of its own (`8.5-rc`, `28-ea`, `3.5-dev`) is a channel: it follows
 * the newest pre-release of its numbers, so a numbered one (`28-ea-11`) is never ahead of it. With
 * two parts even the release of the same numbers may be behind: PHP keeps `8.5-rc` = 8.5.10RC1
 * beside `8.5` = 8.5.9. From a channel only other numbers are offered, and the release of the same
 * numbers for one or three parts (`27-rc` → `27`, `3.15.0-rc` → `3.15.0`).
 */
function behindChannel(candidate: TagVersion, current: TagVersion): boolean {
  if (!current.prerelease || /\d/.test(current.prerelease) || !samePrereleaseTarget(candidate, current)) return false;
  return !!candidate.prerelease || current.numbers.length === 2;
}

export interface NewerVersion {
  tag: string;
  level: keyof VersionSuggestions;
}

/** Every newer release of exactly this variant, each with the level it moves by, newest first per level. */
export function listNewerVersions(currentTag: string, availableTags: readonly string[]): NewerVersion[] {
  const current = parseTagVersion(currentTag);
  if (!current) return [];
  const found: Array<{ version: TagVersion; level: keyof VersionSuggestions }> = [];
  for (const tag of availableTags) {
    const v = parseTagVersion(tag);
    if (!v || !sameLine(v, current)) continue;
    // Pre-releases are suggested only to someone already testing that same release (3.15.0rc1 →
    // 3.15.0rc2), never a pre-release of another one (3.15.0rc1 → 3.16.0a1): Renovate's rule too.
    if (v.prerelease && !(current.prerelease && samePrereleaseTarget(v, current))) continue;
    if (compareTagVersions(v, current) <= 0) continue;
    if (behindChannel(v, current)) continue;
    found.push({ version: v, level: bucketOf(v, current) });
  }
  const order: Record<keyof VersionSuggestions, number> = { patch: 0, minor: 1, major: 2 };
  found.sort((a, b) => order[a.level] - order[b.level] || compareTagVersions(b.version, a.version));
  return found.map((f) => ({ tag: f.version.tag, level: f.level }));
}

export function findNewerVersions(currentTag: string, availableTags: readonly string[]): VersionSuggestions {
  const out: VersionSuggestions = {};
  // The list is newest first within each level: the first of a level is its newest.
  for (const { tag, level } of listNewerVersions(currentTag, availableTags)) out[level] ??= tag;
  return out;
}
