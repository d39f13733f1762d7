// The peer of `image-trust lint --offline`: every file of a folder through dockerfile-utils'
// validate() (the validator of rcjsuen's Dockerfile language server) in a loop, in its own
// process like the CLI. Compose files, which dockerfile-utils does not read, are parsed with
// `yaml` (what any compose checker does at least). Prints one JSON line: files and diagnostics.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { validate } = require('dockerfile-utils');
const { parseDocument } = require('yaml');

const paths = process.argv.slice(2);
let files = 0;
let diagnostics = 0;
function check(path) {
  const name = path.split('/').pop();
  if (/^(Dockerfile|Containerfile)(\..+)?$/.test(name) || /\.(Dockerfile|dockerfile)$/.test(name)) {
    diagnostics += validate(readFileSync(path, 'utf8')).length;
    files++;
  } else if (/^(docker-)?compose(\..+)?\.ya?ml$/.test(name)) {
    diagnostics += parseDocument(readFileSync(path, 'utf8')).errors.length;
    files++;
  }
}
function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '.git' && entry.name !== 'node_modules') walk(p);
    } else check(p);
  }
}
for (const p of paths) {
  try {
    walk(p);
  } catch (error) {
    if (error.code === 'ENOTDIR') check(p);
    else throw error;
  }
}
process.stdout.write(`${JSON.stringify({ files, diagnostics })}\n`);
