import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DiskCache } from '../../server/src/net/diskCache';

interface Entry {
  key: string;
  text: string;
  bytes?: Uint8Array;
}

function withCache(run: (cache: DiskCache<Entry>, root: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const root = mkdtempSync(join(tmpdir(), 'image-trust-disk-cache-'));
    try {
      await run(new DiskCache<Entry>(root), root);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
}

test(
  'small and big entries (read at once, and in the background past 256 KiB) come back as written, bytes included',
  withCache(async (cache) => {
    const small: Entry = { key: 'small', text: 'é'.repeat(100), bytes: new Uint8Array([0, 1, 255]) };
    const big: Entry = { key: 'big', text: 'x'.repeat(600 * 1024) + 'ü', bytes: new Uint8Array(300 * 1024).fill(7) };
    await cache.write(small);
    await cache.write(big);
    assert.deepEqual(await cache.read('small'), small);
    assert.deepEqual(await cache.read('big'), big);
  }),
);

test(
  'an absent key, a file that does not parse and a file holding another key are all absent',
  withCache(async (cache, root) => {
    assert.equal(await cache.read('never written'), undefined);
    await cache.write({ key: 'a', text: 'A' });
    const [dir] = readdirSync(root);
    const [file] = readdirSync(join(root, dir));
    writeFileSync(join(root, dir, file), '{"key": "a", "text": ');
    assert.equal(await cache.read('a'), undefined);
    writeFileSync(join(root, dir, file), JSON.stringify({ key: 'b', text: 'B' }));
    assert.equal(await cache.read('a'), undefined);
  }),
);
