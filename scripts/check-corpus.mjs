// Lints real-world repositories offline and lists every error finding, so a false error shows up
// before users see it. Not part of `npm test` (the repositories are not in this one):
//   node scripts/check-corpus.mjs /path/to/checkout-or-bare-git-dir ...
// A bare git directory (such as a mirror) is exported with `git archive` into a temporary folder
// first. Prints per repository the files checked, findings by rule, and each error in full; exits
// 1 when there is an error finding that is not listed in the EXPECTED table below (true errors,
// each with the reason it is one).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
/** `repository-name:path:line` → why the error is true. */
const EXPECTED = new Map([]);

let unexpected = 0;
for (const source of process.argv.slice(2)) {
  let dir = source;
  let temp;
  if (!existsSync(join(source, '.git')) && existsSync(join(source, 'HEAD'))) {
    temp = mkdtempSync(join(tmpdir(), 'image-trust-corpus-'));
    execFileSync('sh', ['-c', `git --git-dir="${source}" archive HEAD | tar -x -C "${temp}"`]);
    dir = temp;
  }
  const name = basename(source === dir ? source : source.replace(/\/repo$/, ''));
  const run = spawnSync(process.execPath, [CLI, 'lint', '.', '--offline', '--format', 'json', '--fail-on', 'never'], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (run.status !== 0) {
    console.log(`${name}: exit ${run.status}\n${run.stderr}`);
    unexpected++;
    continue;
  }
  const report = JSON.parse(run.stdout);
  const byRule = {};
  const errors = [];
  for (const file of report.files)
    for (const f of file.findings) {
      byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
      if (f.severity === 'error') errors.push(`${name}:${file.path}:${f.line}`);
      if (f.severity === 'error') {
        const key = `${name}:${file.path}:${f.line}`;
        const known = EXPECTED.get(key);
        console.log(`  ${known ? 'expected' : 'ERROR'} ${key} ${f.rule}: ${f.message}${known ? ` (${known})` : ''}`);
        if (!known) unexpected++;
      }
    }
  console.log(`${name}: ${report.files.length} files, findings ${JSON.stringify(byRule)}`);
  if (run.stderr.trim()) console.log(run.stderr.trim());
  if (temp) rmSync(temp, { recursive: true, force: true });
}
process.exit(unexpected ? 1 : 0);
