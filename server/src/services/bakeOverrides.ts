// Bake files beside or above a Dockerfile whose targets replace one of its bases with a named
// context (`contexts = { alpine = "docker-image://alpine:3.20" }`): the Dockerfile's hover says so,
// because what is built is then not what the FROM line names.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, normalize } from 'node:path';
import { bakeOverrides, type BakeOverride } from '../core/kinds/bake';
import type { ImageOccurrence } from '../core/types';

const BAKE_FILE = /^docker-bake(?:\.[^/]+)?\.(?:hcl|json)$/;
const MAX_BAKE_BYTES = 1024 * 1024;

export interface BakeReplacement {
  file: string;
  override: BakeOverride;
}

/** Overrides, in bake files from the Dockerfile's folder up to its workspace root, that apply to it. */
export function bakeReplacementsFor(dockerfilePath: string, workspaceRoots: string[]): BakeReplacement[] {
  const root = workspaceRoots.find((r) => dockerfilePath.startsWith(`${r}/`));
  const out: BakeReplacement[] = [];
  let dir = dirname(dockerfilePath);
  for (let depth = 0; depth < 32; depth++) {
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((n) => BAKE_FILE.test(n));
    } catch {
      names = [];
    }
    for (const name of names.sort()) {
      const file = join(dir, name);
      try {
        if (statSync(file).size > MAX_BAKE_BYTES) continue;
        for (const override of bakeOverrides(readFileSync(file, 'utf8'), name))
          if (targetsDockerfile(override, dir, dockerfilePath)) out.push({ file, override });
      } catch {
        // An unreadable bake file replaces nothing we can know of.
      }
    }
    if (!root || dir === root) break;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return out;
}

/**
 * Whether the target builds this Dockerfile. Bake resolves `context` from where it runs (usually
 * the bake file's folder) and `dockerfile` from the context; projects also run bake from the
 * repository root with `-f`, so a `dockerfile` path that ends the Dockerfile's path counts too.
 */
function targetsDockerfile(override: BakeOverride, bakeDir: string, dockerfilePath: string): boolean {
  const dockerfile = override.dockerfile ?? 'Dockerfile';
  if (override.dockerfile === undefined && basename(dockerfilePath) !== 'Dockerfile') return false;
  const fromContext = normalize(join(bakeDir, override.context ?? '.', dockerfile));
  if (fromContext === dockerfilePath) return true;
  const relative = normalize(dockerfile).replace(/^(\.\/)+/, '');
  return !relative.startsWith('..') && dockerfilePath.endsWith(`/${relative}`);
}

/** Markdown lines for the hover of a FROM that a bake context replaces. */
export function bakeNotesFor(dockerfilePath: string, occurrence: ImageOccurrence, workspaceRoots: string[]): string[] {
  if (occurrence.source !== 'from' || occurrence.resolved === undefined) return [];
  return bakeReplacementsFor(dockerfilePath, workspaceRoots)
    .filter((r) => r.override.name === occurrence.resolved)
    .map(
      (r) =>
        `**Replaced by bake:** target \`${r.override.target}\` in \`${basename(r.file)}\` sets the context \`${r.override.name}\` to \`docker-image://${r.override.image}\`, so \`docker buildx bake\` builds this stage from \`${r.override.image}\` instead; that reference is checked in the bake file.`,
    );
}
