// The documents handler in process, against a stub connection: diagnostics per version, the
// `.env` of a compose file read once per folder and again only when the editor says it changed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FileChangeType } from 'vscode-languageserver';
import { ImageTrustServer } from '../../../server/src/lsp/server';
import { StubConnection } from '../../support/stubConnection';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'image-trust-docs-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function startServer(): StubConnection {
  const stub = new StubConnection();
  new ImageTrustServer(stub.connection).listen();
  stub.initialize({ initializationOptions: { settings: { offline: true } } });
  return stub;
}

test('each version gets its diagnostics; closing clears them', () => {
  const stub = startServer();
  const uri = pathToFileURL(join(dir, 'Dockerfile')).toString();
  stub.open(uri, 'dockerfile', 'FROM nginx:latest\n');
  assert.deepEqual(
    stub.published(uri).map((p) => [p.version, p.diagnostics.map((d) => d.code)]),
    [[1, ['latest-tag', 'unpinned-digest']]],
  );
  stub.change(uri, 'FROM nginx:1.27.3@sha256:' + 'a'.repeat(64) + '\n');
  assert.deepEqual(stub.published(uri).at(-1)!.version, 2);
  assert.ok(
    !stub
      .published(uri)
      .at(-1)!
      .diagnostics.some((d) => d.code === 'latest-tag'),
  );
  stub.close(uri);
  assert.deepEqual(stub.published(uri).at(-1)!.diagnostics, []);
});

test('a push client is sent diagnostics only when they change, not once per edit', () => {
  const stub = startServer();
  const uri = pathToFileURL(join(dir, 'push.Dockerfile')).toString();
  const text = 'FROM nginx:latest\nRUN echo hi\n';
  stub.open(uri, 'dockerfile', text);
  assert.equal(stub.published(uri).length, 1);
  // Typing and deleting on a line that names no image: the findings stay as they were.
  for (const edit of ['FROM nginx:latest\nRUN echo hi!\n', text, 'FROM nginx:latest\nRUN echo hi\n\n', text])
    stub.change(uri, edit);
  assert.equal(stub.published(uri).length, 1, 'edits that change no diagnostic publish nothing');
  // A line above moves the findings: published, with the version it answers.
  stub.change(uri, '# base\n' + text);
  assert.deepEqual(
    stub.published(uri).map((p) => [p.version, p.diagnostics.map((d) => `${d.range.start.line}:${d.code}`)]),
    [
      [1, ['0:latest-tag', '0:unpinned-digest']],
      [6, ['1:latest-tag', '1:unpinned-digest']],
    ],
  );
  // Back to the first findings: they differ from the last ones sent, so they are sent.
  stub.change(uri, text);
  assert.equal(stub.published(uri).length, 3);
  assert.equal(stub.published(uri).at(-1)!.diagnostics[0].range.start.line, 0);
});

test('compose .env: read once per folder, read again when the editor reports a change', () => {
  const sub = mkdtempSync(join(dir, 'compose-'));
  writeFileSync(join(sub, '.env'), 'TAG=latest\n');
  const stub = startServer();
  const uri = pathToFileURL(join(sub, 'compose.yaml')).toString();
  const text = 'services:\n  web:\n    image: nginx:${TAG}\n';
  const codes = () =>
    stub
      .published(uri)
      .at(-1)!
      .diagnostics.map((d) => d.code);
  stub.open(uri, 'dockercompose', text);
  assert.ok(codes().includes('latest-tag'), 'TAG from .env resolves to latest');

  // Changed on disk but not reported: keystrokes keep the folder's cached .env (no read per keystroke).
  writeFileSync(join(sub, '.env'), 'TAG=1.27.3\n');
  stub.change(uri, text + '\n');
  assert.ok(codes().includes('latest-tag'), 'the cached .env is used until the editor reports a change');

  stub.handler('didChangeWatchedFiles')({
    changes: [{ uri: pathToFileURL(join(sub, '.env')).toString(), type: FileChangeType.Changed }],
  } as never);
  assert.ok(!codes().includes('latest-tag'), 'the changed .env is read again');
});

test('a compose document with no file behind it (untitled) uses the process environment only', () => {
  const stub = startServer();
  const uri = 'untitled:Untitled-1';
  stub.open(uri, 'dockercompose', 'services:\n  web:\n    image: nginx:${IMAGE_TRUST_TEST_UNSET_TAG}\n');
  const last = stub.published(uri).at(-1)!;
  assert.deepEqual(
    last.diagnostics.map((d) => d.code),
    ['unresolved-variable'],
  );
  assert.deepEqual(
    stub.logs.filter((l) => l.level === 'error'),
    [],
  );
});

test('editing the policy file re-checks the other open documents', () => {
  const sub = mkdtempSync(join(dir, 'policy-'));
  const stub = startServer();
  const docUri = pathToFileURL(join(sub, 'Dockerfile')).toString();
  const policyUri = pathToFileURL(join(sub, '.image-trust.yaml')).toString();
  writeFileSync(join(sub, '.image-trust.yaml'), 'rules: {}\n');
  stub.open(docUri, 'dockerfile', 'FROM nginx:latest\n');
  assert.ok(
    stub
      .published(docUri)
      .at(-1)!
      .diagnostics.some((d) => d.code === 'latest-tag'),
  );
  stub.open(policyUri, 'yaml', 'rules:\n  latest-tag: off\n');
  assert.ok(
    !stub
      .published(docUri)
      .at(-1)!
      .diagnostics.some((d) => d.code === 'latest-tag'),
  );
  stub.change(policyUri, 'rules:\n  latest-tag: [\n');
  assert.equal(stub.published(policyUri).at(-1)!.diagnostics[0].code, 'invalid-policy');
});
