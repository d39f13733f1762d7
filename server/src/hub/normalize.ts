// Hub JSON → typed values. The Hub's payloads disagree with its own OpenAPI (`v2` is a boolean,
// `images` an array, `tag_status` not `status`; docs/registries.md §4.3) and fields come and go, so
// every field is read defensively: a wrong type is treated as absent, never as an error. Only a
// body that is not an object at all is a protocol error (the caller decides).
import type { PublisherTier } from '../core/facts';
import type { HubRepository, HubTag, HubTagImage } from './types';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function count(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  // The OpenAPI types some counts as strings; accept plain digits, not display forms like "1B+".
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

function flag(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  // OpenAPI says `v2` is a string; real payloads send `true` (docs/registries.md §4.3). Take both.
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

function put<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

/** Undefined when the body is not a repository object. */
export function parseHubRepository(body: unknown, namespace: string, name: string): HubRepository | undefined {
  if (!isObject(body)) return undefined;
  const repo: HubRepository = {
    namespace: text(body.namespace) ?? namespace,
    name: text(body.name) ?? name,
    categories: Array.isArray(body.categories)
      ? body.categories.flatMap((c) => {
          const catName = isObject(c) ? text(c.name) : undefined;
          if (!isObject(c) || !catName) return [];
          const slug = text(c.slug);
          return [slug ? { name: catName, slug } : { name: catName }];
        })
      : [],
    mediaTypes: strings(body.media_types),
    contentTypes: strings(body.content_types),
  };
  put(repo, 'description', text(body.description));
  put(repo, 'starCount', count(body.star_count));
  put(repo, 'pullCount', count(body.pull_count));
  put(repo, 'lastUpdated', text(body.last_updated));
  put(repo, 'dateRegistered', text(body.date_registered));
  put(repo, 'isPrivate', flag(body.is_private));
  put(repo, 'status', text(body.status_description)?.toLowerCase());
  put(repo, 'repositoryType', text(body.repository_type));
  return repo;
}

/** Undefined when the body is not a tag object. */
export function parseHubTag(body: unknown, tagName: string): HubTag | undefined {
  if (!isObject(body)) return undefined;
  const tag: HubTag = {
    name: text(body.name) ?? tagName,
    images: Array.isArray(body.images) ? body.images.flatMap(parseTagImage) : [],
  };
  put(tag, 'digest', text(body.digest));
  put(tag, 'mediaType', text(body.media_type));
  put(tag, 'contentType', text(body.content_type));
  put(tag, 'lastUpdated', text(body.last_updated));
  put(tag, 'lastPushed', text(body.tag_last_pushed));
  put(tag, 'lastPulled', text(body.tag_last_pulled));
  put(tag, 'status', text(body.tag_status) ?? text(body.status));
  put(tag, 'fullSize', count(body.full_size));
  put(tag, 'v2', flag(body.v2));
  return tag;
}

function parseTagImage(entry: unknown): HubTagImage[] {
  if (!isObject(entry)) return [];
  const os = text(entry.os);
  const architecture = text(entry.architecture);
  if (!os || !architecture) return [];
  // Build attestations sit in the index as `unknown/unknown` entries: not a platform
  // (docs/registries.md §6.5; whether Hub lists them is unverified, §4.3, so drop them here).
  if (os === 'unknown' || architecture === 'unknown') return [];
  const image: HubTagImage = { os, architecture };
  put(image, 'variant', text(entry.variant));
  put(image, 'osVersion', text(entry.os_version));
  put(image, 'digest', text(entry.digest));
  put(image, 'size', count(entry.size));
  put(image, 'status', text(entry.status));
  put(image, 'lastPushed', text(entry.last_pushed));
  put(image, 'lastPulled', text(entry.last_pulled));
  return [image];
}

/** `linux/arm/v7`, the form `docker --platform` takes. */
export function platformOf(image: HubTagImage): string {
  return [image.os, image.architecture, image.variant].filter(Boolean).join('/');
}

/** Distinct platforms of a tag, in the Hub's order. */
export function hubTagPlatforms(tag: HubTag): string[] {
  return [...new Set(tag.images.map(platformOf))];
}

export type SearchMatch =
  { found: true; tier: Exclude<PublisherTier, 'other-registry' | 'unverified'> } | { found: false };

/**
 * The tier of `namespace/name` from a search v4 answer (docs/registries.md §5.2, option 2): only a
 * result whose `name` or `slug` is exactly the repository counts, since search is fuzzy and
 * `someuser/nginx` must not inherit the badge of `nginx`. Undefined when the body is no search answer.
 */
export function tierFromSearch(body: unknown, namespace: string, name: string): SearchMatch | undefined {
  if (!isObject(body) || !Array.isArray(body.results)) return undefined;
  const wanted = `${namespace}/${name}`.toLowerCase();
  const hit = body.results.find(
    (r) => isObject(r) && [text(r.name), text(r.slug)].some((n) => n?.toLowerCase() === wanted),
  );
  if (!isObject(hit)) return { found: false };
  switch (hit.badge) {
    case 'official':
      return { found: true, tier: 'official' };
    case 'verified_publisher':
      return { found: true, tier: 'verified' };
    case 'open_source':
      return { found: true, tier: 'sponsored-oss' };
    default:
      // `none`, null, absent, or a badge this version does not know: nothing vouches for it.
      return { found: true, tier: 'community' };
  }
}
