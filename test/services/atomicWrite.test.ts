import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  closeSync,
  fstatSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomically } from '../../server/src/services/atomicWrite';
import { unifiedDiff } from '../../server/src/cli/unifiedDiff';

// Modes the process umask (usually 022) would change if the temporary file kept only the mode it
// was created with: group/other write (0o666, 0o664), and the executable bits of a script.
for (const mode of [0o640, 0o666, 0o664, 0o755, 0o600]) {
  test(`writes the new bytes and keeps the mode ${mode.toString(8)}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'it-aw-'));
    const p = join(dir, 'Dockerfile');
    writeFileSync(p, 'old');
    chmodSync(p, mode);
    assert.equal(statSync(p).mode & 0o7777, mode, 'the test set the mode it checks');
    const r = writeFileAtomically(p, Buffer.from('old'), Buffer.from('new'));
    assert.deepEqual(r, { ok: true });
    assert.equal(readFileSync(p, 'utf8'), 'new');
    assert.equal((statSync(p).mode & 0o7777).toString(8), mode.toString(8), 'the mode after writing');
    assert.deepEqual(readdirSync(dir), ['Dockerfile']);
    rmSync(dir, { recursive: true });
  });
}

test('replaces the file by a rename: whoever holds the old file sees the old bytes, whole', () => {
  const dir = mkdtempSync(join(tmpdir(), 'it-aw-'));
  const p = join(dir, 'Dockerfile');
  const old = Buffer.from('FROM nginx:1.27\n'.repeat(1000));
  writeFileSync(p, old);
  const held = openSync(p, 'r');
  const inodeBefore = statSync(p).ino;
  const next = Buffer.from('FROM nginx:1.27@sha256:' + 'a'.repeat(64) + '\n');
  assert.deepEqual(writeFileAtomically(p, old, next), { ok: true });
  assert.notEqual(statSync(p).ino, inodeBefore, 'a new file took the name (not the old one rewritten in place)');
  assert.ok(fstatSync(held).size === old.length && readFileSync(held).equals(old), 'the old file is untouched');
  closeSync(held);
  assert.ok(readFileSync(p).equals(next));
  rmSync(dir, { recursive: true });
});

test('refuses when the file changed since it was read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'it-aw-'));
  const p = join(dir, 'Dockerfile');
  writeFileSync(p, 'edited meanwhile');
  const r = writeFileAtomically(p, Buffer.from('old'), Buffer.from('new'));
  assert.equal(r.ok, false);
  assert.equal(readFileSync(p, 'utf8'), 'edited meanwhile');
  rmSync(dir, { recursive: true });
});

test(
  'a read-only folder gives a clear error and an untouched file',
  { skip: process.getuid?.() === 0 ? 'root ignores permissions' : false },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'it-aw-'));
    const p = join(dir, 'Dockerfile');
    writeFileSync(p, 'old');
    chmodSync(dir, 0o500);
    const r = writeFileAtomically(p, Buffer.from('old'), Buffer.from('new'));
    chmodSync(dir, 0o700);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.message, /permission denied/);
    assert.equal(readFileSync(p, 'utf8'), 'old');
    rmSync(dir, { recursive: true });
  },
);

test('unified diff with context and CRLF kept', () => {
  const before = 'a\r\nFROM nginx:1.27\r\nb\r\nc\r\nd\r\ne\r\nf\r\ng\r\nFROM redis\r\n';
  const after = before.replace('nginx:1.27', 'nginx:1.27@sha256:x').replace('FROM redis', 'FROM redis:latest@sha256:y');
  const diff = unifiedDiff('Dockerfile', before, after);
  // Each diff line keeps the file's own line ending, so git apply and patch match CRLF lines.
  assert.equal(
    diff,
    '--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,9 +1,9 @@\n' +
      [
        ' a',
        '-FROM nginx:1.27',
        '+FROM nginx:1.27@sha256:x',
        ' b',
        ' c',
        ' d',
        ' e',
        ' f',
        ' g',
        '-FROM redis',
        '+FROM redis:latest@sha256:y',
        '',
      ].join('\r\n'),
  );
  assert.match(unifiedDiff('f', 'FROM a', 'FROM b'), /\\ No newline at end of file/);
});
