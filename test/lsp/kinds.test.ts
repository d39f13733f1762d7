// Every file kind over LSP (the bundled server over stdio, offline): diagnostics with exact ranges,
// hover, suppression comments, no attachment to unrelated YAML, the bake note in a Dockerfile hover.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspTestClient } from '../support/lspClient';

let client: LspTestClient;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'image-trust-lsp-kinds-'));
  cpSync(join(__dirname, '..', 'fixtures', 'kinds'), dir, { recursive: true });
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

function openFixture(path: string, languageId: string): string {
  const uri = pathToFileURL(join(dir, path)).toString();
  client.open(uri, languageId, readFileSync(join(dir, path), 'utf8'));
  return uri;
}

/** `rule@line:character` of each diagnostic, sorted. */
function summary(d: {
  diagnostics: Array<{ code?: string | number; range: { start: { line: number; character: number } } }>;
}) {
  return d.diagnostics.map((x) => `${x.code}@${x.range.start.line}:${x.range.start.character}`).sort();
}

async function hoverAt(uri: string, line: number, character: number) {
  return client.request<{ contents: { value: string }; range: unknown } | null>('textDocument/hover', {
    textDocument: { uri },
    position: { line, character },
  });
}

test('Kubernetes manifest opened as yaml: diagnostics and hover', async () => {
  const uri = openFixture('k8s/cronjob.yaml', 'yaml');
  const d = await client.diagnosticsFor(uri);
  assert.deepEqual(summary(d), ['missing-tag@12:19', 'unpinned-digest@12:19']);
  const hover = await hoverAt(uri, 12, 22);
  assert.match(hover!.contents.value, /busybox/);
  assert.deepEqual(hover!.range, { start: { line: 12, character: 19 }, end: { line: 12, character: 26 } });
});

test('Helm values: the split object is one finding over what a fix edits', async () => {
  const uri = openFixture('helm/node-exporter/values.yaml', 'yaml');
  const d = await client.diagnosticsFor(uri);
  assert.deepEqual(summary(d), [
    'latest-tag@553:9',
    'unpinned-digest@49:9',
    'unpinned-digest@553:9',
    'unresolved-variable@7:7',
  ]);
});

test('GitHub Actions workflow (github-actions-workflow language id)', async () => {
  const uri = openFixture('gha/.github/workflows/postgres-service.yml', 'github-actions-workflow');
  const d = await client.diagnosticsFor(uri);
  assert.deepEqual(summary(d), [
    'eol-version@17:14',
    'eol-version@21:15',
    'eol-version@50:15',
    'unpinned-digest@17:14',
    'unpinned-digest@21:15',
    'unpinned-digest@50:15',
  ]);
});

test('GitLab CI', async () => {
  const uri = openFixture('gitlab/.gitlab-ci.yml', 'yaml');
  const d = await client.diagnosticsFor(uri);
  assert.deepEqual(summary(d), [
    'latest-tag@16:9',
    'latest-tag@2:9',
    'unpinned-digest@16:9',
    'unpinned-digest@19:6',
    'unpinned-digest@2:9',
    'unpinned-digest@5:6',
  ]);
});

test('dev container (jsonc) with a // suppression comment', async () => {
  const uri = pathToFileURL(join(dir, 'devcontainer', '.devcontainer', 'devcontainer.json')).toString();
  client.open(
    uri,
    'jsonc',
    '{\n  // image-trust-ignore=latest-tag\n  "image": "ubuntu:latest",\n  "features": { "ghcr.io/devcontainers/features/node:1": {}, },\n}\n',
  );
  const d = await client.diagnosticsFor(uri);
  assert.deepEqual(summary(d), ['unpinned-digest@2:12', 'unpinned-digest@3:17']);
});

test('bake file (hcl) and the Dockerfile hover that says bake replaces its base', async () => {
  const bake = openFixture('bake/docker-bake.hcl', 'hcl');
  const d = await client.diagnosticsFor(bake);
  assert.ok(d.diagnostics.some((x) => x.code === 'unpinned-digest' && x.range.start.line === 9));
  const dockerfile = openFixture('bake/dev-support/containers/alpine/Containerfile', 'dockerfile');
  await client.diagnosticsFor(dockerfile);
  const hover = await hoverAt(dockerfile, 3, 6);
  assert.match(hover!.contents.value, /Replaced by bake.*target `clipcat`.*context `rust`/);
});

test('a YAML suppression comment silences the rule for that image only', async () => {
  const uri = pathToFileURL(join(dir, 'k8s', 'suppressed.yaml')).toString();
  client.open(
    uri,
    'yaml',
    'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    # image-trust-ignore=latest-tag\n    image: nginx:latest\n  - name: b\n    image: redis:latest\n',
  );
  const d = await client.diagnosticsFor(uri);
  assert.deepEqual(summary(d), ['latest-tag@8:11', 'unpinned-digest@6:11', 'unpinned-digest@8:11']);
});

test('unrelated YAML gets nothing; a YAML file that becomes a manifest while edited gets checked', async () => {
  const site = openFixture('unrelated/site/_config.yml', 'yaml');
  const later = openFixture('k8s/javaweb-2.yaml', 'yaml');
  await client.diagnosticsFor(later);
  assert.equal(client.latest(site), undefined);
  assert.equal(await hoverAt(site, 3, 10), null);
  client.change(site, 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: nginx\n');
  const d = await client.diagnosticsFor(site);
  assert.ok(d.diagnostics.some((x) => x.code === 'missing-tag'));
  client.change(site, 'title: x\nimage: logo.png\n');
  const cleared = await client.diagnosticsFor(site, (x) => x.diagnostics.length === 0);
  assert.deepEqual(cleared.diagnostics, []);
});
