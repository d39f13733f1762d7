// Answers from the network that rules may use. Rules never fetch: they receive these.
import type { BaseImage, ProvenanceInfo } from './provenance/provenance';
import type { VulnerabilityReport } from './vuln/vulnerabilityReport';

export type Answer<T> =
  | { state: 'known'; value: T; fetchedAt?: number; fromCache?: boolean }
  | { state: 'notFound'; missing: 'repository' | 'tag' }
  | { state: 'unavailable'; reason: string };

export type PublisherTier =
  | 'official' // Docker Official Image (docker.io/library)
  | 'verified' // Verified Publisher
  | 'sponsored-oss' // Docker-Sponsored Open Source
  | 'community' // any other Docker Hub namespace
  | 'other-registry' // not Docker Hub: private or third-party registry
  | 'unverified'; // Docker Hub, but the publisher could not be looked up (offline, Hub down)

export interface PublisherInfo {
  tier: PublisherTier;
  description?: string;
  starCount?: number;
  pullCount?: number;
  lastUpdated?: string;
  /** Link to the image's page, e.g. https://hub.docker.com/_/nginx */
  pageUrl?: string;
  /** When the data was fetched (ms since epoch), for "as of" in the hover. */
  fetchedAt?: number;
  fromCache?: boolean;
}

export interface TagDetails {
  lastPushed?: string;
  compressedSize?: number;
  platforms: string[];
  /** True when the index carries Docker build attestations (provenance/SBOM). */
  hasAttestations?: boolean;
}

export type SignatureState = 'verified' | 'invalid' | 'signed' | 'unsigned';

export interface SignatureStatus {
  state: SignatureState;
  /** How it was found: `cosign legacy tag`, `OCI referrers (Sigstore bundle)`, `Notation` ... */
  kinds: string[];
  detail?: string;
}

export interface VersionSuggestions {
  patch?: string;
  minor?: string;
  major?: string;
}

export interface EolInfo {
  product: string;
  productTitle: string;
  cycle: string;
  /** ISO date, or undefined when the cycle has no announced end. */
  eolDate?: string;
  isEol: boolean;
  /** The oldest cycle still supported today, to move to. */
  oldestSupportedCycle?: string;
  latestCycle?: string;
}

/** Everything known about one reference. Every field may be missing (not asked, offline). */
export interface ImageFacts {
  /** The digest the tag points to now (index digest for multi-platform images). */
  currentDigest?: Answer<string>;
  /** For `name:tag@digest`: whether the registry has the pinned digest (what the pull fetches). */
  pinnedDigest?: Answer<string>;
  /** All tags of the repository. */
  tags?: Answer<string[]>;
  /** Digests of candidate tags, for "latest is 1.27.3 today" and pinned version fixes. */
  tagDigests?: Record<string, string>;
  publisher?: Answer<PublisherInfo>;
  tagDetails?: Answer<TagDetails>;
  signature?: Answer<SignatureStatus>;
  /** For a community image: the Official Image of the same name has this tag. */
  officialAlternative?: { name: string; tagExists: boolean };
  newer?: VersionSuggestions;
  /** For latest/untagged: the most specific version tag sharing the current digest. */
  latestResolvesTo?: string;
  eol?: EolInfo;
  /** Known vulnerabilities of the image for each platform asked (`linux/amd64`). */
  vulnerabilities?: Record<string, Answer<VulnerabilityReport>>;
  /** For each platform: the nearest tag of the same variant that fixes the reported vulnerabilities. */
  vulnerabilityFix?: Record<string, VulnerabilityFixTarget>;
  /** Who built the image for each platform, and whether its bases have moved since. */
  provenance?: Record<string, Answer<ImageProvenance>>;
}

export interface VulnerabilityFixTarget {
  /** The nearest newer tag of the same variant with none of the reported vulnerabilities. */
  tag?: string;
  digest?: string;
  /** Tags checked, nearest first. */
  checked: string[];
  /** Why no tag is offered. */
  none?: string;
}

export interface BaseImageStatus extends BaseImage {
  /** What the base's tag points to today (index digest, and the platform's manifest digest). */
  currentDigests?: string[];
}

export interface ImageProvenance extends ProvenanceInfo {
  bases: BaseImageStatus[];
}
