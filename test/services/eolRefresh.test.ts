// The end-of-life refresh: a newer answer from an endoflife.date-shaped server replaces the
// shipped snapshot for that product; failures keep the snapshot; offline asks nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lookupEol } from '../../server/src/core/eol/eol';
import { EolRefresher, parseEolApiCycles } from '../../server/src/services/eolRefresh';

let server: Server;
let base: string;
const requests: string[] = [];
before(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/api/redis.json') {
      res.setHeader('content-type', 'application/json');
      // Pretend redis 7.2 support was cut short.
      res.end(
        JSON.stringify([
          { cycle: '7.2', releaseDate: '2023-08-15', eol: '2026-01-01', latest: '7.2.9' },
          { cycle: '8.2', releaseDate: '2025-08-01', eol: false },
        ]),
      );
    } else if (req.url === '/api/nodejs.json') {
      res.end('not json');
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

const redis = { registry: 'docker.io', repository: 'library/redis' };
const today = new Date('2026-11-22');

test('a refreshed answer replaces the snapshot for its product, once a day, cached on disk', async () => {
  assert.equal(lookupEol(redis, '7.2', today)?.isEol, false, 'the snapshot says 7.2 is supported');
  const cacheDir = mkdtempSync(join(tmpdir(), 'it-eol-'));
  const refresher = new EolRefresher({ baseUrl: base, offline: false, cacheDir });
  await refresher.refresh(redis);
  await refresher.refresh(redis);
  const fetchedAt = refresher.refreshedAt(redis);
  assert.ok(fetchedAt !== undefined && Date.now() - fetchedAt < 60_000);
  const info = lookupEol(redis, '7.2', today, undefined, refresher.cyclesFor(redis), fetchedAt);
  assert.equal(info?.isEol, true);
  assert.deepEqual(info?.data, { source: 'refreshed', asOf: new Date(fetchedAt).toISOString() });
  assert.equal(info?.eolDate, '2026-01-01');
  assert.equal(info?.oldestSupportedCycle, '8.2');
  assert.equal(requests.filter((r) => r === '/api/redis.json').length, 1);
  const second = new EolRefresher({ baseUrl: base, offline: false, cacheDir });
  await second.refresh(redis);
  assert.equal(requests.filter((r) => r === '/api/redis.json').length, 1, 'served from the disk cache');
  assert.ok(second.cyclesFor(redis));
  rmSync(cacheDir, { recursive: true, force: true });
});

test('a bad answer keeps the snapshot; offline asks nothing', async () => {
  const node = { registry: 'docker.io', repository: 'library/node' };
  const refresher = new EolRefresher({ baseUrl: base, offline: false });
  await refresher.refresh(node);
  assert.equal(refresher.cyclesFor(node), undefined);
  const before = requests.length;
  await new EolRefresher({ baseUrl: base, offline: true }).refresh(redis);
  assert.equal(requests.length, before);
});

test('parses the API shape and ignores junk', () => {
  assert.deepEqual(
    parseEolApiCycles([{ cycle: 20, eol: '2026-04-30', releaseDate: '2023-04-18' }, { cycle: 'x' }, 'junk']),
    [{ cycle: '20', eol: '2026-04-30', releaseDate: '2023-04-18', latest: undefined }],
  );
  assert.equal(parseEolApiCycles({ not: 'an array' }), undefined);
});
