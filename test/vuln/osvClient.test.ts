// The OSV client over the network door against the local OSV API: batches of at most 1000
// queries, records fetched once per id, the whole listing cached, shapes and sizes enforced.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpClient } from '../../server/src/net';
import { OsvClient } from '../../server/src/vuln/osvClient';
import { OsvHttp } from '../../server/src/vuln/osvHttp';
import { startOsvServer, type OsvFixture } from '../support/osvServer';
import { OSV_DATA, OLD_OPENSSL } from './vulnFixture';

let osv: OsvFixture;
let http: HttpClient;
let cache: string;

before(async () => {
  osv = await startOsvServer(OSV_DATA);
  http = new HttpClient({});
  cache = mkdtempSync(join(tmpdir(), 'image-trust-osv-'));
});
after(async () => {
  await http.close();
  await osv.stop();
  rmSync(cache, { recursive: true, force: true });
});

test('1500 queries go out as two batches; each record is fetched once; a second client reads the disk cache', async () => {
  const queries = Array.from({ length: 1500 }, (_, i) =>
    i % 500 === 0
      ? { ecosystem: 'Debian:12', name: 'openssl', version: OLD_OPENSSL }
      : { ecosystem: 'Debian:12', name: `pkg${i}`, version: '1.0-1' },
  );
  osv.log.length = 0;
  const client = new OsvClient({ baseUrl: osv.url, http: new OsvHttp(http), cacheDir: cache });
  const answer = await client.advisoriesFor(queries);
  assert.ok(answer.ok);
  assert.deepEqual(
    answer.records[500].map((r) => r.id),
    ['DEBIAN-CVE-2024-1111', 'DEBIAN-CVE-2024-2222', 'DEBIAN-CVE-2024-4444'],
  );
  assert.deepEqual(answer.records[1], []);
  assert.equal(osv.log.filter((l) => l === 'POST /v1/querybatch').length, 2);
  assert.equal(osv.log.filter((l) => l.startsWith('GET /v1/vulns/')).length, 3);
  osv.log.length = 0;
  const again = await new OsvClient({ baseUrl: osv.url, http: new OsvHttp(http), cacheDir: cache }).advisoriesFor(
    queries,
  );
  assert.ok(again.ok);
  assert.deepEqual(
    again.records[1000].map((r) => r.id),
    answer.records[1000].map((r) => r.id),
  );
  assert.deepEqual(osv.log, []);
});

test('a body over the cap is refused, a wrong shape is a failure, never a crash', async () => {
  const client = new OsvClient({ baseUrl: osv.url, http: new OsvHttp(http) });
  const query = [{ ecosystem: 'Debian:12', name: 'openssl', version: MID }];
  for (const [mode, said] of [
    ['huge', /sent more than 32 MiB; refusing to read it/],
    ['lying', /not OSV's documented shape/],
  ] as const) {
    osv.mode = mode;
    try {
      const answer = await client.advisoriesFor(query);
      assert.equal(answer.ok, false);
      assert.match(!answer.ok ? answer.message : '', said);
    } finally {
      osv.mode = 'ok';
    }
  }
});

const MID = '3.0.13-1~deb12u1';
