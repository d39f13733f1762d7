// Which documents the language server checks, for the client: it sends the server only documents
// of a file kind, decided by the same pure detection the server and the CLI use. Re-exported here
// so that client/src imports nothing from server/src (eslint's no-restricted-imports keeps it so).
export { detectFileKind, type FileGlobs } from '../server/src/core/kinds/fileKinds';
// The workspace pin command finds the files a .gitlab-ci.yml includes with the same reading.
export { gitlabLocalIncludes } from '../server/src/core/kinds/gitlabCi';
export type { ImageFileKind } from '../server/src/core/types';
