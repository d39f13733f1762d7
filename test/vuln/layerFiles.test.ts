// Reading package databases out of real gzip tar layers: symlinks, whiteouts, opaque folders, caps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { readLayerFiles } from '../../server/src/vuln/layerFiles';
import { gzipLayer } from '../support/vulnImages';

const GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';

test('keeps only the package databases and os-release; records links, whiteouts and opaque folders', async () => {
  const layer = await gzipLayer([
    { name: './etc/os-release', link: '../usr/lib/os-release' },
    { name: 'usr/lib/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
    { name: 'var/lib/dpkg/status', content: 'Package: a\nVersion: 1\n' },
    { name: 'var/lib/dpkg/status.d/b', content: 'Package: b\nVersion: 2\n' },
    { name: 'var/lib/dpkg/status.d/b.md5sums', content: 'x' },
    { name: 'var/lib/dpkg/status.d/.wh.c', content: '' },
    { name: 'lib/apk/db/.wh..wh..opq', content: '' },
    { name: 'usr/bin/big', content: 'y'.repeat(100_000) },
  ]);
  const files = await readLayerFiles(layer, GZIP);
  assert.deepEqual(Object.keys(files.files).sort(), [
    'etc/os-release',
    'usr/lib/os-release',
    'var/lib/dpkg/status',
    'var/lib/dpkg/status.d/b',
  ]);
  assert.deepEqual(files.files['etc/os-release'], { link: '../usr/lib/os-release' });
  assert.deepEqual(files.whiteouts, ['var/lib/dpkg/status.d/c']);
  assert.deepEqual(files.opaqueDirs, ['lib/apk/db/']);
});

test('caps: a file over the limit is not kept; a stream that unpacks past the limit is refused', async () => {
  const layer = await gzipLayer([{ name: 'var/lib/dpkg/status', content: 'P'.repeat(5000) }]);
  const capped = await readLayerFiles(layer, GZIP, { maxFileBytes: 1000, maxUnpackedBytes: 1 << 30 });
  assert.deepEqual(capped.capped, ['var/lib/dpkg/status']);
  assert.equal(capped.files['var/lib/dpkg/status'], undefined);
  // A gzip bomb: 64 MiB of zeros in a few KB.
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
  await assert.rejects(
    readLayerFiles(bomb, GZIP, { maxFileBytes: 1000, maxUnpackedBytes: 8 * 1024 * 1024 }),
    /unpacks to more than 8 MiB/,
  );
});

test('malformed layers are refused with a reason: not gzip, not tar, zstd', async () => {
  await assert.rejects(readLayerFiles(Buffer.from('\x1f\x8bgarbage'), GZIP), /not valid gzip/);
  await assert.rejects(readLayerFiles(gzipSync(Buffer.from('x'.repeat(2000))), GZIP), /not a readable tar/);
  await assert.rejects(
    readLayerFiles(Buffer.from('(\xb5/\xfd'), 'application/vnd.oci.image.layer.v1.tar+zstd'),
    /zstd/,
  );
});
