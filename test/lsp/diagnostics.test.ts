// Protocol-level tests: the bundled server over stdio, offline rules only.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspTestClient } from '../support/lspClient';

let client: LspTestClient;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'image-trust-lsp-'));
  client = await LspTestClient.start({
    initializationOptions: { settings: { offline: true } },
    configuration: { offline: true },
    rootPath: dir,
  });
});
after(async () => {
  await client.stop();
  rmSync(dir, { recursive: true, force: true });
});

const uriOf = (name: string) => pathToFileURL(join(dir, name)).toString();

test('publishes the offline rules with codes, source and ranges on the reference', async () => {
  const uri = uriOf('Dockerfile');
  client.open(uri, 'dockerfile', 'FROM nginx:latest\nFROM someuser/tool:1.0 AS t\nFROM alpine\nFROM t\n');
  const published = await client.diagnosticsFor(uri);
  const got = published.diagnostics.map((d) => [
    d.code,
    d.range.start.line,
    d.range.start.character,
    d.range.end.character,
    d.source,
  ]);
  assert.deepEqual(got, [
    ['latest-tag', 0, 5, 17, 'image-trust'],
    ['unpinned-digest', 0, 5, 17, 'image-trust'],
    ['unofficial-image', 1, 5, 22, 'image-trust'],
    ['unpinned-digest', 1, 5, 22, 'image-trust'],
    ['missing-tag', 2, 5, 11, 'image-trust'],
    ['unpinned-digest', 2, 5, 11, 'image-trust'],
  ]);
  const unofficial = published.diagnostics.find((d) => d.code === 'unofficial-image')!;
  assert.match(unofficial.message, /could not be verified/);
  assert.equal(unofficial.severity, 2);
});

test('updates as the user types', async () => {
  const uri = uriOf('app.Dockerfile');
  client.open(uri, 'dockerfile', 'FROM nginx:latest\n');
  await client.diagnosticsFor(uri, (d) => d.diagnostics.some((x) => x.code === 'latest-tag'));
  const version = client.change(uri, 'FROM nginx:1.31\n');
  const d = await client.diagnosticsFor(uri, (p) => p.version === version);
  assert.deepEqual(
    d.diagnostics.map((x) => x.code),
    ['unpinned-digest'],
  );
});

test('compose files with variables from .env', async () => {
  writeFileSync(join(dir, '.env'), 'TAG=latest\n');
  const uri = uriOf('compose.yaml');
  client.open(
    uri,
    'dockercompose',
    'services:\n  web:\n    image: nginx:${TAG}\n  db:\n    image: ${DB:-Postgres:16}\n  x:\n    image: app:${NOPE}\n',
  );
  const d = await client.diagnosticsFor(uri);
  const codes = d.diagnostics.map((x) => `${x.code}@${x.range.start.line}`);
  assert.ok(codes.includes('latest-tag@2'), codes.join());
  assert.ok(codes.includes('invalid-reference@4'), codes.join());
  assert.ok(codes.includes('unresolved-variable@6'), codes.join());
});

test('a policy file changes severities and its own mistakes are diagnostics', async () => {
  const sub = join(dir, 'svc');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(sub);
  writeFileSync(join(sub, '.image-trust.yaml'), 'rules:\n  unpinned-digest: off\n  latest-tag: error\n');
  const uri = pathToFileURL(join(sub, 'Dockerfile')).toString();
  client.open(uri, 'dockerfile', 'FROM nginx:latest\n');
  const d = await client.diagnosticsFor(uri);
  assert.deepEqual(
    d.diagnostics.map((x) => [x.code, x.severity]),
    [['latest-tag', 1]],
  );

  const policyUri = pathToFileURL(join(sub, '.image-trust.yaml')).toString();
  client.open(policyUri, 'yaml', 'rules:\n  unpinned-digests: off\nfoo: 1\n');
  const p = await client.diagnosticsFor(policyUri);
  assert.deepEqual(
    p.diagnostics.map((x) => [x.code, x.range.start.line]),
    [
      ['invalid-policy', 1],
      ['invalid-policy', 2],
    ],
  );
});

test('malformed input never crashes the server', async () => {
  const inputs = [
    '\u0000\u0001binary\u0000',
    'FROM \\',
    '',
    'services: [',
    'FROM ' + 'a'.repeat(300) + ':' + 'b'.repeat(200),
  ];
  for (const [i, text] of inputs.entries()) {
    const uri = uriOf(`bad${i}.Dockerfile`);
    client.open(uri, 'dockerfile', text);
    await client.diagnosticsFor(uri);
  }
  const huge = uriOf('huge.Dockerfile');
  client.open(huge, 'dockerfile', 'FROM nginx:latest\n' + 'RUN echo 0123456789abcdef\n'.repeat(400_000));
  const hugeDiagnostics = await client.diagnosticsFor(huge);
  assert.equal(hugeDiagnostics.diagnostics.length, 1);
  assert.equal(hugeDiagnostics.diagnostics[0].code, 'invalid-document');
  assert.match(hugeDiagnostics.diagnostics[0].message, /9\.9 MB; image-trust checks files up to 1 MB/);
  const big = uriOf('compose.big.yaml');
  client.open(
    big,
    'dockercompose',
    'services:\n' + Array.from({ length: 3000 }, (_, i) => `  s${i}:\n    image: nginx:1.${i}\n`).join(''),
  );
  const d = await client.diagnosticsFor(big);
  assert.equal(d.diagnostics.filter((x) => x.code === 'unpinned-digest').length, 3000);
  assert.equal(client.process.exitCode, null, 'server still running');
  assert.ok(!client.logs.some((l) => /unhandled|uncaught/i.test(l)), client.logs.join('\n'));
});
