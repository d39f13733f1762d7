// Image reference grammar and Docker's normalization (docs/registries.md §1, distribution/reference).
import type { ImageReference } from './types';

const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const HOST_AND_PORT = new RegExp(`^(?:${DOMAIN_NAME}|${IPV6})(?::[0-9]+)?$`);
const REMOTE_NAME = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const ANCHORED_HEX64 = /^[a-f0-9]{64}$/;
const DIGEST_ENCODED: Record<string, RegExp> = {
  sha256: /^[a-f0-9]{64}$/,
  sha512: /^[a-f0-9]{128}$/,
  blake3: /^[a-f0-9]{64}$/,
};

export const DOCKER_HUB = 'docker.io';
const MAX_PATH_LENGTH = 255;

export type ParseResult = { ok: true; reference: ImageReference } | { ok: false; error: string };

/**
 * Parses a reference the way `docker pull` does (ParseNormalizedNamed): `nginx` is
 * `docker.io/library/nginx`; the first component is a registry host only when it has a `.` or
 * `:`, an upper-case letter, or is exactly `localhost`.
 */
export function parseImageReference(input: string): ParseResult {
  const raw = input;
  if (raw.length === 0) return { ok: false, error: 'the image reference is empty' };
  if (/\s/.test(raw)) return { ok: false, error: 'an image reference cannot contain white space' };
  if (ANCHORED_HEX64.test(raw)) {
    return { ok: false, error: 'a 64-character hexadecimal string is an image ID, not a reference' };
  }

  let rest = raw;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const digestError = validateDigest(digest);
    if (digestError) return { ok: false, error: digestError };
  }

  // The tag is after the last ':' that follows the last '/', so a registry port is not a tag.
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) {
      return {
        ok: false,
        error:
          tag.length > 128
            ? `the tag is ${tag.length} characters long; at most 128 are allowed`
            : `"${tag}" is not a valid tag: use letters, digits, '_', '.' and '-', not starting with '.' or '-'`,
      };
    }
  }

  const { registry, path, hostWasGiven } = splitRegistry(rest);
  if (hostWasGiven && !HOST_AND_PORT.test(registry)) {
    return { ok: false, error: `"${registry}" is not a valid registry host` };
  }
  if (path.length === 0) return { ok: false, error: 'the repository name is empty' };
  if (/[A-Z]/.test(path)) {
    return { ok: false, error: `repository name must be lowercase: "${path}"` };
  }
  if (!REMOTE_NAME.test(path)) {
    return {
      ok: false,
      error: `"${path}" is not a valid repository name: components are lower-case letters and digits separated by '.', '_', '__' or '-'`,
    };
  }
  if (path.length > MAX_PATH_LENGTH) {
    return { ok: false, error: `the repository name is longer than ${MAX_PATH_LENGTH} characters` };
  }

  return {
    ok: true,
    reference: {
      raw,
      registry,
      repository: path,
      tag,
      digest,
      familiarName: familiarName(registry, path),
    },
  };
}

function validateDigest(digest: string): string | undefined {
  if (!DIGEST.test(digest)) {
    return `"${digest}" is not a valid digest: expected algorithm:hex, e.g. sha256: and 64 hex characters`;
  }
  const [algorithm, encoded] = digest.split(':', 2);
  const expected = DIGEST_ENCODED[algorithm];
  if (expected && !expected.test(encoded)) {
    return algorithm === 'sha256'
      ? `a sha256 digest has exactly 64 lower-case hex characters; this one has ${encoded.length}${/[A-F]/.test(encoded) ? ' and upper-case letters' : ''}`
      : `the ${algorithm} digest has the wrong length or case`;
  }
  return undefined;
}

function splitRegistry(name: string): { registry: string; path: string; hostWasGiven: boolean } {
  const slash = name.indexOf('/');
  if (slash < 0) return { registry: DOCKER_HUB, path: `library/${name}`, hostWasGiven: false };
  const first = name.slice(0, slash);
  let rest = name.slice(slash + 1);
  const isHost = first === 'localhost' || first.includes('.') || first.includes(':') || /[A-Z]/.test(first);
  if (!isHost) return { registry: DOCKER_HUB, path: name, hostWasGiven: false };
  let registry = first;
  // index.docker.io is canonicalized by distribution/reference; registry-1.docker.io is not, but
  // it is Docker Hub's API host and means the same repository (docs/registries.md §1.2 note).
  if (first === 'index.docker.io' || first === 'registry-1.docker.io') registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !rest.includes('/')) rest = `library/${rest}`;
  return { registry, path: rest, hostWasGiven: registry !== DOCKER_HUB };
}

export function familiarName(registry: string, repository: string): string {
  if (registry !== DOCKER_HUB) return `${registry}/${repository}`;
  // Only `library/x` is shortened: `library/team/app` stays as written, or it would name team/app.
  return repository.startsWith('library/') && !repository.slice('library/'.length).includes('/')
    ? repository.slice('library/'.length)
    : repository;
}

/** `registry/repository` in canonical form: `docker.io/library/nginx`. */
export function canonicalName(ref: Pick<ImageReference, 'registry' | 'repository'>): string {
  return `${ref.registry}/${ref.repository}`;
}

/** Formats a reference the way a person writes it, keeping Docker's familiar short names. */
export function formatReference(ref: Pick<ImageReference, 'familiarName'>, tag?: string, digest?: string): string {
  return `${ref.familiarName}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}

/**
 * Builds new reference text from the text as written, changing only the tag and digest parts so
 * that `docker.io/library/nginx` stays spelled that way.
 */
/** The same image at another tag, without digest (what a registry is asked about that tag). */
export function referenceAtTag(reference: ImageReference, tag: string): ImageReference {
  return { ...reference, tag, digest: undefined, raw: `${reference.registry}/${reference.repository}:${tag}` };
}

export function withTagAndDigest(written: string, tag: string | undefined, digest: string | undefined): string {
  let name = written;
  const at = name.indexOf('@');
  if (at >= 0) name = name.slice(0, at);
  const lastSlash = name.lastIndexOf('/');
  const colon = name.indexOf(':', lastSlash + 1);
  if (colon >= 0) name = name.slice(0, colon);
  return `${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}

/** Docker Hub namespace (`library` for Official Images), or undefined for other registries. */
export function hubNamespace(ref: Pick<ImageReference, 'registry' | 'repository'>): string | undefined {
  if (ref.registry !== DOCKER_HUB) return undefined;
  const slash = ref.repository.indexOf('/');
  return slash < 0 ? 'library' : ref.repository.slice(0, slash);
}

export function isOfficialImage(ref: Pick<ImageReference, 'registry' | 'repository'>): boolean {
  return hubNamespace(ref) === 'library';
}

/** True for loopback hosts, where plain http is allowed without being marked insecure. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return bare === 'localhost' || /^127(?:\.\d{1,3}){3}$/.test(bare) || bare === '::1';
}
