import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomically } from '../../server/src/services/atomicWrite';
import { unifiedDiff } from '../../server/src/cli/unifiedDiff';

test('writes the new bytes and keeps the mode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'it-aw-'));
  const p = join(dir, 'Dockerfile');
  writeFileSync(p, 'old');
  chmodSync(p, 0o640);
  const r = writeFileAtomically(p, Buffer.from('old'), Buffer.from('new'));
  assert.deepEqual(r, { ok: true });
  assert.equal(readFileSync(p, 'utf8'), 'new');
  assert.deepEqual(readdirSync(dir), ['Dockerfile']);
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
