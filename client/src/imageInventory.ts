// The images view's grouping and words: places grouped by image or by file, each group's worst
// finding, counts and state. Free of the vscode module so it can be tested with plain node.
import type { ImagePlace, PublisherTier, Severity } from '../../protocol/messages';
import { english, type Translate } from './translate';

export type { ImagePlace };

export interface ImageGroup {
  image: string;
  places: ImagePlace[];
  /** Distinct tags (and `@digest` for digest-only references) in use. */
  versions: string[];
  tier?: PublisherTier;
  trusted: boolean;
  unpinned: number;
  newer?: string;
  /** Some place has a newer patch release: "Update Everywhere to the Newest Patch" can do something. */
  patchable: boolean;
  endOfLife: boolean;
  /** Some place has known vulnerabilities that a newer tag fixes (rule vulnerable-image). */
  vulnerable: boolean;
  worst?: Severity;
}

export interface FileGroup {
  uri: string;
  places: ImagePlace[];
  worst?: Severity;
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * Where a reference starts, as one key: the view's actions pick, among the edits the server plans
 * for whole files, those that begin at the chosen places.
 */
export function placeKey(uri: string, start: { line: number; character: number }): string {
  return `${uri}#${start.line}:${start.character}`;
}

export function worstSeverity(places: readonly ImagePlace[]): Severity | undefined {
  let worst: Severity | undefined;
  for (const place of places)
    for (const finding of place.findings) if (!worst || RANK[finding.severity] < RANK[worst]) worst = finding.severity;
  return worst;
}

function byWorstThenName<T extends { worst?: Severity }>(name: (t: T) => string): (a: T, b: T) => number {
  return (a, b) =>
    (a.worst ? RANK[a.worst] : 3) - (b.worst ? RANK[b.worst] : 3) ||
    (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0);
}

/** Places that could not be read (variables without value, invalid text) group under their text. */
export function groupByImage(places: readonly ImagePlace[]): ImageGroup[] {
  const groups = new Map<string, ImagePlace[]>();
  for (const place of places) {
    const key = place.image ?? place.text;
    groups.set(key, [...(groups.get(key) ?? []), place]);
  }
  return [...groups]
    .map(([image, list]): ImageGroup => {
      const versions = [...new Set(list.map((p) => p.tag ?? (p.digest ? `@${p.digest.slice(0, 19)}…` : 'latest')))];
      const tiered = list.find((p) => p.tier);
      return {
        image,
        places: sortPlaces(list),
        versions: versions.sort(),
        tier: tiered?.tier,
        trusted: list.every((p) => p.trusted !== false),
        unpinned: list.filter((p) => p.image && !p.pinned).length,
        newer: list.find((p) => p.newer)?.newer,
        patchable: list.some((p) => p.newerPatch !== undefined),
        endOfLife: list.some((p) => p.endOfLife === true),
        vulnerable: list.some((p) => p.findings.some((f) => f.rule === 'vulnerable-image')),
        worst: worstSeverity(list),
      };
    })
    .sort(byWorstThenName((g) => g.image));
}

export function groupByFile(places: readonly ImagePlace[]): FileGroup[] {
  const groups = new Map<string, ImagePlace[]>();
  for (const place of places) groups.set(place.uri, [...(groups.get(place.uri) ?? []), place]);
  return [...groups]
    .map(([uri, list]) => ({ uri, places: sortPlaces(list), worst: worstSeverity(list) }))
    .sort(byWorstThenName((g) => g.uri));
}

function sortPlaces(places: ImagePlace[]): ImagePlace[] {
  return [...places].sort((a, b) =>
    a.uri !== b.uri
      ? a.uri < b.uri
        ? -1
        : 1
      : a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
}

/** Codicon of a publisher tier; an untrusted image shows a warning instead. */
export function tierIcon(tier: PublisherTier | undefined, trusted: boolean): string {
  if (!trusted) return 'warning';
  switch (tier) {
    case 'official':
      return 'verified-filled';
    case 'verified':
      return 'verified';
    case 'sponsored-oss':
      return 'heart';
    case 'community':
      return 'person';
    case 'other-registry':
      return 'server';
    default:
      return 'question';
  }
}

/** The short words beside an image: where it is used and what is wrong. */
export function describeImage(group: ImageGroup, t: Translate = english): string {
  const parts = [group.places.length === 1 ? t('1 place') : t('{0} places', group.places.length)];
  parts.push(group.versions.join(', '));
  if (group.unpinned > 0) parts.push(group.unpinned === 1 ? t('1 unpinned') : t('{0} unpinned', group.unpinned));
  if (group.newer) parts.push(t('{0} available', group.newer));
  if (group.endOfLife) parts.push(t('end of life'));
  if (group.vulnerable) parts.push(t('vulnerable'));
  return parts.join(' · ');
}

const TIER_WORDS: Record<PublisherTier, string> = {
  official: 'Docker Official Image',
  verified: 'Verified Publisher',
  'sponsored-oss': 'Docker-Sponsored Open Source',
  community: 'Community publisher',
  'other-registry': 'Private or third-party registry',
  unverified: 'Publisher could not be verified',
};

/** Markdown for the tooltip of an image: tier and trust first, then the state of each kind. */
export function imageTooltip(group: ImageGroup, t: Translate = english): string {
  const lines = [
    `**${escape(group.image)}**`,
    `${group.tier ? t(TIER_WORDS[group.tier]) : t('Not a readable reference')} · ${
      group.trusted ? t('trusted by your policy') : t('not trusted by your policy')
    }`,
    group.unpinned === 0
      ? t('Pinned to a digest everywhere')
      : t('Not pinned in {0} of {1} places', group.unpinned, group.places.length),
  ];
  if (group.newer) lines.push(t('Newer version: {0}', group.newer));
  if (group.endOfLife) lines.push(t('Past its end of life'));
  if (group.vulnerable) lines.push(t('Known vulnerabilities that a newer tag fixes'));
  const signatures = [...new Set(group.places.map((p) => p.signature).filter(Boolean))];
  if (signatures.length) lines.push(t('Signature: {0}', signatures.join(', ')));
  const rules = [...new Set(group.places.flatMap((p) => p.findings.map((f) => f.rule)))];
  if (rules.length) lines.push(t('Findings: {0}', rules.map((r) => `\`${r}\``).join(', ')));
  return lines.join('  \n');
}

function escape(text: string): string {
  return text.replace(/([\\`*_[\]<>])/g, '\\$1');
}

/** The image a reference text names, without tag or digest (`nginx:1.27@sha256:…` → `nginx`). */
export function imageOfReference(text: string): string {
  const withoutDigest = text.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}
