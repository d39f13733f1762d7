// Content addressing: a digest is trusted only when the bytes hash to it.
import { createHash } from 'node:crypto';

export function digestOf(bytes: Uint8Array, algorithm: 'sha256' | 'sha512' = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** Whether `bytes` hash to `digest`, with the digest's own algorithm. */
export function matchesDigest(bytes: Uint8Array, digest: string): boolean {
  const algorithm = digest.startsWith('sha512:') ? 'sha512' : digest.startsWith('sha256:') ? 'sha256' : undefined;
  return algorithm !== undefined && digestOf(bytes, algorithm) === digest;
}
