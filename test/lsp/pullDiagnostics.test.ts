// Pull diagnostics (LSP 3.17 `textDocument/diagnostic`) for a client that supports them and
// `workspace/diagnostic/refresh`, as VS Code does: nothing is pushed, an edit that changes no
// finding is answered `unchanged` with the same resultId, and what only the registries know
// (here: a newer tag) reaches the client through a refresh. The bundled server over stdio, with
// the real registry for the network pass.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspTestClient } from '../support/lspClient';
import { pushImage, startRegistry, type TestRegistry } from '../support/registry';

interface Report {
  kind: 'full' | 'unchanged';
  resultId?: string;
  items?: Array<{ code?: string | number; range: { start: { line: number } } }>;
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'image-trust-pull-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const pull = (client: LspTestClient, uri: string, previousResultId?: string) =>
  client.request<Report>('textDocument/diagnostic', { textDocument: { uri }, previousResultId });

const codes = (report: Report) => (report.items ?? []).map((d) => `${d.range.start.line}:${d.code}`).sort();

describe('offline', () => {
  let client: LspTestClient;
  let dir: string;
  before(async () => {
    dir = tempDir();
    client = await LspTestClient.start({
      initializationOptions: { settings: { offline: true } },
      configuration: { offline: true },
      rootPath: dir,
      pullDiagnostics: true,
    });
  });
  after(async () => {
    await client?.stop();
  });

  test('the server offers pull diagnostics to a client that pulls', () => {
    assert.deepEqual(client.initializeResult.capabilities.diagnosticProvider, {
      identifier: 'image-trust',
      interFileDependencies: false,
      workspaceDiagnostics: false,
    });
  });

  test('an edit that changes no finding is "unchanged"; one that does gets the new findings', async () => {
    const uri = pathToFileURL(join(dir, 'Dockerfile')).toString();
    client.open(uri, 'dockerfile', 'FROM nginx:latest\nRUN echo hi\n');
    const first = await pull(client, uri);
    assert.equal(first.kind, 'full');
    assert.ok(first.resultId);
    assert.deepEqual(codes(first), ['0:latest-tag', '0:unpinned-digest']);

    // Typing on a line that names no image: the same findings.
    client.change(uri, 'FROM nginx:latest\nRUN echo hello\n');
    const same = await pull(client, uri, first.resultId);
    assert.deepEqual(same, { kind: 'unchanged', resultId: first.resultId });

    // A new line above moves every finding: a full report with the new ranges.
    client.change(uri, '# base\nFROM nginx:latest\nRUN echo hello\n');
    const moved = await pull(client, uri, first.resultId);
    assert.equal(moved.kind, 'full');
    assert.notEqual(moved.resultId, first.resultId);
    assert.deepEqual(codes(moved), ['1:latest-tag', '1:unpinned-digest']);

    client.change(uri, '# base\nFROM nginx:1.31\nRUN echo hello\n');
    const changed = await pull(client, uri, moved.resultId);
    assert.equal(changed.kind, 'full');
    assert.deepEqual(codes(changed), ['1:unpinned-digest']);

    // A client that lost its result (restarted) gets the full report again.
    assert.deepEqual(codes(await pull(client, uri)), ['1:unpinned-digest']);
    assert.equal(client.diagnostics.size, 0, 'nothing is pushed to a client that pulls');
  });

  test('a policy file that turns a rule off: the other open documents are refreshed', async () => {
    mkdirSync(join(dir, 'sub'));
    const uri = pathToFileURL(join(dir, 'sub', 'Dockerfile')).toString();
    client.open(uri, 'dockerfile', 'FROM nginx:latest\n');
    const before = await pull(client, uri);
    assert.deepEqual(codes(before), ['0:latest-tag', '0:unpinned-digest']);
    const refreshes = client.diagnosticRefreshes;
    // The policy file appears on disk and the user opens it.
    const policyPath = join(dir, 'sub', '.image-trust.yaml');
    writeFileSync(policyPath, 'rules:\n  latest-tag: off\n');
    const policyUri = pathToFileURL(policyPath).toString();
    client.open(policyUri, 'yaml', 'rules:\n  latest-tag: off\n');
    await client.waitFor(() => client.diagnosticRefreshes > refreshes, 30_000, 'a diagnostic refresh');
    const after = await pull(client, uri, before.resultId);
    assert.equal(after.kind, 'full');
    assert.deepEqual(codes(after), ['0:unpinned-digest']);
    client.close(policyUri);
  });
});

describe('with the registry', () => {
  let registry: TestRegistry;
  let client: LspTestClient;
  let dir: string;
  before(async () => {
    registry = await startRegistry();
    await pushImage(registry, 'team/app', '1.0');
    await pushImage(registry, 'team/app', '1.1');
    dir = tempDir();
    client = await LspTestClient.start({
      rootPath: dir,
      env: { IMAGE_TRUST_CACHE_DIR: '', DOCKER_CONFIG: join(dir, 'no-docker-config') },
      initializationOptions: { settings: {}, machineSettings: {} },
      pullDiagnostics: true,
    });
  });
  after(async () => {
    await client?.stop();
    await registry?.stop();
  });

  test('the registry answers reach the client through workspace/diagnostic/refresh', async () => {
    const uri = pathToFileURL(join(dir, 'Dockerfile')).toString();
    const refreshes = client.diagnosticRefreshes;
    client.open(uri, 'dockerfile', `FROM ${registry.host}/team/app:1.0\n`);
    const offline = await pull(client, uri);
    assert.ok(!codes(offline).includes('0:outdated-version'), codes(offline).join());
    await client.waitFor(() => client.diagnosticRefreshes > refreshes, 30_000, 'a diagnostic refresh');
    const online = await pull(client, uri, offline.resultId);
    assert.equal(online.kind, 'full');
    assert.ok(codes(online).includes('0:outdated-version'), codes(online).join());
    // Asked again with the new resultId: nothing changed since.
    assert.deepEqual(await pull(client, uri, online.resultId), { kind: 'unchanged', resultId: online.resultId });
    assert.equal(client.diagnostics.size, 0, 'nothing is pushed to a client that pulls');
  });
});
