// The one-click quick fixes over the protocol (dist/server.js over stdio), applied the way an
// editor applies a workspace edit, and checked against the bytes they leave behind.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LineIndex } from '../../server/src/core/lineIndex';
import { LspTestClient } from '../support/lspClient';

interface TextEdit {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  newText: string;
}
interface Action {
  title: string;
  kind: string;
  diagnostics?: Array<{ code: string }>;
  edit?: {
    documentChanges?: Array<{ kind?: string; uri?: string; textDocument?: { uri: string }; edits?: TextEdit[] }>;
  };
}

function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = new LineIndex(text);
  let out = text;
  for (const e of [...edits].sort((a, b) => lines.offsetAt(b.range.start) - lines.offsetAt(a.range.start)))
    out = out.slice(0, lines.offsetAt(e.range.start)) + e.newText + out.slice(lines.offsetAt(e.range.end));
  return out;
}

let client: LspTestClient;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'image-trust-qf-'));
  client = await LspTestClient.start({
    initializationOptions: { settings: { offline: true } },
    configuration: { offline: true },
    rootPath: dir,
    resourceOperations: true,
  });
});
after(async () => {
  await client.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function actionsAt(uri: string, line: number): Promise<Action[]> {
  const published = await client.diagnosticsFor(uri);
  return client.request<Action[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line, character: 6 }, end: { line, character: 6 } },
    context: { diagnostics: published.diagnostics.filter((d) => d.range.start.line === line) },
  });
}

test('Ignore <rule> for this line: the comment written, the squiggle gone', async () => {
  const uri = pathToFileURL(join(dir, 'ignore.Dockerfile')).toString();
  const text = 'FROM alpine:3.20 AS base\n# image-trust-ignore=unpinned-digest\nFROM nginx:latest\n';
  client.open(uri, 'dockerfile', text);
  const ignore = (await actionsAt(uri, 2)).find((a) => a.title === 'Ignore latest-tag for this line')!;
  assert.equal(ignore.kind, 'quickfix');
  assert.equal(ignore.diagnostics?.[0].code, 'latest-tag');
  const change = ignore.edit!.documentChanges![0];
  assert.equal(change.textDocument!.uri, uri);
  const fixed = applyEdits(text, change.edits!);
  assert.equal(fixed, 'FROM alpine:3.20 AS base\n# image-trust-ignore=unpinned-digest,latest-tag\nFROM nginx:latest\n');
  client.change(uri, fixed);
  const after = await client.diagnosticsFor(uri, (p) => p.version === 2);
  assert.deepEqual(
    after.diagnostics.filter((d) => d.range.start.line === 2).map((d) => d.code),
    [],
  );
});

test('Trust namespace: creates .image-trust.yaml with a header when there is none', async () => {
  const sub = join(dir, 'fresh');
  mkdirSync(sub);
  const uri = pathToFileURL(join(sub, 'Dockerfile')).toString();
  client.open(uri, 'dockerfile', 'FROM someuser/tool:1.0\n');
  const trust = (await actionsAt(uri, 0)).find((a) => a.title === 'Trust namespace "someuser" (.image-trust.yaml)')!;
  const policyUri = pathToFileURL(join(dir, '.image-trust.yaml')).toString();
  const [create, edit] = trust.edit!.documentChanges!;
  assert.deepEqual(create, { kind: 'create', uri: policyUri });
  assert.equal(edit.textDocument!.uri, policyUri);
  const written = applyEdits('', edit.edits!);
  assert.match(written, /^# image-trust policy[^\n]*\n#[^\n]*\ntrustedNamespaces:\n {2}- someuser\n$/);
});

test('Trust namespace and registry: added to the existing file, every other byte kept', async () => {
  const sub = join(dir, 'team');
  mkdirSync(sub);
  const policyText =
    '# Reviewed by the platform team.\r\ntrustedRegistries:\r\n  - docker.io   # Hub\r\n\r\nrules: {}\r\n';
  writeFileSync(join(sub, '.image-trust.yaml'), policyText);
  const uri = pathToFileURL(join(sub, 'Dockerfile')).toString();
  client.open(uri, 'dockerfile', 'FROM ghcr.io/acme/tool:1.0\n');
  const actions = await actionsAt(uri, 0);
  const trust = actions.find((a) => a.title === 'Trust registry ghcr.io/acme (.image-trust.yaml)')!;
  const [edit] = trust.edit!.documentChanges!;
  assert.equal(edit.textDocument!.uri, pathToFileURL(join(sub, '.image-trust.yaml')).toString());
  assert.equal(
    applyEdits(policyText, edit.edits!),
    '# Reviewed by the platform team.\r\ntrustedRegistries:\r\n  - docker.io   # Hub\r\n  - ghcr.io/acme\r\n\r\nrules: {}\r\n',
  );
  assert.ok(actions.some((a) => a.title === 'Trust registry ghcr.io (.image-trust.yaml)'));
});

test('without file creation in the client, no trust action that would need a new file', async () => {
  const plain = await LspTestClient.start({
    initializationOptions: { settings: { offline: true } },
    configuration: { offline: true },
    rootPath: join(dir, 'fresh'),
  });
  try {
    const sub = mkdtempSync(join(tmpdir(), 'image-trust-qf-plain-'));
    const uri = pathToFileURL(join(sub, 'Dockerfile')).toString();
    plain.open(uri, 'dockerfile', 'FROM someuser/tool:1.0\n');
    const published = await plain.diagnosticsFor(uri);
    const actions = await plain.request<Action[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: published.diagnostics[0].range,
      context: { diagnostics: published.diagnostics },
    });
    assert.ok(actions.some((a) => a.title === 'Ignore unofficial-image for this line'));
    assert.ok(!actions.some((a) => a.title.startsWith('Trust')), actions.map((a) => a.title).join(' | '));
    rmSync(sub, { recursive: true, force: true });
  } finally {
    await plain.stop();
  }
});
