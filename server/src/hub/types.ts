// What image-trust reads from Docker Hub's web API (not the registry): repository details, one
// tag's details, and the publisher tier. Field names follow the payloads Hub really sends, which
// differ from its OpenAPI in places (docs/registries.md §4.3); every field the Hub may omit is optional.
import type { RegistryResult } from '../registry/types';

/** Same shape as registry answers: `fetchedAt`/`fromCache` say how old the data is ("as of"). */
export type HubResult<T> = RegistryResult<T>;

/** `GET /v2/namespaces/{ns}/repositories/{name}` (docs/registries.md §5.1). */
export interface HubRepository {
  namespace: string;
  name: string;
  description?: string;
  starCount?: number;
  /** A number in this API (the search API sends a display string instead). */
  pullCount?: number;
  /** ISO 8601: last push or update of the repository. */
  lastUpdated?: string;
  dateRegistered?: string;
  isPrivate?: boolean;
  /** `active` / `inactive`, lower-cased (Hub's examples vary in case). */
  status?: string;
  repositoryType?: string;
  categories: Array<{ name: string; slug?: string }>;
  mediaTypes: string[];
  contentTypes: string[];
}

/** One platform entry of a tag. Attestation entries (`unknown/unknown`) are dropped on parse. */
export interface HubTagImage {
  os: string;
  architecture: string;
  variant?: string;
  osVersion?: string;
  /** Per-platform manifest digest. */
  digest?: string;
  size?: number;
  status?: string;
  lastPushed?: string;
  lastPulled?: string;
}

/** `GET /v2/namespaces/{ns}/repositories/{name}/tags/{tag}` (docs/registries.md §4.3). */
export interface HubTag {
  name: string;
  /** What the tag points to: the index digest for multi-platform tags. */
  digest?: string;
  mediaType?: string;
  contentType?: string;
  lastUpdated?: string;
  /** `tag_last_pushed`: the date to use for "last pushed" and `stale-image`. */
  lastPushed?: string;
  lastPulled?: string;
  /** `tag_status`: `active` / `inactive`. */
  status?: string;
  /** Sum of compressed layer sizes. */
  fullSize?: number;
  v2?: boolean;
  images: HubTagImage[];
}
