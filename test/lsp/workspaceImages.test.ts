// imageTrust/workspaceImages over LSP, offline: files found by the CLI's walk, open or not.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspTestClient } from '../support/lspClient';

let client: LspTestClient;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'image-trust-lsp-images-'));
  mkdirSync(join(dir, 'api'));
  mkdirSync(join(dir, 'node_modules', 'pkg'), { recursive: true });
  writeFileSync(join(dir, 'api', 'Dockerfile'), 'FROM node:20 AS build\nFROM nginx:1.27\n');
  writeFileSync(join(dir, 'compose.yaml'), 'services:\n  web:\n    image: nginx:latest\n');
  writeFileSync(join(dir, 'node_modules', 'pkg', 'Dockerfile'), 'FROM skipped:1\n');
  writeFileSync(join(dir, 'notes.yaml'), 'image: not-checked:1\n');
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

test('lists every reference of the files the CLI walks, with ranges and state, unopened', async () => {
  const result = await client.request<{
    places: Array<{ uri: string; text: string; image?: string; range: unknown; findings: Array<{ rule: string }> }>;
    truncated: boolean;
  }>('imageTrust/workspaceImages', { folders: [pathToFileURL(dir).toString()] });
  assert.equal(result.truncated, false);
  const got = result.places.map((p) => [p.uri.slice(pathToFileURL(dir).toString().length + 1), p.text, p.image]);
  assert.deepEqual(got, [
    ['api/Dockerfile', 'node:20', 'node'],
    ['api/Dockerfile', 'nginx:1.27', 'nginx'],
    ['compose.yaml', 'nginx:latest', 'nginx'],
  ]);
  const latest = result.places[2];
  assert.deepEqual(latest.range, { start: { line: 2, character: 11 }, end: { line: 2, character: 23 } });
  assert.ok(latest.findings.some((f) => f.rule === 'latest-tag'));
});
