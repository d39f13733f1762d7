// Which kind of file a path is, by name and, for Kubernetes manifests, by content. The patterns
// follow the tools that read these files (and Renovate's default file patterns where a tool has
// none): documented in the README, section "Which files are checked".
import { IMAGE_FILE_KINDS, type DocumentKind, type ImageFileKind } from '../types';
import { matchesGlob } from './glob';
import { looksLikeKubernetes } from './kubernetes';

/** User globs per kind (`files:` in the policy, `imageTrust.files`), relative to `base`. */
export interface FileGlobs {
  base: string;
  globs: Partial<Record<ImageFileKind, string[]>>;
}

export interface DetectContext {
  /** The file's text when the name alone does not decide (Kubernetes manifests). */
  readText?: () => string | undefined;
  /** Whether a file of this name sits in the same folder (Chart.yaml beside values files). */
  siblingExists?: (name: string) => boolean;
  /** Whether a `.gitlab-ci.yml` includes this file as `local:` (asked last: it reads other files). */
  includedByGitlabCi?: () => boolean;
  userGlobs?: FileGlobs[];
}

export function isImageFileKind(value: string): value is ImageFileKind {
  return (IMAGE_FILE_KINDS as readonly string[]).includes(value);
}

export function detectFileKind(path: string, context: DetectContext = {}): DocumentKind | undefined {
  const normalized = path.replace(/\\/g, '/');
  const parts = normalized.split('/');
  const base = parts[parts.length - 1] ?? '';
  if (base === '.image-trust.yaml') return 'policy';
  for (const user of context.userGlobs ?? []) {
    const relative = relativeTo(normalized, user.base);
    if (relative === undefined) continue;
    for (const kind of IMAGE_FILE_KINDS) if (user.globs[kind]?.some((glob) => matchesGlob(relative, glob))) return kind;
  }
  if (/^(?:docker-)?compose(?:\.[^/]+)?\.ya?ml$/.test(base)) return 'compose';
  // `docker build` reads `Dockerfile`, or `dockerfile` when there is none (docker build reference, "-f").
  if (
    /^(?:Dockerfile|Containerfile)(?:\..+)?$/.test(base) ||
    base === 'dockerfile' ||
    /\.(?:Dockerfile|dockerfile)$/.test(base)
  )
    return 'dockerfile';
  // Bake reference, "File definition": docker-bake.json, docker-bake.override.json,
  // docker-bake.hcl, docker-bake.override.hcl.
  if (/^docker-bake(?:\.[^/]+)?\.(?:hcl|json)$/.test(base)) return 'bake';
  // containers.dev: .devcontainer.json, .devcontainer/devcontainer.json, .devcontainer/<folder>/devcontainer.json.
  if (base === '.devcontainer.json') return 'devcontainer';
  if (base === 'devcontainer.json' && (parts.at(-2) === '.devcontainer' || parts.at(-3) === '.devcontainer'))
    return 'devcontainer';
  if (/^\.gitlab-ci\.ya?ml$/.test(base)) return 'gitlab-ci';
  if (/\.ya?ml$/.test(base)) {
    const dir = parts.slice(0, -1).join('/');
    if (/(?:^|\/)(?:\.(?:github|gitea|forgejo)\/(?:workflows|actions)(?:\/|$)|workflow-templates(?:\/|$))/.test(dir))
      return 'github-actions';
    if (/^action\.ya?ml$/.test(base)) return 'github-actions';
    if (/^values\.ya?ml$/.test(base)) return 'helm-values';
    if (/^values[^/]*\.ya?ml$/.test(base) && context.siblingExists?.('Chart.yaml')) return 'helm-values';
    const text = context.readText?.();
    // Helm templates hold Go template actions and are not YAML until rendered.
    if (text !== undefined && looksLikeKubernetes(text) && !/\{\{-?\s/.test(text)) return 'kubernetes';
    if (context.includedByGitlabCi?.()) return 'gitlab-ci';
  }
  return undefined;
}

function relativeTo(path: string, base: string): string | undefined {
  if (!base) return path;
  const b = base.replace(/\\/g, '/').replace(/\/+$/, '');
  if (path === b) return '';
  if (path.startsWith(`${b}/`)) return path.slice(b.length + 1);
  // A relative path given on the command line is already relative to where globs apply.
  return path.startsWith('/') ? undefined : path;
}
