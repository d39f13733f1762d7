// Image globs of the signatures/attestations policy, with Sigstore policy-controller's semantics
// so its ClusterImagePolicy globs can be copied (sigstore/policy-controller pkg/apis/glob/glob.go):
// `*` matches within one path segment, `**` across segments; the glob is matched against the
// normalized name (`docker.io/library/nginx`); a glob without a registry is completed the way
// Docker completes a reference (`nginx` → `docker.io/library/nginx`, `acme/*` →
// `docker.io/acme/*`); `index.docker.io` means `docker.io`. The tag is matched only when the glob
// names one (`ghcr.io/acme/app:v*`); a glob never matches a digest.
import { canonicalName } from './reference';
import type { ImageReference } from './types';

const VALID = /^[a-zA-Z0-9\-_:/*.@]+$/;

/** Why the glob cannot be used, or undefined when it is fine. */
export function imageGlobProblem(glob: string): string | undefined {
  if (!glob) return 'an image glob cannot be empty';
  if (!VALID.test(glob))
    return `"${glob}" has characters an image glob cannot hold (allowed: letters, digits, - _ : / * . @)`;
  if (/\*{3,}/.test(glob)) return `"${glob}": use * within a segment or ** across segments, not ***`;
  return undefined;
}

/** The glob with the registry Docker would add (distribution/reference normalize.go rules). */
export function normalizeImageGlob(glob: string): string {
  let g = glob.trim();
  if (g.startsWith('index.docker.io/')) g = `docker.io/${g.slice('index.docker.io/'.length)}`;
  if (g === '**') return g;
  const slash = g.indexOf('/');
  const first = slash === -1 ? '' : g.slice(0, slash);
  const hasRegistry = slash !== -1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasRegistry) return g;
  return slash === -1 ? `docker.io/library/${g}` : `docker.io/${g}`;
}

function globRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        out += '.*';
        i++;
      } else out += '[^/]*';
    } else out += c.replace(/[.+?^${}()|[\]\\-]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

export function matchesImageGlob(glob: string, ref: Pick<ImageReference, 'registry' | 'repository' | 'tag'>): boolean {
  const normalized = normalizeImageGlob(glob);
  const name = canonicalName(ref);
  const lastSegment = normalized.slice(normalized.lastIndexOf('/') + 1);
  // policy-controller: the tag's `:` is no separator, so `app:**`/`app:v*` name tags.
  const target = lastSegment.includes(':') ? `${name}:${ref.tag ?? 'latest'}` : name;
  return globRegExp(normalized).test(target);
}
