// Hover and code actions over LSP with no network: what must work offline.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspTestClient } from '../support/lspClient';

let client: LspTestClient;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'image-trust-lsp-f-'));
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

test('offline hover: tier first, offline note, no repeated diagnostics', async () => {
  const uri = pathToFileURL(join(dir, 'Dockerfile')).toString();
  client.open(uri, 'dockerfile', 'FROM nginx:latest\nFROM someuser/tool:1.0\nFROM ghcr.io/o/r:1\n');
  await client.diagnosticsFor(uri);
  const hover = await client.request<{ contents: { value: string }; range: unknown }>('textDocument/hover', {
    textDocument: { uri },
    position: { line: 0, character: 8 },
  });
  const lines = hover.contents.value.split('\n');
  assert.match(lines[0], /Docker Official Image/);
  // The diagnostic is shown by the editor beside the hover; the hover does not repeat it.
  assert.doesNotMatch(hover.contents.value, /latest-tag/);
  assert.match(hover.contents.value, /Offline/);
  assert.deepEqual(hover.range, { start: { line: 0, character: 5 }, end: { line: 0, character: 17 } });
  const community = await client.request<{ contents: { value: string } }>('textDocument/hover', {
    textDocument: { uri },
    position: { line: 1, character: 6 },
  });
  assert.match(community.contents.value.split('\n')[0], /Publisher could not be verified · .*not trusted/);
  const other = await client.request<{ contents: { value: string } }>('textDocument/hover', {
    textDocument: { uri },
    position: { line: 2, character: 6 },
  });
  assert.match(other.contents.value.split('\n')[0], /Private or third-party registry/);
  const nothing = await client.request('textDocument/hover', {
    textDocument: { uri },
    position: { line: 0, character: 1 },
  });
  assert.equal(nothing, null);
});

test('offline code actions: none that need a digest, no errors', async () => {
  const uri = pathToFileURL(join(dir, 'x.Dockerfile')).toString();
  client.open(uri, 'dockerfile', 'FROM nginx:1.27\n');
  const d = await client.diagnosticsFor(uri);
  const actions = await client.request<Array<{ title: string }>>('textDocument/codeAction', {
    textDocument: { uri },
    range: d.diagnostics[0].range,
    context: { diagnostics: d.diagnostics },
  });
  // Only the offline, local edits: the comments that silence a rule.
  assert.deepEqual(
    actions.map((a) => a.title),
    d.diagnostics.map((x) => `Ignore ${x.code} for this line`),
  );
  for (const only of [['source.fixAll'], ['source'], ['source.pinImages.imageTrust']]) {
    const source = await client.request<unknown[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only },
    });
    assert.deepEqual(source, [], `only ${only}`);
  }
});

test('status notification says offline', async () => {
  const status = await client.waitFor(
    () =>
      client.notifications.find((n) => n.method === 'imageTrust/status')?.params as
        { state: string; tooltip: string } | undefined,
  );
  assert.equal(status.state, 'offline');
  assert.match(status.tooltip, /imageTrust\.offline/);
});
