// Keyless verification as the editor and the CLI run it: through createNetwork (the network door,
// the lookup loss log) against the real registry, with the trusted root refreshed through TUF from
// a repository served on loopback. A refresh that fails is said once, like any lost lookup.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import seeds from '@sigstore/tuf/seeds.json';
import fixtures from '../fixtures/sigstore/mock-fixtures.json';
import { defaultNetworkSettings } from '../../server/src/core/settings';
import { parseImageReference } from '../../server/src/core/reference';
import { createNetwork } from '../../server/src/services/network';
import { PUBLIC_GOOD_TUF_URL } from '../../server/src/signatures/trustedRoot';
import { pushFixtureImage, pushSigstoreBundle } from '../support/cosign';
import { startRegistry, type TestRegistry } from '../support/registry';

let registry: TestRegistry;
let mirror: Server;
let mirrorHost: string;
const mirrorRequests: string[] = [];
// A real TUF root (the public-good one @sigstore/tuf ships) whose repository is down: every file is missing.
const publicGoodRoot = Buffer.from(
  (seeds as Record<string, { 'root.json': string }>)[PUBLIC_GOOD_TUF_URL]['root.json'],
  'base64',
).toString('utf8');

before(async () => {
  registry = await startRegistry();
  mirror = createServer((req, res) => {
    mirrorRequests.push(req.url ?? '');
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
  mirrorHost = `127.0.0.1:${(mirror.address() as AddressInfo).port}`;
});
after(async () => {
  await registry?.stop();
  await new Promise((resolve) => mirror.close(resolve));
});

async function keylessImage(path: string) {
  const subject = await pushFixtureImage(registry, path, fixtures.images.subject);
  await pushSigstoreBundle(registry, path, subject, fixtures.bundles.trusted);
  const parsed = parseImageReference(`${registry.host}/${path}@${subject.digest}`);
  assert.ok(parsed.ok);
  return parsed.reference;
}

test('a TUF refresh that fails is said once under the repository host, in the losses and the status', async () => {
  const network = createNetwork({
    ...defaultNetworkSettings(),
    cacheDir: '',
    sigstoreTuf: { mirrorUrl: `http://${mirrorHost}`, rootJson: publicGoodRoot },
  });
  try {
    const wanted = { digest: true, signature: true, verifySignatures: true };
    const first = await network.facts.gather(await keylessImage('tuf/first'), wanted);
    const second = await network.facts.gather(await keylessImage('tuf/second'), wanted);

    assert.ok(mirrorRequests.length > 0, 'the refresh asked the TUF repository');
    assert.equal(network.requestCounts().byPurpose.tuf, mirrorRequests.length, 'through the network door');
    const lost = network.losses.all().filter((l) => l.service === mirrorHost);
    assert.equal(lost.length, 1);
    assert.equal(lost[0].count, 1, 'said once: the second keyless signature does not refresh again');
    assert.match(
      lost[0].message,
      /the Sigstore trusted root could not be refreshed from http:\/\/127\.0\.0\.1:\d+ .*using the Sigstore public-good trusted root \(shipped\)/,
    );
    assert.ok(
      network.health().unreachable.some((u) => u.registry === mirrorHost && /could not be refreshed/.test(u.message)),
      'the editor status lists it',
    );
    // The shipped root is used meanwhile: the mock signature does not chain to it, and says why.
    for (const facts of [first, second]) {
      assert.equal(facts.signature?.state, 'known');
      const status = facts.signature.state === 'known' ? facts.signature.value : undefined;
      assert.equal(status?.verified, undefined);
      assert.match(status?.failures?.join('; ') ?? '', /does not chain to a Fulcio CA/);
    }
  } finally {
    await network.dispose();
  }
});
