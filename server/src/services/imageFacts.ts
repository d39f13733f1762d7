// Gathers what the network knows about a reference (digest, tags, publisher, signature) into
// ImageFacts for the rules, hover and fixes. Every answer is optional: a failure becomes
// `unavailable` with a reason, never an exception, and never blocks the rules that need none.
import { lookupEol } from '../core/eol/eol';
import type {
  Answer,
  EolInfo,
  ImageFacts,
  ImageProvenance,
  PublisherInfo,
  SignatureStatus,
  TagDetails,
  VulnerabilityFixTarget,
} from '../core/facts';
import { DEFAULT_PLATFORM } from '../core/platform';
import { nearestNewerTags } from '../core/versions/nearestNewerTags';
import {
  reportableVulnerabilities,
  type VulnerabilityPolicy,
  type VulnerabilityReport,
} from '../core/vuln/vulnerabilityReport';
import { hubNamespace, isOfficialImage } from '../core/reference';
import { ruleById } from '../core/rules';
import { policyKeys } from '../core/signaturePolicy';
import type { Policy } from '../core/settings';
import type { ImageReference, RuleId } from '../core/types';
import { candidateTagsForDigestMatch, pickTagForDigest } from '../core/versions/latestResolution';
import { findNewerVersions } from '../core/versions/findNewerVersions';
import { isOfficialImageName } from '../data/officialImages';
import type { RegistryClient, RegistryError, RegistryResult, RepositoryName } from '../registry/types';
import type { EolRefresher } from './eolRefresh';

/** Docker Hub's web API as the facts need it (adapter over server/src/hub). */
export interface PublisherLookup {
  publisher(ref: ImageReference, signal?: AbortSignal): Promise<Answer<PublisherInfo>>;
  tagDetails(ref: ImageReference, tag: string, signal?: AbortSignal): Promise<Answer<TagDetails> | undefined>;
}

export interface SignatureRequest {
  /** PEM public keys from the policy (signatureKeys and the signatures/attestations entries). */
  keys: string[];
  /** The keys that decide verified/invalid for `unsigned-image`: the policy's signatureKeys. */
  stateKeys: string[];
  /** Verify keyless signatures and signed attestations against the Sigstore trusted root. */
  verify: boolean;
}

export interface SignatureLookup {
  /** With no keys and no `verify`, signatures are found but not verified. */
  check(
    repo: RepositoryName,
    digest: string,
    request: SignatureRequest,
    signal?: AbortSignal,
  ): Promise<Answer<SignatureStatus>>;
}

/** Known vulnerabilities of one platform's image (server/src/vuln). */
export interface VulnerabilityLookup {
  scan(
    repo: RepositoryName,
    tagOrDigest: string,
    platform: string,
    signal?: AbortSignal,
  ): Promise<Answer<VulnerabilityReport>>;
}

/** Provenance of one platform's image (server/src/provenance). */
export interface ProvenanceSource {
  provenance(
    repo: RepositoryName,
    tagOrDigest: string,
    platform: string,
    signal?: AbortSignal,
  ): Promise<Answer<ImageProvenance>>;
}

export interface FactsSources {
  registry: RegistryClient;
  vulnerabilities?: VulnerabilityLookup;
  provenance?: ProvenanceSource;
  /** Newer end-of-life data than the shipped snapshot, when online. */
  eol?: EolRefresher;
  publishers?: PublisherLookup;
  signatures?: SignatureLookup;
  /** True when the user asked for no network: no source is called. */
  offline: boolean;
  /**
   * Registries whose digests must be verified against the manifest bytes (a GET) rather than
   * taken from a HEAD's Docker-Content-Digest: every one but Docker Hub itself, whose HEADs do not
   * count against the pull rate limit and which is reached over TLS. A mirror may lie.
   */
  verifyDigests?: (registry: string) => boolean;
}

/** Which answers to fetch; each costs requests, so callers ask only for what they show. */
export interface FactsWanted {
  digest?: boolean;
  versions?: boolean;
  publisher?: boolean;
  tagDetails?: boolean;
  signature?: boolean;
  /** Policy keys that signatures must verify with (`signatureKeys`). */
  signatureKeys?: string[];
  /** Keys of the signatures/attestations entries: verified too, for the signatures policy. */
  policyKeys?: string[];
  /** Verify keyless signatures and attestations (who signed), not only find them. */
  verifySignatures?: boolean;
  vulnerabilities?: boolean;
  provenance?: boolean;
  /** Platforms whose image the vulnerabilities and provenance are read for (default linux/amd64). */
  platforms?: string[];
  /** With it, the nearest tag of the same variant that fixes what it reports is looked for. */
  vulnerabilityPolicy?: VulnerabilityPolicy;
}

/** Candidate tags checked for the vulnerability fix, nearest first. */
const FIX_CANDIDATES = 3;

/** The answers the enabled rules need: each costs requests, so rules that are off cost none. */
export function factsWantedFor(policy: Policy): FactsWanted {
  const on = (id: RuleId) => (policy.rules[id] ?? ruleById(id)!.defaultSeverity) !== 'off';
  const signaturePolicy =
    on('untrusted-signature') && ((policy.signatures?.length ?? 0) > 0 || (policy.attestations?.length ?? 0) > 0);
  return {
    digest: true,
    versions: on('outdated-version') || on('latest-tag') || on('missing-tag'),
    publisher: on('unofficial-image'),
    tagDetails: on('stale-image'),
    signature: on('unsigned-image') || signaturePolicy,
    ...signatureWanted(policy, signaturePolicy),
    vulnerabilities: on('vulnerable-image'),
    provenance: on('stale-base'),
    platforms: [policy.platform ?? DEFAULT_PLATFORM],
    vulnerabilityPolicy: on('vulnerable-image') ? policy.vulnerabilities : undefined,
  };
}

/** What the signature lookup must verify for this policy; the hover always verifies (it says who signed). */
export function signatureWanted(
  policy: Policy,
  verify = true,
): Pick<FactsWanted, 'signatureKeys' | 'policyKeys' | 'verifySignatures'> {
  return { signatureKeys: policy.signatureKeys, policyKeys: policyKeys(policy), verifySignatures: verify };
}

/** `wanted` for a reference used with these platforms (its `FROM --platform` values, or the default). */
export function withPlatforms(wanted: FactsWanted, platforms: Iterable<string>): FactsWanted {
  const list = [...new Set(platforms)].sort();
  return list.length ? { ...wanted, platforms: list } : wanted;
}

export const ALL_FACTS: FactsWanted = {
  digest: true,
  versions: true,
  publisher: true,
  tagDetails: true,
  signature: true,
  vulnerabilities: true,
  provenance: true,
};

/** Distinct references whose offline facts are remembered (a bound, not a cache policy). */
const OFFLINE_MEMO_LIMIT = 20_000;

/** At most this many candidate tags are resolved to find what `latest` points to. */
const LATEST_CANDIDATES = 24;

export class ImageFactsService {
  private readonly memo = new Map<string, { at: number; wanted: FactsWanted; facts: Promise<ImageFacts> }>();
  private readonly memoMs: number;

  constructor(
    private readonly sources: FactsSources,
    options: { memoMs?: number; now?: () => Date } = {},
  ) {
    this.memoMs = options.memoMs ?? 60_000;
    this.now = options.now ?? (() => new Date());
  }

  private readonly now: () => Date;

  /**
   * Facts that need no network: end of life from the shipped snapshot (or a refreshed answer).
   * Asked for every reference on every keystroke, so the lookup is remembered per name, tag and
   * day; a refreshed answer for the product (another cycles array) replaces the entry.
   */
  offlineFacts(ref: ImageReference): ImageFacts {
    const today = this.now();
    const day = today.toISOString().slice(0, 10);
    const cycles = this.sources.eol?.cyclesFor(ref);
    const key = `${ref.registry}/${ref.repository}:${ref.tag ?? ''}`;
    let entry = this.offlineMemo.get(key);
    if (!entry || entry.day !== day || entry.cycles !== cycles) {
      if (this.offlineMemo.size >= OFFLINE_MEMO_LIMIT) this.offlineMemo.clear();
      const refreshedAt = cycles ? this.sources.eol?.refreshedAt(ref) : undefined;
      entry = { day, cycles, eol: lookupEol(ref, ref.tag, today, undefined, cycles, refreshedAt) };
      this.offlineMemo.set(key, entry);
    }
    return entry.eol ? { eol: entry.eol } : {};
  }

  private readonly offlineMemo = new Map<string, { day: string; cycles: unknown; eol: EolInfo | undefined }>();

  clear(): void {
    this.memo.clear();
  }

  gather(ref: ImageReference, wanted: FactsWanted, signal?: AbortSignal): Promise<ImageFacts> {
    const keys = [...(wanted.signatureKeys ?? []), ...(wanted.policyKeys ?? [])];
    let key = `${ref.raw}${keys.length ? `|${keys.join('|')}` : ''}${wanted.verifySignatures ? '|verify' : ''}`;
    if (wanted.platforms?.length) key += `|${wanted.platforms.join(',')}`;
    const entry = this.memo.get(key);
    if (entry && Date.now() - entry.at < this.memoMs && covers(entry.wanted, wanted)) return entry.facts;
    const merged = entry && Date.now() - entry.at < this.memoMs ? { ...entry.wanted, ...wanted } : wanted;
    const facts = this.fetch(ref, merged, signal).catch((error: unknown): ImageFacts => ({
      ...this.offlineFacts(ref),
      currentDigest: { state: 'unavailable', reason: String((error as Error)?.message ?? error) },
    }));
    this.memo.set(key, { at: Date.now(), wanted: merged, facts });
    // A failed or aborted gather must not be served from the memo later (`facts` never rejects).
    void facts.then((f) => {
      if (signal?.aborted || f.currentDigest?.state === 'unavailable') {
        if (this.memo.get(key)?.facts === facts) this.memo.delete(key);
      }
    });
    return facts;
  }

  private async fetch(ref: ImageReference, wanted: FactsWanted, signal?: AbortSignal): Promise<ImageFacts> {
    const facts = this.offlineFacts(ref);
    // The end-of-life refresh runs beside the registry lookups, never in front of them.
    const eolRefresh = this.sources.offline ? undefined : this.sources.eol?.refresh(ref, signal);
    const gathered = await this.fetchOnline(ref, wanted, facts, signal);
    if (eolRefresh) {
      await eolRefresh;
      const refreshed = this.offlineFacts(ref).eol;
      if (refreshed) gathered.eol = refreshed;
    }
    return gathered;
  }

  private async fetchOnline(
    ref: ImageReference,
    wanted: FactsWanted,
    facts: ImageFacts,
    signal?: AbortSignal,
  ): Promise<ImageFacts> {
    if (this.sources.offline) {
      const reason = 'offline mode';
      if (wanted.publisher && ref.registry === 'docker.io') {
        facts.publisher = isOfficialImage(ref)
          ? { state: 'known', value: { tier: 'official' } }
          : { state: 'unavailable', reason };
      }
      return facts;
    }
    const repo: RepositoryName = { registry: ref.registry, repository: ref.repository };
    const registry = this.sources.registry;
    const tag = ref.tag ?? (ref.digest ? undefined : 'latest');

    // Outside Docker Hub the tag details are read from the manifest itself, so GET it once (the
    // cache then answers the details' GET) instead of a HEAD beside a GET. Docker Hub keeps the
    // HEAD: it does not count against the pull rate limit, and Hub's API has the details.
    const verify = this.sources.verifyDigests?.(ref.registry) ?? false;
    const readManifest = verify || (wanted.tagDetails && ref.registry !== 'docker.io');
    const digestTask =
      wanted.digest || wanted.versions || wanted.signature || wanted.tagDetails
        ? readManifest
          ? registry.getManifest(repo, tag ?? ref.digest!, signal)
          : registry.resolveDigest(repo, tag ?? ref.digest!, signal)
        : undefined;
    const tagsTask = wanted.versions ? registry.listTags(repo, signal) : undefined;
    const publisherTask = wanted.publisher ? this.publisher(ref, signal) : undefined;

    // `name:tag@digest` pulls by digest alone (the tag is not checked), so whether the build works
    // depends on the digest existing, not the tag: ask for both.
    const pinnedTask =
      digestTask && ref.tag && ref.digest ? registry.resolveDigest(repo, ref.digest, signal) : undefined;
    if (digestTask) {
      const head = await digestTask;
      facts.currentDigest = toAnswer<{ digest: string }, string>(head, (v) => v.digest, 'tag');
    }
    if (pinnedTask) {
      const pinned = await pinnedTask;
      facts.pinnedDigest = toAnswer<{ digest: string }, string>(pinned, (v) => v.digest, 'tag');
    }
    if (tagsTask) {
      const tags = await tagsTask;
      facts.tags = toAnswer(tags, (v) => v, 'repository');
      if (tags.ok) await this.versionFacts(ref, repo, tags.value, facts, signal);
    }
    if (publisherTask) facts.publisher = await publisherTask;
    if (wanted.publisher && facts.publisher?.state === 'known' && facts.publisher.value.tier === 'community') {
      facts.officialAlternative = await this.officialAlternative(ref, signal);
    }
    const digest = ref.digest ?? (facts.currentDigest?.state === 'known' ? facts.currentDigest.value : undefined);
    if (wanted.tagDetails && this.sources.publishers && tag) {
      const details = await this.sources.publishers.tagDetails(ref, tag, signal);
      if (details) facts.tagDetails = details;
    }
    if (wanted.signature && digest && this.sources.signatures) {
      const stateKeys = wanted.signatureKeys ?? [];
      facts.signature = await this.sources.signatures.check(
        repo,
        digest,
        {
          keys: [...new Set([...stateKeys, ...(wanted.policyKeys ?? [])])],
          stateKeys,
          verify: wanted.verifySignatures ?? false,
        },
        signal,
      );
    }
    const image = ref.digest ?? tag;
    const platforms = wanted.platforms?.length ? wanted.platforms : [DEFAULT_PLATFORM];
    // A registry that could not say what the tag is now gets no more requests for this image.
    const reachable = facts.currentDigest === undefined || facts.currentDigest.state === 'known';
    if (wanted.vulnerabilities && this.sources.vulnerabilities && image && reachable) {
      facts.vulnerabilities = {};
      for (const platform of platforms) {
        const report = await this.sources.vulnerabilities.scan(repo, image, platform, signal);
        facts.vulnerabilities[platform] = report;
        if (report.state === 'known' && wanted.vulnerabilityPolicy) {
          const target = await this.vulnerabilityFix(
            ref,
            repo,
            platform,
            report.value,
            wanted.vulnerabilityPolicy,
            facts,
            signal,
          );
          if (target) (facts.vulnerabilityFix ??= {})[platform] = target;
        }
      }
    }
    if (wanted.provenance && this.sources.provenance && image && reachable) {
      facts.provenance = {};
      for (const platform of platforms)
        facts.provenance[platform] = await this.sources.provenance.provenance(repo, image, platform, signal);
    }
    return facts;
  }

  /**
   * The nearest newer tag of the same variant whose image has none of the vulnerabilities the
   * policy reports here (same version model as outdated-version, nearest first, a few at most).
   */
  private async vulnerabilityFix(
    ref: ImageReference,
    repo: RepositoryName,
    platform: string,
    report: VulnerabilityReport,
    policy: VulnerabilityPolicy,
    facts: ImageFacts,
    signal?: AbortSignal,
  ): Promise<VulnerabilityFixTarget | undefined> {
    const reported = reportableVulnerabilities(report, policy);
    if (!reported.length || !this.sources.vulnerabilities) return undefined;
    if (!ref.tag) return { checked: [], none: 'the reference has no tag to move from' };
    let tags = facts.tags?.state === 'known' ? facts.tags.value : undefined;
    if (!tags) {
      const listed = await this.sources.registry.listTags(repo, signal);
      if (!listed.ok) return { checked: [], none: `the tags could not be listed (${listed.error.message})` };
      tags = listed.value;
    }
    const candidates = nearestNewerTags(ref.tag, tags).slice(0, FIX_CANDIDATES);
    if (!candidates.length) return { checked: [], none: 'no newer tag of the same variant exists yet' };
    const wanted = new Set(reported.map((v) => `${v.id}\u0000${v.sourceName}`));
    const checked: string[] = [];
    for (const candidate of candidates) {
      checked.push(candidate);
      const other = await this.sources.vulnerabilities.scan(repo, candidate, platform, signal);
      if (other.state !== 'known') continue;
      const remaining = other.value.vulnerabilities.filter((v) => wanted.has(`${v.id}\u0000${v.sourceName}`));
      if (remaining.length) continue;
      const target: VulnerabilityFixTarget = { tag: candidate, checked };
      if (ref.digest) {
        const head = await this.sources.registry.resolveDigest(repo, candidate, signal);
        if (head.ok) target.digest = head.value.digest;
      }
      return target;
    }
    return { checked, none: `none of the nearest newer tags (${checked.join(', ')}) fixes them yet` };
  }

  private async versionFacts(
    ref: ImageReference,
    repo: RepositoryName,
    tags: string[],
    facts: ImageFacts,
    signal?: AbortSignal,
  ): Promise<void> {
    const registry = this.sources.registry;
    const digests: Record<string, string> = {};
    const verify = this.sources.verifyDigests?.(ref.registry) ?? false;
    const resolveAll = async (candidates: string[]) => {
      const results = await Promise.all(
        candidates.map((t) =>
          verify ? registry.getManifest(repo, t, signal) : registry.resolveDigest(repo, t, signal),
        ),
      );
      candidates.forEach((t, i) => {
        const r = results[i];
        if (r.ok) digests[t] = r.value.digest;
      });
    };
    const isFloating = ref.tag === undefined || !/\d/.test(ref.tag);
    if (ref.tag) {
      const newer = findNewerVersions(ref.tag, tags);
      if (newer.patch || newer.minor || newer.major) facts.newer = newer;
      // A pinned reference stays pinned: the update fixes need the new tags' digests.
      if (ref.digest && facts.newer) {
        await resolveAll([newer.patch, newer.minor, newer.major].filter((t): t is string => !!t));
      }
    }
    if (isFloating && !ref.digest && facts.currentDigest?.state === 'known') {
      const current = facts.currentDigest.value;
      const candidates = candidateTagsForDigestMatch(ref.tag, tags, LATEST_CANDIDATES);
      await resolveAll(candidates.filter((t) => !(t in digests)));
      const match = pickTagForDigest(ref.tag, current, digests);
      if (match) facts.latestResolvesTo = match;
    }
    if (Object.keys(digests).length) facts.tagDigests = digests;
  }

  private async publisher(ref: ImageReference, signal?: AbortSignal): Promise<Answer<PublisherInfo>> {
    if (ref.registry !== 'docker.io') return { state: 'known', value: { tier: 'other-registry' } };
    if (!this.sources.publishers) {
      return isOfficialImage(ref)
        ? { state: 'known', value: { tier: 'official' } }
        : { state: 'unavailable', reason: 'Docker Hub is not configured' };
    }
    const answer = await this.sources.publishers.publisher(ref, signal);
    // `library/` is Official whatever Docker Hub says or fails to say.
    if (answer.state !== 'known' && isOfficialImage(ref)) return { state: 'known', value: { tier: 'official' } };
    return answer;
  }

  private async officialAlternative(
    ref: ImageReference,
    signal?: AbortSignal,
  ): Promise<ImageFacts['officialAlternative']> {
    const name = ref.repository.split('/').pop()!;
    if (hubNamespace(ref) === 'library' || !isOfficialImageName(name)) return undefined;
    if (!ref.tag) return { name, tagExists: true };
    const head = await this.sources.registry.resolveDigest(
      { registry: 'docker.io', repository: `library/${name}` },
      ref.tag,
      signal,
    );
    // Only an answer decides: a registry that failed says nothing about the tag.
    if (!head.ok && head.error.kind !== 'notFound') return undefined;
    return { name, tagExists: head.ok };
  }
}

function covers(have: FactsWanted, want: FactsWanted): boolean {
  return (
    (['digest', 'versions', 'publisher', 'tagDetails', 'signature', 'vulnerabilities', 'provenance'] as const).every(
      (k) => !want[k] || have[k],
    ) &&
    (!want.vulnerabilityPolicy || have.vulnerabilityPolicy === want.vulnerabilityPolicy)
  );
}

function toAnswer<T, V>(
  result: RegistryResult<T>,
  pick: (v: T) => V,
  notFoundDefault: 'repository' | 'tag',
): Answer<V> {
  if (result.ok)
    return { state: 'known', value: pick(result.value), fetchedAt: result.fetchedAt, fromCache: result.fromCache };
  return errorAnswer(result.error, notFoundDefault);
}

export function errorAnswer<V>(error: RegistryError, notFoundDefault: 'repository' | 'tag'): Answer<V> {
  if (error.kind === 'notFound') {
    return {
      state: 'notFound',
      missing: error.missing === 'repository' ? 'repository' : error.missing === 'manifest' ? 'tag' : notFoundDefault,
    };
  }
  return { state: 'unavailable', reason: error.message };
}
