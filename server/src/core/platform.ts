// Which platform's image a reference means. BuildKit pulls the `FROM --platform` platform when it
// is given (Dockerfile reference, "FROM"), else the build's target platform, which we cannot know:
// the policy's `platform` stands in for it, else linux/amd64, the most common build host.
import type { Policy } from './settings';
import type { ImageOccurrence } from './types';

export const DEFAULT_PLATFORM = 'linux/amd64';

export interface PlatformSpec {
  os: string;
  architecture: string;
  variant?: string;
}

/** `linux/arm64/v8` → parts; undefined when it is not `os/arch[/variant]`. */
export function parsePlatform(text: string): PlatformSpec | undefined {
  const m = /^([a-z0-9]+)\/([a-z0-9_]+)(?:\/([a-z0-9]+))?$/.exec(text.trim().toLowerCase());
  return m ? { os: m[1], architecture: m[2], variant: m[3] } : undefined;
}

export function platformFor(occurrence: Pick<ImageOccurrence, 'platform'>, policy: Pick<Policy, 'platform'>): string {
  const written = occurrence.platform;
  // `--platform=$BUILDPLATFORM` depends on the machine that builds: not knowable here.
  if (written && !written.includes('$') && parsePlatform(written)) return written.trim().toLowerCase();
  return policy.platform ?? DEFAULT_PLATFORM;
}

/**
 * Does an index entry's platform serve `wanted`? The variant must match when both say one;
 * `arm64` entries without a variant are `v8` (OCI image-index "platform.variant").
 */
export function platformMatches(
  entry: { os?: string; architecture?: string; variant?: string } | undefined,
  wanted: PlatformSpec,
): boolean {
  if (!entry || entry.os !== wanted.os || entry.architecture !== wanted.architecture) return false;
  if (!wanted.variant) return true;
  const variant = entry.variant ?? (entry.architecture === 'arm64' ? 'v8' : undefined);
  return variant === undefined || variant === wanted.variant;
}
