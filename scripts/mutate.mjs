// `npm run mutate`: does the test suite catch deliberate breakages of the behaviours that matter?
// Each mutation in scripts/mutations.mjs is applied to a temporary copy of the repository (never
// to this work tree), the copy is built, and only that mutation's test files run, with a time
// limit. A mutation is caught when a test fails, survived when they all pass, and "not applied"
// when its text is no longer in the code (then scripts/mutations.mjs needs updating).
//
//   npm run mutate                      every mutation
//   npm run mutate -- --only a,b        some of them
//   npm run mutate -- --list            what would run
//   npm run mutate -- --timeout 600     seconds per mutation (default 900)
//
// Exit code 0 only when every mutation applied and was caught. The result is a Markdown table for
// RELIABILITY.md on stdout.
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MUTATIONS } from './mutations.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const only = option('--only')?.split(',');
const timeoutSeconds = Number(option('--timeout') ?? 900);
const selected = MUTATIONS.filter((m) => !only || only.includes(m.id));
if (only) {
  const unknown = only.filter((id) => !MUTATIONS.some((m) => m.id === id));
  if (unknown.length) {
    console.error(`unknown mutation: ${unknown.join(', ')}`);
    process.exit(2);
  }
}
if (args.includes('--list')) {
  for (const m of selected) console.log(`${m.id}: ${m.behaviour}\n  ${m.file}; tests: ${m.tests.join(' ')}`);
  process.exit(0);
}

/** Applies the edits to `text`; undefined (with the reason) when one does not match exactly once. */
function mutate(text, edits) {
  let out = text;
  for (const { from, to } of edits) {
    const count = out.split(from).length - 1;
    if (count !== 1) return { error: `expected 1 match, found ${count}: ${JSON.stringify(from.slice(0, 80))}` };
    out = out.replace(from, () => to);
  }
  return { text: out };
}

/** A copy of the work tree as git sees it (tracked and new files, nothing ignored), node_modules linked. */
function copyRepository() {
  const dir = mkdtempSync(join(tmpdir(), 'image-trust-mutate-'));
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    if (file === 'node_modules') continue;
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    try {
      cpSync(join(root, file), join(dir, file));
    } catch (error) {
      // A file listed by git but deleted in the work tree.
      if (error.code !== 'ENOENT') throw error;
    }
  }
  symlinkSync(realpathSync(join(root, 'node_modules')), join(dir, 'node_modules'));
  return dir;
}

/** Runs a command in its own process group; kills the group at the time limit. */
function run(command, commandArgs, cwd, seconds) {
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { cwd, detached: true, env: { ...process.env, FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, seconds * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut });
    });
  });
}

/** The names of the failing tests in node's spec reporter output. */
function failingTests(output) {
  const start = output.indexOf('✖ failing tests:');
  const part = start >= 0 ? output.slice(start) : output;
  const names = [...part.matchAll(/^\s*✖ (.+?)(?: \([\d.]+ms\))?$/gm)]
    .map((m) => m[1])
    .filter((n) => n !== 'failing tests:');
  return [...new Set(names)];
}

const copy = copyRepository();
const results = [];
const started = Date.now();
try {
  for (const m of selected) {
    const path = join(copy, m.file);
    let original;
    try {
      original = readFileSync(path, 'utf8');
    } catch {
      results.push({ m, outcome: 'not applied', detail: `${m.file} does not exist` });
      continue;
    }
    const mutated = mutate(original, m.edits);
    if (mutated.error) {
      results.push({ m, outcome: 'not applied', detail: mutated.error });
      continue;
    }
    writeFileSync(path, mutated.text);
    const t0 = Date.now();
    try {
      // Always rebuilt: dist/ must never hold an earlier mutation.
      const build = await run(process.execPath, ['scripts/build.mjs'], copy, 300);
      if (build.code !== 0) {
        // A mutation that does not compile is no test of the suite.
        results.push({ m, outcome: 'not applied', detail: `the build failed:\n${build.output.slice(-2000)}` });
        continue;
      }
      const tests = await run(process.execPath, ['scripts/run-tests.mjs', ...m.tests], copy, timeoutSeconds);
      const seconds = Math.round((Date.now() - t0) / 1000);
      if (tests.timedOut) {
        results.push({ m, outcome: 'timed out', seconds, detail: `no result within ${timeoutSeconds} s` });
      } else if (tests.code === 0) {
        results.push({ m, outcome: 'SURVIVED', seconds, detail: 'every listed test passed' });
      } else {
        const failed = failingTests(tests.output);
        results.push({ m, outcome: 'caught', seconds, detail: failed.slice(0, 3).join('; ') || `exit ${tests.code}` });
      }
    } finally {
      writeFileSync(path, original);
    }
    const last = results[results.length - 1];
    console.error(`[mutate] ${m.id}: ${last.outcome} (${last.seconds ?? 0} s) ${last.detail.split('\n')[0]}`);
  }
} finally {
  if (!args.includes('--keep')) rmSync(copy, { recursive: true, force: true });
  else console.error(`[mutate] copy kept in ${copy}`);
}

const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
console.log('| mutation | behaviour it breaks | result | s | first failing tests |');
console.log('|---|---|---|---|---|');
for (const r of results) {
  console.log(
    `| \`${r.m.id}\` | ${cell(r.m.behaviour)} | ${r.outcome} | ${r.seconds ?? ''} | ${cell(r.detail).slice(0, 300)} |`,
  );
}
const caught = results.filter((r) => r.outcome === 'caught').length;
console.log(`\n${caught} of ${results.length} caught in ${Math.round((Date.now() - started) / 1000)} s.`);
process.exit(caught === results.length ? 0 : 1);
