// The file names of the contract ("Files understood" in CONTRACT.md) as VS Code globs. The server
// decides the kind of a file from its name; these globs only decide what the client sends it.

export const DOCKERFILE_GLOBS = [
  '**/{Dockerfile,dockerfile,Containerfile}',
  '**/*.{Dockerfile,dockerfile}',
  '**/{Dockerfile,Containerfile}.*',
];
export const COMPOSE_GLOBS = ['**/{compose,docker-compose}.{yaml,yml}', '**/{compose,docker-compose}.*.{yaml,yml}'];
export const POLICY_GLOB = '**/.image-trust.yaml';

/** Every Dockerfile and compose file in one glob: workspace.findFiles takes a single include pattern. */
export const PINNABLE_FILES_GLOB =
  '**/{Dockerfile,Containerfile,*.Dockerfile,*.dockerfile,Dockerfile.*,Containerfile.*,' +
  'compose.yaml,compose.yml,docker-compose.yaml,docker-compose.yml,' +
  'compose.*.yaml,compose.*.yml,docker-compose.*.yaml,docker-compose.*.yml}';

/** The CLI skips the same folders when it searches a folder. */
export const SKIPPED_FOLDERS_GLOB = '**/{node_modules,.git}/**';
