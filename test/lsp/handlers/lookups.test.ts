// The lookup handlers in process against a stub connection: FactsLookup (network answers for one
// request, remembered for the next diagnostics, dropped when the request is cancelled) and
// imageTrust/workspaceImages (every reference the CLI's walk finds, open text first, unknown ones
// looked up afterwards). The network's facts service is replaced by a recorder that answers at
// once, or only when aborted: what is tested is the handlers' wiring, not the registry client.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource } from 'vscode-languageserver';
import type { ImageFacts } from '../../../server/src/core/facts';
import { parseImageReference } from '../../../server/src/core/reference';
import type { ImageReference } from '../../../server/src/core/types';
import { FactsLookup } from '../../../server/src/lsp/handlers/factsLookup';
import { ImageTrustServer } from '../../../server/src/lsp/server';
import { StubConnection, settle } from '../../support/stubConnection';

const DIGEST = `sha256:${'b'.repeat(64)}`;
let dir: string;
const started: ImageTrustServer[] = [];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'image-trust-lookups-'));
  mkdirSync(join(dir, 'api'));
  mkdirSync(join(dir, 'node_modules', 'pkg'), { recursive: true });
  writeFileSync(join(dir, 'api', 'Dockerfile'), 'FROM node:20\n');
  writeFileSync(join(dir, 'compose.yaml'), 'services:\n  web:\n    image: redis:7.2\n');
  writeFileSync(join(dir, 'node_modules', 'pkg', 'Dockerfile'), 'FROM skipped:1\n');
});
after(async () => {
  for (const server of started) await server.settings.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function ref(text: string): ImageReference {
  const parsed = parseImageReference(text);
  assert.ok(parsed.ok);
  return parsed.reference;
}

/** A server whose registries are on loopback nobody listens on; its lookups are recorded instead. */
function startServer(online: boolean, answer: 'now' | 'when aborted' = 'now') {
  const stub = new StubConnection();
  const server = new ImageTrustServer(stub.connection);
  server.listen();
  started.push(server);
  stub.initialize({
    workspaceFolders: [{ uri: pathToFileURL(dir).toString(), name: 'w' }],
    initializationOptions: {
      settings: { offline: !online },
      machineSettings: { registryMirrors: { 'docker.io': 'http://127.0.0.1:9' }, hubUrl: 'http://127.0.0.1:9' },
    },
  });
  const asked: Array<{ raw: string; signal?: AbortSignal }> = [];
  server.settings.network.facts.gather = (r, _wanted, signal): Promise<ImageFacts> => {
    asked.push({ raw: r.raw, signal });
    const facts: ImageFacts = { currentDigest: { state: 'known', value: DIGEST } };
    if (answer === 'now') return Promise.resolve(facts);
    return new Promise((resolve) => signal!.addEventListener('abort', () => resolve(facts)));
  };
  return { stub, server, asked };
}

test('facts lookup online: one lookup per reference, remembered for the diagnostics, the status told', async () => {
  const { server, asked } = startServer(true);
  const lookup = new FactsLookup(server.settings, server.checker);
  let done = 0;
  lookup.onLookupsDone = () => done++;
  const nginx = ref('nginx:1.27');
  const redis = ref('redis:7.2');
  assert.equal(server.checker.hasAnswer(nginx), false);
  const facts = await lookup.gather([nginx, redis], { digest: true });
  assert.deepEqual(
    asked.map((a) => a.raw),
    ['nginx:1.27', 'redis:7.2'],
  );
  assert.ok(
    asked.every((a) => a.signal instanceof AbortSignal),
    'every lookup can be abandoned',
  );
  assert.deepEqual(facts.get('nginx:1.27')!.currentDigest, { state: 'known', value: DIGEST });
  assert.equal(server.checker.hasAnswer(nginx), true);
  assert.deepEqual(server.checker.factsSync(redis)!.currentDigest, { state: 'known', value: DIGEST });
  assert.equal(done, 1);
});

test('facts lookup: a cancelled request abandons its lookups and remembers nothing', async () => {
  const { server, asked } = startServer(true, 'when aborted');
  const lookup = new FactsLookup(server.settings, server.checker);
  const cancel = new CancellationTokenSource();
  const nginx = ref('nginx:1.27');
  const pending = lookup.gather([nginx], { digest: true }, cancel.token);
  while (asked.length === 0) await settle(1);
  assert.equal(asked[0].signal!.aborted, false);
  cancel.cancel();
  await pending;
  assert.equal(asked[0].signal!.aborted, true);
  assert.equal(server.checker.hasAnswer(nginx), false);
});

test('facts lookup offline: the offline facts, no network, no status change', async () => {
  const { server, asked } = startServer(false);
  const lookup = new FactsLookup(server.settings, server.checker);
  let done = 0;
  lookup.onLookupsDone = () => done++;
  const nginx = ref('nginx:1.27');
  const facts = await lookup.gather([nginx], { digest: true });
  assert.deepEqual(asked, []);
  assert.deepEqual(facts.get('nginx:1.27'), server.settings.network.facts.offlineFacts(nginx));
  assert.equal(server.checker.hasAnswer(nginx), false);
  assert.equal(done, 0);
});

interface Places {
  places: Array<{ uri: string; text: string; image?: string }>;
  truncated: boolean;
}

function relativePlaces(result: Places): string[][] {
  const root = pathToFileURL(dir).toString();
  return result.places.map((p) => [p.uri.slice(root.length + 1), p.text]);
}

test('workspace images offline: the walk, unsaved text of open documents first, nothing looked up', async () => {
  const { stub, asked } = startServer(false);
  const composeUri = pathToFileURL(join(dir, 'compose.yaml')).toString();
  stub.open(composeUri, 'dockercompose', 'services:\n  web:\n    image: redis:7.4\n');
  const result = await stub.call<Places>('request:imageTrust/workspaceImages', {
    folders: [pathToFileURL(dir).toString()],
  });
  assert.deepEqual(relativePlaces(result), [
    ['api/Dockerfile', 'node:20'],
    ['compose.yaml', 'redis:7.4'],
  ]);
  assert.equal(result.truncated, false);
  await settle(10);
  assert.deepEqual(asked, []);
  assert.equal(stub.notifications.filter((n) => n.method === 'imageTrust/workspaceImagesChanged').length, 0);
});

test('workspace images online: unknown references looked up afterwards, then the client is told to ask again', async () => {
  const { stub, server, asked } = startServer(true);
  const folders = [pathToFileURL(dir).toString()];
  const first = await stub.call<Places>('request:imageTrust/workspaceImages', { folders });
  assert.deepEqual(relativePlaces(first), [
    ['api/Dockerfile', 'node:20'],
    ['compose.yaml', 'redis:7.2'],
  ]);
  const changed = () => stub.notifications.filter((n) => n.method === 'imageTrust/workspaceImagesChanged').length;
  while (changed() === 0) await settle(2);
  assert.deepEqual(asked.map((a) => a.raw).sort(), ['node:20', 'redis:7.2']);
  assert.equal(server.checker.hasAnswer(ref('node:20')), true);
  // Everything is known now: asking again lists the same places and looks nothing up.
  await stub.call<Places>('request:imageTrust/workspaceImages', { folders });
  await settle(10);
  assert.equal(asked.length, 2);
  assert.equal(changed(), 1);
});

test('workspace images: a folder that is not a file URL lists nothing instead of failing', async () => {
  const { stub } = startServer(false);
  const result = await stub.call<Places>('request:imageTrust/workspaceImages', {
    folders: ['untitled:x', 'file:///no/such/dir'],
  });
  assert.deepEqual(result, { places: [], truncated: false });
});
