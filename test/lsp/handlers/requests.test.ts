// Hover, code actions, status and workspace pinning in process against a stub connection. The
// network is real (createNetwork) but points at a loopback server that accepts and never answers,
// so every lookup waits until it is aborted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource, type CodeAction } from 'vscode-languageserver';
import type { ImageFacts } from '../../../server/src/core/facts';
import { ImageTrustServer } from '../../../server/src/lsp/server';
import { StubConnection, settle } from '../../support/stubConnection';

let stall: Server;
let stallUrl: string;
const sockets: Socket[] = [];
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'image-trust-handlers-'));
  stall = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => stall.listen(0, '127.0.0.1', resolve));
  const address = stall.address() as { port: number };
  stallUrl = `http://127.0.0.1:${address.port}`;
});
after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => stall.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function startServer(online: boolean) {
  const stub = new StubConnection();
  const server = new ImageTrustServer(stub.connection);
  server.listen();
  stub.initialize({
    workspaceFolders: [{ uri: pathToFileURL(dir).toString(), name: 'w' }],
    capabilities: { workspace: { workspaceEdit: { documentChanges: true, resourceOperations: ['create'] } } },
    initializationOptions: {
      settings: { offline: !online },
      machineSettings: { registryMirrors: { 'docker.io': stallUrl }, hubUrl: stallUrl },
    },
  });
  return { stub, server };
}

/** Resolves once `predicate` holds (checked every few ms); the test's own timeout bounds it. */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await settle(5);
}

/** Records the AbortSignal every lookup gets. */
function recordSignals(server: ImageTrustServer): AbortSignal[] {
  const signals: AbortSignal[] = [];
  const facts = server.settings.network.facts;
  const gather = facts.gather.bind(facts);
  facts.gather = (ref, wanted, signal): Promise<ImageFacts> => {
    if (signal) signals.push(signal);
    return gather(ref, wanted, signal);
  };
  return signals;
}

test('a cancelled hover aborts its registry lookups', async () => {
  const { stub, server } = startServer(true);
  const uri = pathToFileURL(join(dir, 'hover.Dockerfile')).toString();
  stub.open(uri, 'dockerfile', 'FROM nginx:1.27\n');
  const signals = recordSignals(server);
  const cancel = new CancellationTokenSource();
  const hover = stub.call<{ contents: { value: string } } | null>(
    'hover',
    { textDocument: { uri }, position: { line: 0, character: 7 } },
    cancel.token,
  );
  await until(() => signals.length > 0);
  await settle(20);
  assert.equal(signals.length, 1);
  assert.equal(signals[0].aborted, false, 'the lookup is waiting for the registry');
  cancel.cancel();
  assert.equal(await hover, null);
  assert.equal(signals[0].aborted, true);
  assert.match(String((signals[0].reason as Error).message), /cancelled/);
  await server.settings.dispose();
});

test('a cancelled code action request aborts its lookups and offers nothing', async () => {
  const { stub, server } = startServer(true);
  const uri = pathToFileURL(join(dir, 'ca.Dockerfile')).toString();
  stub.open(uri, 'dockerfile', 'FROM nginx:1.27\n');
  const signals = recordSignals(server);
  const cancel = new CancellationTokenSource();
  const actions = stub.call<CodeAction[]>(
    'codeAction',
    {
      textDocument: { uri },
      range: { start: { line: 0, character: 6 }, end: { line: 0, character: 6 } },
      context: { diagnostics: [] },
    },
    cancel.token,
  );
  await until(() => signals.length > 0);
  cancel.cancel();
  assert.deepEqual(await actions, []);
  assert.ok(signals.every((s) => s.aborted));
  await server.settings.dispose();
});

test('a code action request still answers when the same text is checked again meanwhile', async () => {
  const { stub, server } = startServer(true);
  const uri = pathToFileURL(join(dir, 'again.Dockerfile')).toString();
  stub.open(uri, 'dockerfile', 'FROM someuser/nginx:1.25\n');
  // The lookups wait until the test lets them answer with what is known offline.
  const facts = server.settings.network.facts;
  const waiting: Array<() => void> = [];
  facts.gather = (ref): Promise<ImageFacts> =>
    new Promise((resolve) => waiting.push(() => resolve(facts.offlineFacts(ref))));
  const actions = stub.call<CodeAction[]>('codeAction', {
    textDocument: { uri },
    range: { start: { line: 0, character: 6 }, end: { line: 0, character: 6 } },
    context: { diagnostics: [] },
  });
  await until(() => waiting.length > 0);
  // A .env file changed: every open document is checked again, its text unchanged.
  stub.handler('didChangeWatchedFiles')({
    changes: [{ uri: pathToFileURL(join(dir, '.env')).toString(), type: 2 }],
  } as never);
  for (const answer of waiting) answer();
  const titles = (await actions).map((a) => a.title);
  assert.ok(titles.includes('Trust namespace "someuser" (.image-trust.yaml)'), titles.join(' | '));
  // An edit meanwhile does void it: its ranges may have moved.
  const later = stub.call<CodeAction[]>('codeAction', {
    textDocument: { uri },
    range: { start: { line: 0, character: 6 }, end: { line: 0, character: 6 } },
    context: { diagnostics: [] },
  });
  await until(() => waiting.length > 1);
  stub.change(uri, '\nFROM someuser/nginx:1.25\n');
  for (const answer of waiting) answer();
  assert.deepEqual(await later, []);
  await server.settings.dispose();
});

test('status: "not asked yet" until a network pass finished; offline says why', async () => {
  const { stub, server } = startServer(true);
  const latest = () => {
    const status = stub.notifications.filter((n) => n.method === 'imageTrust/status').at(-1)!.params as {
      state: string;
      asked?: boolean;
    };
    return [status.state, status.asked];
  };
  assert.deepEqual(latest(), ['online', false]);
  server.checker.onNetworkPassDone();
  assert.deepEqual(latest(), ['online', true]);
  await server.settings.dispose();

  const offline = startServer(false);
  const last = offline.stub.notifications.filter((n) => n.method === 'imageTrust/status').at(-1)!.params as {
    state: string;
    tooltip: string;
  };
  assert.equal(last.state, 'offline');
  assert.match(last.tooltip, /imageTrust\.offline/);
});

test('a code action request sent just before the didOpen of its document waits for it', async () => {
  const { stub } = startServer(false);
  const uri = pathToFileURL(join(dir, 'early.Dockerfile')).toString();
  const range = { start: { line: 0, character: 5 }, end: { line: 0, character: 5 } };
  const asked = stub.call<CodeAction[]>('codeAction', { textDocument: { uri }, range, context: { diagnostics: [] } });
  await settle(20);
  stub.open(uri, 'dockerfile', 'FROM someuser/tool:1.0\n');
  const titles = (await asked).map((a) => a.title);
  assert.ok(titles.includes('Ignore unofficial-image for this line'), titles.join(' | '));
  // A document that never comes is answered with nothing once the wait is over.
  const never = pathToFileURL(join(dir, 'never.Dockerfile')).toString();
  assert.deepEqual(
    await stub.call<CodeAction[]>('codeAction', { textDocument: { uri: never }, range, context: { diagnostics: [] } }),
    [],
  );
});

test('code actions offline: ignore comments and trust edits, attached to their diagnostics', async () => {
  const { stub } = startServer(false);
  const uri = pathToFileURL(join(dir, 'Dockerfile')).toString();
  stub.open(uri, 'dockerfile', '# syntax=docker/dockerfile:1\n  FROM someuser/tool:1.0\n');
  const diagnostics = stub.published(uri).at(-1)!.diagnostics;
  const actions = await stub.call<CodeAction[]>('codeAction', {
    textDocument: { uri },
    range: diagnostics[0].range,
    context: { diagnostics },
  });
  const byTitle = new Map(actions.map((a) => [a.title, a]));
  const ignore = byTitle.get('Ignore unofficial-image for this line')!;
  assert.equal(ignore.kind, 'quickfix');
  assert.equal(ignore.diagnostics?.[0].code, 'unofficial-image');
  assert.deepEqual(ignore.edit!.documentChanges, [
    {
      textDocument: { uri, version: 1 },
      edits: [
        {
          range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } },
          newText: '  # image-trust-ignore=unofficial-image\n',
        },
      ],
    },
  ]);
  const trust = byTitle.get('Trust namespace "someuser" (.image-trust.yaml)')!;
  const policyUri = pathToFileURL(join(dir, '.image-trust.yaml')).toString();
  assert.deepEqual(trust.edit!.documentChanges![0], { kind: 'create', uri: policyUri });
  const created = trust.edit!.documentChanges![1] as { edits: Array<{ newText: string }> };
  assert.match(created.edits[0].newText, /^# image-trust policy.*\ntrustedNamespaces:\n {2}- someuser\n$/s);
});

test('Pin all images is a source.pinImages action, never source.fixAll; offline there is none', async () => {
  const { stub } = startServer(false);
  const uri = pathToFileURL(join(dir, 'pin.Dockerfile')).toString();
  stub.open(uri, 'dockerfile', 'FROM nginx:1.27\n');
  const ask = (only: string[]) =>
    stub.call<CodeAction[]>('codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only },
    });
  assert.deepEqual(await ask(['source.fixAll']), []);
  assert.deepEqual(await ask(['source.pinImages.imageTrust']), []);
});

test('workspace pinning offline says why for each file and edits nothing', async () => {
  const { stub } = startServer(false);
  const path = join(dir, 'ws.Dockerfile');
  writeFileSync(path, 'FROM nginx:1.27\n');
  const result = await stub.call<{ failed: Array<{ reason: string }>; pinned: number }>('request:imageTrust/pinFiles', {
    uris: [pathToFileURL(path).toString()],
  });
  assert.equal(result.pinned, 0);
  assert.match(result.failed[0].reason, /registry lookups are off/);
  assert.deepEqual(stub.appliedEdits, []);
});

test('update options offline: the reason, no candidates', async () => {
  const { stub } = startServer(false);
  const uri = pathToFileURL(join(dir, 'upd.Dockerfile')).toString();
  stub.open(uri, 'dockerfile', 'FROM nginx:1.25.3\n');
  const result = await stub.call<{ candidates: unknown[]; note?: string }>('request:imageTrust/updateOptions', {
    textDocument: { uri },
    position: { line: 0, character: 7 },
  });
  assert.deepEqual(result.candidates, []);
  assert.match(result.note!, /offline/);
  assert.equal(
    await stub.call('request:imageTrust/updateOptions', { textDocument: { uri }, position: { line: 0, character: 1 } }),
    null,
  );
});
