// The file names of the contract ("Files understood" in CONTRACT.md) as VS Code globs. The server
// decides the kind of a file from its name; these globs only decide what the client sends it.

export const DOCKERFILE_GLOBS = [
  '**/{Dockerfile,dockerfile,Containerfile}',
  '**/*.{Dockerfile,dockerfile}',
  '**/{Dockerfile,Containerfile}.*',
];
export const COMPOSE_GLOBS = ['**/{compose,docker-compose}.{yaml,yml}', '**/{compose,docker-compose}.*.{yaml,yml}'];
export const POLICY_GLOB = '**/.image-trust.yaml';
/**
 * Language ids that files of several kinds, and many unrelated files, share (`github-actions-workflow`
 * is GitHub's extension's; `hcl` needs an HCL extension, else a bake file opens as plain text and
 * its glob in the document selector finds it).
 */
export const SHARED_LANGUAGE_IDS = ['yaml', 'github-actions-workflow', 'jsonc', 'json', 'hcl'] as const;
/** The file kinds beyond Dockerfile and compose that a name alone decides (see the README). */
export const KIND_GLOBS = [
  '**/docker-bake.{hcl,json}',
  '**/docker-bake.*.{hcl,json}',
  '**/.devcontainer.json',
  '**/.devcontainer/devcontainer.json',
  '**/.devcontainer/*/devcontainer.json',
  '**/.gitlab-ci.{yml,yaml}',
  '**/.github/workflows/*.{yml,yaml}',
  '**/action.{yml,yaml}',
  '**/values.{yml,yaml}',
];

/**
 * Every file whose kind its name decides, in one glob: workspace.findFiles takes a single include
 * pattern. Kubernetes manifests (decided by content) and values files beside a Chart.yaml under
 * another name are found by reading the YAML files (workspaceFiles.ts).
 */
export const PINNABLE_FILES_GLOB =
  '**/{Dockerfile,Containerfile,*.Dockerfile,*.dockerfile,Dockerfile.*,Containerfile.*,' +
  'compose.yaml,compose.yml,docker-compose.yaml,docker-compose.yml,' +
  'compose.*.yaml,compose.*.yml,docker-compose.*.yaml,docker-compose.*.yml,' +
  'docker-bake.hcl,docker-bake.json,docker-bake.*.hcl,docker-bake.*.json,' +
  '.devcontainer.json,.devcontainer/devcontainer.json,.devcontainer/*/devcontainer.json,' +
  '.gitlab-ci.yml,.gitlab-ci.yaml,.github/workflows/*.yml,.github/workflows/*.yaml,action.yml,action.yaml,' +
  'values.yaml,values.yml}';

/** The CLI skips the same folders when it searches a folder. */
export const SKIPPED_FOLDERS_GLOB = '**/{node_modules,.git}/**';
