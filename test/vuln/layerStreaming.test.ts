// Layers are streamed, never held whole: a huge layer with its package database at the start
// is read without downloading the rest (the connection is closed), lower layers an upper one
// already decides are never requested, a layer that never ends is cut at the byte cap with what
// its start held, and the network door hands bodies to readers chunk by chunk under its cap.
// The real registry for real layers; a loopback fixture registry for the layer that never ends.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip, gzipSync } from 'node:zlib';
import { defaultNetworkSettings } from '../../server/src/core/settings';
import { HttpClient } from '../../server/src/net';
import { createRegistryClient } from '../../server/src/registry';
import { ImageInventoryReader } from '../../server/src/vuln/imageInventory';
import { compareWalkOrder, pastWantedPaths, readLayerStream } from '../../server/src/vuln/layerFiles';
import { MEDIA_TYPES, sha256Digest } from '../support/ociImages';
import { startRegistry, type TestRegistry } from '../support/registry';
import {
  ALPINE_OS_RELEASE,
  apkInstalled,
  DEBIAN_12_OS_RELEASE,
  gzipLayer,
  pushPackagedImage,
  REAL_DPKG_STATUS,
} from '../support/vulnImages';

const MiB = 1024 * 1024;
const BIG = 40 * MiB;

let registry: TestRegistry;
let cacheDir: string;

before(async () => {
  registry = await startRegistry();
  cacheDir = mkdtempSync(join(tmpdir(), 'it-layers-'));
});
after(async () => {
  await registry?.stop();
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
});

function clientFor() {
  return createRegistryClient(
    { ...defaultNetworkSettings(), cacheDir: '', dockerConfigDir: '/nonexistent' },
    { retryBaseDelayMs: 1 },
  );
}

/** A POSIX ustar header for a regular file of `size` bytes (under 8 GiB), for streams built by hand. */
function tarHeader(name: string, size: number): Buffer {
  const header = Buffer.alloc(512);
  const octal = (value: number, offset: number, length: number) =>
    header.write(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length, 'ascii');
  header.write(name, 0, 100, 'utf8');
  octal(0o644, 100, 8);
  octal(0, 108, 8);
  octal(0, 116, 8);
  octal(size, 124, 12);
  octal(0, 136, 12);
  header.write('0', 156, 1, 'ascii');
  header.write('ustar\0' + '00', 257, 8, 'ascii');
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return header;
}

/** A tar file entry: header, content, padding to 512 bytes. */
function tarFile(name: string, content: string): Buffer {
  const body = Buffer.from(content);
  const pad = Buffer.alloc((512 - (body.length % 512)) % 512);
  return Buffer.concat([tarHeader(name, body.length), body, pad]);
}

test('paths past the package databases in both layer orders end the read; nothing before them does', () => {
  for (const before of [
    'etc/os-release',
    'lib/apk/db/installed',
    'usr/share/big',
    'var/lib/dpkg/status',
    'var/lib/dpkg/status-old',
    'var/lib/dpkg/status.d',
    'var/lib/dpkg/status.d/base',
    'var/lib/dpkg.old',
    'var/lib/.wh.dpkg',
    'var/lib/dpkg/.wh..wh..opq',
  ])
    assert.equal(pastWantedPaths(before), false, before);
  for (const past of ['var/lib/dpkg/triggers/Lock', 'var/lib/misc', 'var/log/apt', 'zz'])
    assert.equal(pastWantedPaths(past), true, past);
  // Walk order compares segment by segment: a folder's content comes before a longer sibling name.
  assert.ok(compareWalkOrder('etc/x', 'etc-foo') < 0);
  assert.ok('etc/x' > 'etc-foo');
});

test('a huge layer with its dpkg status at the start: packages read, the rest never downloaded, lower layers never asked', async () => {
  // Level 0: random bytes do not compress anyway, and the test should not spend its time in gzip.
  const archive = Buffer.concat([
    tarFile('etc/os-release', DEBIAN_12_OS_RELEASE),
    tarFile('var/lib/dpkg/status', REAL_DPKG_STATUS),
    tarHeader('var/lib/zz-data/blob', BIG),
    randomBytes(BIG),
    Buffer.alloc(1024),
  ]);
  const top = gzipSync(archive, { level: 0 });
  const lower = await gzipLayer([
    { name: 'etc/os-release', content: 'ID=wrong\n' },
    { name: 'var/lib/dpkg/status', content: 'Package: shadowed\nVersion: 1\n' },
  ]);
  const pushed = await pushPackagedImage(registry, 'team/huge', '1', { 'linux/amd64': { layers: [lower, top] } });
  const [lowerDigest, topDigest] = pushed.layerDigests['linux/amd64'];
  const handle = clientFor();
  try {
    const reader = new ImageInventoryReader({ registry: handle, cacheDir });
    registry.resetLog();
    const answer = await reader.read({ registry: registry.host, repository: 'team/huge' }, '1', 'linux/amd64');
    assert.equal(answer.state, 'known');
    assert.ok(answer.state === 'known');
    const names = answer.value.packages.map((p) => p.name);
    assert.ok(names.includes('libssl3') && names.length > 50, `${names.length} packages`);
    assert.ok(!names.includes('shadowed'));
    assert.equal(answer.value.distro, 'debian 12');
    assert.deepEqual(answer.value.notes, []);
    // The top layer was streamed and closed once it had passed var/lib/dpkg; the lower one never asked.
    const blobGets = registry.log.filter((r) => r.kind === 'blobGet');
    assert.deepEqual(
      blobGets.map((r) => r.path.split('/').pop()),
      [topDigest],
    );
    assert.equal(blobGets[0].closedEarly, true, 'the download was closed before its end');
    assert.ok(blobGets[0].bytesSent! < top.length / 2, `${blobGets[0].bytesSent} of ${top.length} bytes sent`);
    assert.ok(reader.downloadedBytes < 4 * MiB, `${reader.downloadedBytes} bytes read`);
    assert.ok(!lowerDigest || !blobGets.some((r) => r.path.endsWith(lowerDigest)));
    // Cached by layer digest: another reader over the same cache downloads nothing.
    registry.resetLog();
    const again = await new ImageInventoryReader({ registry: handle, cacheDir }).read(
      { registry: registry.host, repository: 'team/huge' },
      '1',
      'linux/amd64',
    );
    assert.ok(again.state === 'known' && again.value.packages.length === answer.value.packages.length);
    assert.equal(registry.log.filter((r) => r.kind === 'blobGet').length, 0);
  } finally {
    await handle.dispose();
  }
});

test('a layer that is not a tar after all: the reader fails at once and the download is closed', async () => {
  // Valid gzip around noise: the tar reader fails on the first header.
  const broken = gzipSync(randomBytes(24 * MiB), { level: 0 });
  const good = await gzipLayer([
    { name: 'etc/os-release', content: DEBIAN_12_OS_RELEASE },
    { name: 'var/lib/dpkg/status', content: 'Package: below\nVersion: 1\n' },
  ]);
  const pushed = await pushPackagedImage(registry, 'team/broken', '1', { 'linux/amd64': { layers: [good, broken] } });
  const brokenDigest = pushed.layerDigests['linux/amd64'][1];
  const handle = clientFor();
  try {
    registry.resetLog();
    const answer = await new ImageInventoryReader({ registry: handle }).read(
      { registry: registry.host, repository: 'team/broken' },
      '1',
      'linux/amd64',
    );
    assert.ok(answer.state === 'known', JSON.stringify(answer));
    assert.match(answer.value.notes.join('\n'), /could not be read: the layer is not a readable tar archive/);
    // The layer below still answers.
    assert.deepEqual(
      answer.value.packages.map((p) => p.name),
      ['below'],
    );
    const get = registry.log.find((r) => r.kind === 'blobGet' && r.path.endsWith(brokenDigest));
    assert.equal(get?.closedEarly, true);
    assert.ok(get!.bytesSent! < broken.length / 2, `${get!.bytesSent} of ${broken.length} bytes sent`);
  } finally {
    await handle.dispose();
  }
});

test(
  'a layer that never ends is cut at the byte cap: the request is closed, what its start held is kept and said to be partial',
  // Bounded: a client that does not close the connection would otherwise wait forever.
  { timeout: 120_000 },
  async () => {
    const head = Buffer.concat([
      tarFile('etc/os-release', ALPINE_OS_RELEASE),
      tarFile('lib/apk/db/installed', apkInstalled([{ name: 'busybox', version: '1.36.1-r29' }])),
      tarHeader('usr/share/endless', 4 * 1024 * MiB),
    ]);
    const filler = randomBytes(256 * 1024);
    let written = 0;
    let closed!: Promise<void>;
    const layerDigest = `sha256:${'e'.repeat(64)}`;
    const stream = (res: ServerResponse) => {
      closed = new Promise((resolve) => res.once('close', () => resolve()));
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const gzip = createGzip({ level: 0 });
      gzip.on('data', (c: Buffer) => {
        written += c.length;
        if (!res.write(c)) gzip.pause();
      });
      res.on('drain', () => gzip.resume());
      res.once('close', () => gzip.destroy());
      gzip.write(head);
      const more = () => {
        // Endless: refill whenever gzip has taken the last piece.
        while (!res.destroyed && gzip.write(filler));
        if (!res.destroyed) gzip.once('drain', more);
      };
      more();
    };
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociManifest,
        config: { mediaType: MEDIA_TYPES.ociConfig, digest: sha256Digest('{}'), size: 2 },
        layers: [{ mediaType: MEDIA_TYPES.ociLayer, digest: layerDigest, size: 1024 * 1024 * MiB }],
      }),
    );
    const server: Server = createServer((req, res) => {
      const path = req.url ?? '/';
      if (path === '/v2/') return res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      if (path === '/v2/team/endless/manifests/1')
        return res
          .writeHead(200, { 'content-type': MEDIA_TYPES.ociManifest, 'docker-content-digest': sha256Digest(manifest) })
          .end(manifest);
      if (path === `/v2/team/endless/blobs/${layerDigest}`) return stream(res);
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const handle = clientFor();
    try {
      const reader = new ImageInventoryReader({ registry: handle, maxLayerBytes: 4 * MiB });
      const answer = await reader.read({ registry: host, repository: 'team/endless' }, '1', 'linux/amd64');
      await closed;
      assert.ok(answer.state === 'known', JSON.stringify(answer));
      assert.deepEqual(
        answer.value.packages.map((p) => `${p.name} ${p.version}`),
        ['busybox 1.36.1-r29'],
      );
      assert.equal(answer.value.distro, 'alpine 3.20.3');
      assert.match(
        answer.value.notes.join('\n'),
        /was read only to its first 4 MiB; what it holds further on is not known/,
      );
      // The client took no more than the cap off the connection; the server stopped once it closed.
      assert.ok(reader.downloadedBytes <= 4 * MiB, `${reader.downloadedBytes} bytes read`);
      assert.ok(written < 64 * MiB, `${written} bytes written before the close`);
    } finally {
      await handle.dispose();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  },
);

test(
  'the door streams a body to a reader under its cap; a reader that stops early closes the connection',
  // Bounded: a client that does not close the connection would otherwise wait forever.
  { timeout: 120_000 },
  async () => {
    let closes = 0;
    const server: Server = createServer((_req, res) => {
      res.once('close', () => closes++);
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 1);
      const more = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', more);
      };
      more();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/blob`;
    const http = new HttpClient({ maxAttempts: 1 });
    try {
      const base = { method: 'GET' as const, url, service: 'fixture', purpose: 'registry' };
      let seen = 0;
      const capped = await http.send({
        ...base,
        maxBodyBytes: 2 * MiB,
        streamBody: () => async (chunks) => {
          for await (const c of chunks) seen += c.length;
        },
      });
      assert.equal(capped.ok, false);
      assert.equal(!capped.ok && capped.error.kind, 'tooLarge');
      assert.ok(seen <= 2 * MiB, `${seen} bytes handed to the reader`);
      assert.ok(http.requestCounts().bytesReceived <= 2 * MiB + 64 * 1024);
      const early = await http.send({
        ...base,
        maxBodyBytes: 1024 * MiB,
        streamBody: (status) =>
          status === 200
            ? async (chunks) => {
                for await (const c of chunks) if (c.length) break;
              }
            : undefined,
      });
      assert.ok(early.ok);
      assert.equal(early.value.streamed?.complete, false);
      assert.ok(early.value.streamed!.bytes < MiB);
      assert.equal(early.value.body.length, 0);
      while (closes < 2) await new Promise((r) => setTimeout(r, 10));
    } finally {
      await http.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  },
);

test('the in-memory reader and the streaming reader agree, and a reader stops at the first entry past the databases', async () => {
  const layer = await gzipLayer([
    { name: 'etc/os-release', content: DEBIAN_12_OS_RELEASE },
    { name: 'var/lib/dpkg/status', content: 'Package: a\nVersion: 1\n' },
    { name: 'var/lib/dpkg/status.d/b', content: 'Package: b\nVersion: 2\n' },
    { name: 'var/lib/dpkg/triggers/Lock', content: '' },
    { name: 'var/lib/dpkg/status.d/late', content: 'Package: late\nVersion: 3\n' },
  ]);
  // Out of order after the stop point: the reader has stopped (walk order promised nothing later).
  const oneByOne = async function* () {
    for (let i = 0; i < layer.length; i += 97) yield layer.subarray(i, i + 97);
  };
  const files = await readLayerStream(oneByOne(), MEDIA_TYPES.ociLayer);
  assert.equal(files.stoppedEarly, true);
  assert.deepEqual(Object.keys(files.files).sort(), [
    'etc/os-release',
    'var/lib/dpkg/status',
    'var/lib/dpkg/status.d/b',
  ]);
  // An archive whose entries are out of both orders is read to its end.
  const shuffled = await gzipLayer([
    { name: 'var/lib/dpkg/status.d/b', content: 'Package: b\nVersion: 2\n' },
    { name: 'etc/os-release', content: DEBIAN_12_OS_RELEASE },
    { name: 'var/log/x', content: '' },
    { name: 'var/lib/dpkg/status', content: 'Package: a\nVersion: 1\n' },
  ]);
  const all = await readLayerStream([shuffled], MEDIA_TYPES.ociLayer);
  assert.equal(all.stoppedEarly, undefined);
  assert.deepEqual(Object.keys(all.files).sort(), ['etc/os-release', 'var/lib/dpkg/status', 'var/lib/dpkg/status.d/b']);
});
