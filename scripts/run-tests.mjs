// Runs every *.test.ts under the given folders (default: test/) with node's test runner and tsx.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function collect(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    // e2e tests (real editors) run with `npm run test:e2e`; fixtures are data.
    if (name === 'node_modules' || name === 'fixtures' || (name === 'e2e' && !explicit.has(p))) continue;
    if (statSync(p).isDirectory()) collect(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}
const roots = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const explicit = new Set(roots.map((r) => r.replace(/\/+$/, '')));
const files = (roots.length ? roots : ['test']).flatMap((r) => (r.endsWith('.ts') ? [r] : collect(r, [])));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  // Tests reach loopback only: the default end-of-life refresh from endoflife.date is off (tests
  // of the refresh name a local fixture with --eol-url / eolUrl, which still applies).
  { stdio: 'inherit', env: { ...process.env, IMAGE_TRUST_TEST: '1', IMAGE_TRUST_EOL_REFRESH: 'off' } },
);
process.exit(result.status ?? 1);
