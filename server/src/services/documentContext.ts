// What a document's analysis needs from around it on disk: the policy file found upward from its
// folder and the `.env` beside a compose file. Shared by the CLI and the server.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, parse as parsePath } from 'node:path';
import { parseDotEnv } from '../core/interpolate';
import { gitlabLocalIncludes } from '../core/kinds/gitlabCi';
import { parsePolicy, POLICY_FILE_NAME, policyFileKeys } from '../core/policy';
import type { Policy } from '../core/settings';
import type { DocumentProblem } from '../core/types';

export interface LoadedPolicy {
  path: string;
  text: string;
  policy: Policy;
  keys: Set<string>;
  problems: DocumentProblem[];
}

/** The nearest `.image-trust.yaml` in `dir` or above it, stopping at `stopAt` (inclusive) if given. */
export function findPolicyFile(dir: string, stopAt?: string): string | undefined {
  let current = dir;
  for (;;) {
    const candidate = join(current, POLICY_FILE_NAME);
    if (isFile(candidate)) return candidate;
    if (stopAt && current === stopAt) return undefined;
    const parent = dirname(current);
    if (parent === current || parsePath(current).root === current) return undefined;
    current = parent;
  }
}

export function loadPolicyFile(path: string, text?: string): LoadedPolicy {
  const content = text ?? readFileSync(path, 'utf8');
  const { policy, problems } = parsePolicy(content);
  return { path, text: content, policy, keys: policyFileKeys(content), problems };
}

/** Compose's interpolation environment: the process environment wins over `.env` beside the file. */
export function composeEnvironment(
  composePath: string,
  processEnv: NodeJS.ProcessEnv = process.env,
): (name: string) => string | undefined {
  return environmentWith(readDotEnv(dirname(composePath), processEnv), processEnv);
}

/** The variables of the `.env` file in `dir`; empty when there is none or it cannot be read. */
export function readDotEnv(dir: string, processEnv: NodeJS.ProcessEnv = process.env): Map<string, string> {
  const envPath = join(dir, '.env');
  try {
    if (isFile(envPath)) return parseDotEnv(readFileSync(envPath, 'utf8'), (name) => processEnv[name]);
  } catch {
    // An unreadable .env is treated as absent; unresolved variables are then reported per image.
  }
  return new Map();
}

/** Compose's precedence: the process environment, then `.env`. */
export function environmentWith(
  dotEnv: ReadonlyMap<string, string>,
  processEnv: NodeJS.ProcessEnv = process.env,
): (name: string) => string | undefined {
  return (name) => processEnv[name] ?? dotEnv.get(name);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Whether a `.gitlab-ci.yml` in a folder above `path` includes it as a local file. */
export function includedByGitlabCi(path: string, stopAt?: string): boolean {
  let current = dirname(path);
  for (let depth = 0; depth < 32; depth++) {
    for (const name of ['.gitlab-ci.yml', '.gitlab-ci.yaml']) {
      const candidate = join(current, name);
      if (!isFile(candidate)) continue;
      try {
        const includes = gitlabLocalIncludes(readFileSync(candidate, 'utf8'));
        if (includes.some((local) => join(current, local.replace(/^\/+/, '')) === path)) return true;
      } catch {
        // An unreadable pipeline file includes nothing we can know of.
      }
    }
    if (stopAt && current === stopAt) return false;
    const parent = dirname(current);
    if (parent === current) return false;
    current = parent;
  }
  return false;
}
