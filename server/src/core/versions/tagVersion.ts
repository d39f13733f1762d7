// What a Docker tag means as a version: optional prefix, one to four numeric parts, an optional
// pre-release, and a variant suffix (`-slim-bookworm`, `-alpine3.20`, `-jdk-jammy`). Named tags
// (`latest`, `lts`, `mainline`, `bookworm`, `alpine`) are not versions. See docs/versions.md.
import semver from 'semver';

export interface TagVersion {
  readonly tag: string;
  /** `v` in `v1.2.3`, `ce-` in `ce-8.1.2.4`; empty for most images. */
  readonly prefix: string;
  readonly numbers: readonly number[];
  /** The number parts as written (`08` stays `08`; `8u402` reads as `8`, `0`, `402`). */
  readonly rawNumbers: readonly string[];
  /** `-rc1`, `b2`, `-beta.1` …; present only for pre-releases. */
  readonly prerelease?: string;
  /** The build number right after the version: `_9` in Temurin's `11.0.32_9`, `-b07` in `8u502-b07`, `_1` in `ee-8.1.2.4_1`. */
  readonly build?: string;
  /** Everything after the version and pre-release: `-slim-bookworm`, `-alpine3.20`, ``. */
  readonly variant: string;
}

const SHAPE = /^((?:[A-Za-z][A-Za-z0-9]*-)|v|V)?(\d{1,10}(?:\.\d{1,10}){0,3})(.*)$/;
// A pre-release right after the numbers: 3.13.0rc1, 1.2.3-beta.1, 21-ea, 8.0-preview.3, 1.0-dev.
const PRERELEASE = /^([-.]?(?:alpha|beta|rc|dev|ea|preview|pre|a|b)(?:[.-]?\d+)*)(?=$|[-_])/i;
const TRAILING_PRERELEASE = /-(?:alpha|beta|rc)\d*$/i;
const ARTIFACT_TAG = /^sha256-[a-f0-9]{64}/;

// Java 8 updates: `8u402` is version 8.0.402 (JEP 223's mapping of 1.8.0_402), `-b06` its build.
const JAVA8_UPDATE = /^(\d{1,2})u(\d{1,4})(-b\d{1,3})?(?=$|-)(.*)$/;

// Tag lists come from a cache and are read again on every keystroke: each tag is parsed once.
// Bounded so a long session over many repositories cannot grow it without end.
const parsedTags = new Map<string, TagVersion | undefined>();
const PARSED_TAGS_LIMIT = 50_000;

/** The parse is shared between callers, hence read-only. */
export function parseTagVersion(tag: string): TagVersion | undefined {
  if (parsedTags.has(tag)) return parsedTags.get(tag);
  const version = parseUncached(tag);
  if (parsedTags.size >= PARSED_TAGS_LIMIT) parsedTags.clear();
  parsedTags.set(tag, version);
  return version;
}

function parseUncached(tag: string): TagVersion | undefined {
  if (ARTIFACT_TAG.test(tag)) return undefined;
  const java = JAVA8_UPDATE.exec(tag);
  if (java) {
    const [, major, update, build, variant] = java;
    return {
      tag,
      prefix: '',
      numbers: [Number(major), 0, Number(update)],
      rawNumbers: [major, '0', update],
      variant,
      ...(build ? { build } : {}),
    };
  }
  const m = SHAPE.exec(tag);
  if (!m) return undefined;
  const [, prefix = '', nums, afterNumbers] = m;
  let rest = afterNumbers;
  // Temurin's `_9` is the JDK build of 11.0.32, not part of the variant: without this every
  // Temurin release would be its own variant and never see the next one.
  const build = /^_\d+(?=$|-)/.exec(rest)?.[0];
  if (build) rest = rest.slice(build.length);
  let prerelease: string | undefined;
  const pre = PRERELEASE.exec(rest);
  if (pre) {
    prerelease = pre[1];
    rest = rest.slice(pre[1].length);
  }
  // After the numbers comes a separator or nothing: `3.11.4slim` or `1.2.3.4.5` is not a version.
  if (rest && !/^[-_+]/.test(rest)) return undefined;
  // MariaDB puts the pre-release word last (`13.0.1-ubi10-rc`, `13.0-resolute-rc`). Only the
  // unambiguous words count there: a trailing `-dev` is as often a variant with build tools.
  const trailing = prerelease ? undefined : TRAILING_PRERELEASE.exec(rest);
  if (trailing && trailing.index > 0) {
    prerelease = trailing[0];
    rest = rest.slice(0, trailing.index);
  }
  const rawNumbers = nums.split('.');
  return {
    tag,
    prefix,
    numbers: rawNumbers.map(Number),
    rawNumbers,
    prerelease,
    variant: rest,
    ...(build ? { build } : {}),
  };
}

/**
 * Same prefix, variant, number of parts and build-number shape: the only tags a version may move
 * between. `ee-8.1.2.4` and its rebuild `ee-8.1.2.4_1` are published side by side; each line
 * follows its own kind.
 */
export function sameLine(a: TagVersion, b: TagVersion): boolean {
  return (
    a.prefix === b.prefix &&
    a.variant === b.variant &&
    a.numbers.length === b.numbers.length &&
    !a.build === !b.build &&
    isDateTag(a) === isDateTag(b)
  );
}

/**
 * `20260805` (alpine's edge snapshot) is a date, not major version twenty million: `alpine:3` must
 * not be told to move to it, nor `alpine:20240606` to 3.
 */
function isDateTag(v: TagVersion): boolean {
  return /^(?:19|20)\d{6}$/.test(v.rawNumbers[0]);
}

const PRE_ORDER = ['dev', 'a', 'alpha', 'b', 'beta', 'pre', 'preview', 'ea', 'rc'];

export function compareTagVersions(a: TagVersion, b: TagVersion): number {
  // Three plain parts are semver-shaped: semver decides (the common case).
  if (a.numbers.length === 3 && b.numbers.length === 3 && !a.prerelease && !b.prerelease && !a.build && !b.build) {
    const sa = semver.valid(a.numbers.join('.'));
    const sb = semver.valid(b.numbers.join('.'));
    if (sa && sb) return semver.compare(sa, sb);
  }
  const n = Math.max(a.numbers.length, b.numbers.length);
  for (let i = 0; i < n; i++) {
    const d = (a.numbers[i] ?? -1) - (b.numbers[i] ?? -1);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  if (!a.prerelease !== !b.prerelease) return a.prerelease ? -1 : 1;
  if (a.prerelease && b.prerelease) {
    const c = comparePrerelease(a.prerelease, b.prerelease);
    if (c !== 0) return c;
  }
  return Math.sign(buildNumber(a) - buildNumber(b));
}

function buildNumber(v: TagVersion): number {
  return v.build ? Number(v.build.replace(/^\D+/, '')) : -1;
}

function comparePrerelease(a: string, b: string): number {
  const parse = (p: string) => {
    const m = /([a-z]+)[.-]?(\d*)/i.exec(p)!;
    return { rank: PRE_ORDER.indexOf(m[1].toLowerCase()), n: Number(m[2] || 0) };
  };
  const x = parse(a);
  const y = parse(b);
  return x.rank !== y.rank ? Math.sign(x.rank - y.rank) : Math.sign(x.n - y.n);
}
