// End to end against the real registry (Debian's docker-registry, images pushed by the test) and
// the local Docker Hub fixture: the CLI and the language server with network rules and fixes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startHubServer, type HubTestServer } from '../support/hubServer';
import { LspTestClient } from '../support/lspClient';
import { runCli } from '../support/runCli';
import { pushImage, startRegistry, tagExisting, type TestRegistry } from '../support/registry';

let registry: TestRegistry;
let other: TestRegistry;
let hub: HubTestServer;
let dir: string;
let cacheDir: string;
const digests: Record<string, string> = {};

async function seed(repo: string, tag: string, extraTags: string[] = [], platforms?: string[]): Promise<string> {
  const pushed = await pushImage(registry, repo, tag, { platforms, created: '2026-10-01T00:00:00Z' });
  if (extraTags.length) await tagExisting(registry, repo, extraTags, pushed.digest);
  digests[`${repo}:${tag}`] = pushed.digest;
  return pushed.digest;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'image-trust-net-'));
  cacheDir = mkdtempSync(join(tmpdir(), 'image-trust-cache-'));
  [registry, other, hub] = await Promise.all([startRegistry(), startRegistry(), startHubServer()]);
  await seed('library/nginx', '1.27.3', ['1.27', '1', 'mainline', 'latest'], ['linux/amd64', 'linux/arm64']);
  await seed('library/nginx', '1.27.2');
  await seed('library/nginx', '1.26.3', ['1.26']);
  await seed('library/nginx', '1.25', ['1.25.5']);
  await seed('library/python', '3.11.4-slim-bookworm');
  await seed('library/python', '3.11.9-slim-bookworm');
  await seed('library/python', '3.12.1-slim-bookworm');
  await seed('library/python', '3.12.1-alpine3.19');
  await seed('someuser/nginx', '1.25');
  await seed('bitnami/redis', '7.2');
});

after(async () => {
  await Promise.all([registry?.stop(), other?.stop(), hub?.close()]);
  rmSync(dir, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
});

function cli(args: string[], cache = cacheDir) {
  return runCli([...args, '--registry-mirror', `docker.io=${registry.url}`, '--hub-url', hub.url], {
    cwd: dir,
    env: { IMAGE_TRUST_CACHE_DIR: cache, DOCKER_CONFIG: join(dir, 'no-docker-config') },
  });
}

interface JsonFinding {
  rule: string;
  line: number;
  message: string;
  reference: string;
  fixes: Array<{ title: string; replacement: string; line?: number }>;
}
function findings(stdout: string): JsonFinding[] {
  return (JSON.parse(stdout) as { files: Array<{ findings: JsonFinding[] }> }).files.flatMap((f) => f.findings);
}

describe('CLI against the real registry', () => {
  test('network rules and fixes with real digests', async () => {
    const oldPin = digests['library/nginx:1.27.2'];
    writeFileSync(
      join(dir, 'Dockerfile'),
      [
        'FROM nginx:latest',
        'FROM nginx:1.27.2',
        'FROM python:3.11.4-slim-bookworm',
        'FROM someuser/nginx:1.25',
        'FROM nginx:9.9',
        'FROM ghost/nothing:1',
        `FROM nginx:1.27@${oldPin}`,
        'FROM bitnami/redis:7.2',
        '',
      ].join('\n'),
    );
    const r = await cli(['lint', '--format', 'json', 'Dockerfile']);
    assert.equal(r.code, 1, r.stderr);
    const all = findings(r.stdout);
    const at = (line: number, rule: string) => all.find((f) => f.line === line && f.rule === rule);

    const latest = at(1, 'latest-tag')!;
    assert.match(latest.message, /points to 1\.27\.3 today/);
    assert.deepEqual(
      latest.fixes.map((f) => f.replacement),
      ['nginx:1.27.3', `nginx:1.27.3@${digests['library/nginx:1.27.3']}`],
    );

    assert.equal(at(2, 'unpinned-digest')!.fixes[0].replacement, `nginx:1.27.2@${digests['library/nginx:1.27.2']}`);
    const outdated = at(2, 'outdated-version')!;
    assert.match(outdated.message, /1\.27\.3 \(newest patch\)/);
    assert.deepEqual(
      outdated.fixes.map((f) => f.title),
      ['Update to 1.27.3 (patch)'],
    );

    const python = at(3, 'outdated-version')!;
    assert.deepEqual(
      python.fixes.map((f) => f.replacement),
      ['python:3.11.9-slim-bookworm', 'python:3.12.1-slim-bookworm'],
    );

    const community = at(4, 'unofficial-image')!;
    assert.match(community.message, /community account "someuser"/);
    assert.equal(community.fixes[0].replacement, 'nginx:1.25');

    assert.ok(at(5, 'unknown-tag'), JSON.stringify(all.filter((f) => f.line === 5)));
    assert.ok(at(6, 'unknown-image'), JSON.stringify(all.filter((f) => f.line === 6)));

    const stale = at(7, 'stale-digest')!;
    assert.equal(stale.fixes[0].replacement, `nginx:1.27@${digests['library/nginx:1.27.3']}`);

    assert.equal(at(8, 'unofficial-image'), undefined, 'a Verified Publisher is not flagged');
  });

  test('a second run is served from the disk cache with zero requests', async () => {
    const registryBefore = registry.requestCount();
    const hubBefore = hub.count();
    const r = await cli(['lint', '--format', 'json', 'Dockerfile']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(registry.requestCount() - registryBefore, 0, JSON.stringify(registry.log.slice(registryBefore)));
    assert.equal(hub.count() - hubBefore, 0);
    assert.ok(findings(r.stdout).some((f) => f.rule === 'stale-digest'));
  });

  test('pin rewrites only the references, byte for byte, where their text lives', async () => {
    const d = (k: string) => digests[k];
    const before =
      '\uFEFF# syntax=docker/dockerfile:1\r\nARG BASE=nginx:1.27\r\nFROM ${BASE} AS web\r\n\t# a comment with nginx:1.27\r\nFROM --platform=linux/amd64 python:3.12.1-slim-bookworm\r\nFROM web\r\nCOPY --from=nginx:1.26 /etc/nginx /x';
    const expected = `\uFEFF# syntax=docker/dockerfile:1\r\nARG BASE=nginx:1.27@${d('library/nginx:1.27.3')}\r\nFROM \${BASE} AS web\r\n\t# a comment with nginx:1.27\r\nFROM --platform=linux/amd64 python:3.12.1-slim-bookworm@${d('library/python:3.12.1-slim-bookworm')}\r\nFROM web\r\nCOPY --from=nginx:1.26@${d('library/nginx:1.26.3')} /etc/nginx /x`;
    const path = join(dir, 'pin.Dockerfile');
    writeFileSync(path, before);
    const dry = await cli(['pin', '--dry-run', 'pin.Dockerfile']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^--- a\/pin\.Dockerfile\n\+\+\+ b\/pin\.Dockerfile\n@@/);
    assert.match(dry.stdout, /\n-ARG BASE=nginx:1\.27\r?\n\+ARG BASE=nginx:1\.27@sha256:/);
    assert.equal(readFileSync(path, 'utf8'), before, '--dry-run writes nothing');

    const r = await cli(['pin', 'pin.Dockerfile']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(path, 'utf8'), expected);
    assert.equal((await cli(['pin', '--check', 'pin.Dockerfile'])).code, 0);
  });

  test('compose ${VAR:-default} is pinned in the default; an unset variable is reported, not guessed', async () => {
    const path = join(dir, 'compose.yaml');
    writeFileSync(
      path,
      'services:\n  web:\n    image: ${WEB:-nginx:1.27}   # default\n  app:\n    image: app:${VERSION}\n',
    );
    const r = await cli(['pin', 'compose.yaml']);
    // What could not be pinned makes the exit code 2; what could was written.
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /cannot pin app:\$\{VERSION\}: VERSION has no value here/);
    assert.equal(
      readFileSync(path, 'utf8'),
      `services:\n  web:\n    image: \${WEB:-nginx:1.27@${digests['library/nginx:1.27.3']}}   # default\n  app:\n    image: app:\${VERSION}\n`,
    );
  });
});

describe('language server against the real registry', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start({
      rootPath: dir,
      env: { IMAGE_TRUST_CACHE_DIR: '', DOCKER_CONFIG: join(dir, 'no-docker-config') },
      initializationOptions: {
        settings: {},
        machineSettings: { registryMirrors: { 'docker.io': registry.url }, hubUrl: hub.url },
      },
      // A workspace setting must not redirect requests: this mirror must never be asked.
      configuration: { registryMirrors: { 'docker.io': other.url }, hubUrl: 'http://127.0.0.1:9' },
    });
  });
  after(() => client.stop());

  test('network diagnostics, quick fixes and hover', async () => {
    type Status = { state: string; asked?: boolean };
    const statuses = () =>
      client.notifications.filter((n) => n.method === 'imageTrust/status').map((n) => n.params as Status);
    // Before a document is open nothing was asked: the status must not claim the registries answer.
    await client.waitFor(() => statuses().find((s) => s.state === 'online'));
    assert.ok(
      statuses().every((s) => s.asked !== true),
      JSON.stringify(statuses()),
    );
    const uri = pathToFileURL(join(dir, 'lsp.Dockerfile')).toString();
    client.open(uri, 'dockerfile', 'FROM nginx:1.27.2\nFROM someuser/nginx:1.25\n');
    const d = await client.diagnosticsFor(uri, (p) => p.diagnostics.some((x) => x.code === 'outdated-version'), 30_000);
    await client.waitFor(() => statuses().find((s) => s.state === 'online' && s.asked === true));
    assert.ok(d.diagnostics.some((x) => x.code === 'unofficial-image' && /community account/.test(x.message)));

    const actions = await client.request<
      Array<{ title: string; kind: string; edit?: { changes: Record<string, Array<{ newText: string }>> } }>
    >('textDocument/codeAction', {
      textDocument: { uri },
      range: d.diagnostics[0].range,
      context: { diagnostics: d.diagnostics.filter((x) => x.range.start.line === 0) },
    });
    const pin = actions.find((a) => /^Pin to digest/.test(a.title))!;
    assert.ok(pin, actions.map((a) => a.title).join(' | '));
    assert.equal(pin.kind, 'quickfix');
    assert.equal(pin.edit!.changes[uri][0].newText, `nginx:1.27.2@${digests['library/nginx:1.27.2']}`);
    assert.ok(actions.some((a) => a.title === 'Update to 1.27.3 (patch)'));

    const hover = await client.request<{ contents: { value: string } }>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 0, character: 7 },
    });
    assert.match(hover.contents.value.split('\n')[0], /Docker Official Image/);
    assert.match(hover.contents.value, /Official build of Nginx\./);
    assert.match(hover.contents.value, new RegExp(digests['library/nginx:1.27.2']));
    const community = await client.request<{ contents: { value: string } }>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 1, character: 7 },
    });
    assert.match(community.contents.value.split('\n')[0], /Community publisher/);

    const sourceActions = (only: string[]) =>
      client.request<Array<{ title: string; kind: string; edit: { changes: Record<string, unknown[]> } }>>(
        'textDocument/codeAction',
        {
          textDocument: { uri },
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          context: { diagnostics: [], only },
        },
      );
    // Pinning needs the network and changes what is built: never part of "fix all" on save.
    assert.deepEqual(await sourceActions(['source.fixAll']), []);
    for (const only of [['source.pinImages'], ['source.pinImages.imageTrust']]) {
      const pinAll = await sourceActions(only);
      assert.deepEqual(
        pinAll.map((a) => [a.title, a.kind]),
        [['Pin all images in this file (2)', 'source.pinImages.imageTrust']],
        `only ${only}`,
      );
      assert.equal(pinAll[0].edit.changes[uri].length, 2);
    }
    // Every source action (the editor's "Source Action..." menu): pin, and the patch update
    // (nginx:1.27.2 has the newer patch 1.27.3; someuser/nginx:1.25 has no newer tag).
    const all = await sourceActions(['source']);
    assert.deepEqual(
      all.map((a) => [a.title, a.kind]),
      [
        ['Pin all images in this file (2)', 'source.pinImages.imageTrust'],
        ['Update all images in this file to the newest patch (1)', 'source.updatePatches.imageTrust'],
      ],
    );
    assert.deepEqual(all[1].edit.changes[uri], [
      { range: { start: { line: 0, character: 5 }, end: { line: 0, character: 17 } }, newText: 'nginx:1.27.3' },
    ]);
    assert.equal(other.requestCount(), 0, 'the workspace-configured mirror was never asked');
  });

  test('light bulb offers Pin to digest where there is no squiggle', async () => {
    const sub = join(dir, 'quiet');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, '.image-trust.yaml'), 'rules: { unpinned-digest: off }\n');
    const uri = pathToFileURL(join(sub, 'Dockerfile')).toString();
    client.open(uri, 'dockerfile', 'FROM bitnami/redis:7.2\n');
    await client.diagnosticsFor(uri);
    const actions = await client.request<Array<{ title: string; kind: string }>>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 8 }, end: { line: 0, character: 8 } },
      context: { diagnostics: [] },
    });
    assert.deepEqual(
      actions.map((a) => [a.title, a.kind]),
      [['Pin bitnami/redis:7.2 to digest', 'refactor.rewrite']],
    );
  });

  test('imageTrust/updateOptions: newer tags of the same variant, grouped, with the edit and end of life', async () => {
    const uri = pathToFileURL(join(dir, 'update.Dockerfile')).toString();
    client.open(uri, 'dockerfile', `FROM nginx:1.26.3\nFROM nginx:1.25.5@${digests['library/nginx:1.25']}\n`);
    await client.diagnosticsFor(uri);
    const result = await client.request<{
      reference: string;
      currentTag: string;
      candidates: Array<{
        tag: string;
        level: string;
        pushedAt?: string;
        endOfLife?: { cycle: string; isEol: boolean };
        digest?: string;
        edit?: { newText: string; range: unknown };
      }>;
    }>('imageTrust/updateOptions', { textDocument: { uri }, position: { line: 0, character: 8 } });
    assert.equal(result.reference, 'nginx:1.26.3');
    assert.deepEqual(
      result.candidates.map((c) => [c.level, c.tag, c.edit?.newText]),
      [
        ['minor', '1.27.3', 'nginx:1.27.3'],
        ['minor', '1.27.2', 'nginx:1.27.2'],
      ],
    );
    assert.deepEqual(result.candidates[0].edit!.range, {
      start: { line: 0, character: 5 },
      end: { line: 0, character: 17 },
    });
    assert.equal(result.candidates[0].endOfLife?.cycle, '1.27');
    assert.equal(result.candidates[0].pushedAt, '2026-10-01T00:00:00Z');

    // A pinned reference stays pinned: each candidate comes with its own digest.
    const pinned = await client.request<{
      candidates: Array<{ tag: string; digest?: string; edit?: { newText: string } }>;
    }>('imageTrust/updateOptions', { textDocument: { uri }, position: { line: 1, character: 8 } });
    const to = pinned.candidates.find((c) => c.tag === '1.27.3')!;
    assert.equal(to.digest, digests['library/nginx:1.27.3']);
    assert.equal(to.edit!.newText, `nginx:1.27.3@${digests['library/nginx:1.27.3']}`);
  });

  /** The code actions of kind `only` for lines 0 to `toLine` of `uri`, as a client asks for them. */
  const sourceActions = (uri: string, only: string, toLine: number) =>
    client.request<Array<{ title: string; kind: string; edit: { changes: Record<string, unknown[]> } }>>(
      'textDocument/codeAction',
      {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: { line: toLine, character: 0 } },
        context: { diagnostics: [], only: [only] },
      },
    );

  test('source.updatePatches: every reference to its newest patch, a pinned one with the new digest', async () => {
    const uri = pathToFileURL(join(dir, 'patches.Dockerfile')).toString();
    client.open(
      uri,
      'dockerfile',
      `FROM nginx:1.27.2\nFROM nginx:1.27.2@${digests['library/nginx:1.27.2']}\nFROM nginx:1.27.3\nFROM nginx:1.26.3\n`,
    );
    await client.diagnosticsFor(uri);
    const actions = await sourceActions(uri, 'source.updatePatches', 0);
    assert.deepEqual(
      actions.map((a) => [a.title, a.kind]),
      [['Update all images in this file to the newest patch (2)', 'source.updatePatches.imageTrust']],
    );
    // 1.27.3 is the newest; 1.26.3 has no newer 1.26 patch (1.27 is a minor move): both untouched.
    assert.deepEqual(actions[0].edit.changes[uri], [
      { range: { start: { line: 0, character: 5 }, end: { line: 0, character: 17 } }, newText: 'nginx:1.27.3' },
      {
        range: { start: { line: 1, character: 5 }, end: { line: 1, character: 89 } },
        newText: `nginx:1.27.3@${digests['library/nginx:1.27.3']}`,
      },
    ]);
  });

  test('source.updatePatches right after didOpen, for a tag the registry lacks, in a CRLF file', async () => {
    // What "Update Everywhere" does: open a file that no editor shows and ask at once.
    const uri = pathToFileURL(join(dir, 'legacy.Dockerfile')).toString();
    client.open(uri, 'dockerfile', 'FROM nginx:1.27.1 AS web\r\nRUN true\r\n');
    const actions = await sourceActions(uri, 'source.updatePatches.imageTrust', 2);
    assert.deepEqual(
      actions.map((a) => [a.title, a.kind]),
      [['Update all images in this file to the newest patch (1)', 'source.updatePatches.imageTrust']],
    );
    assert.deepEqual(actions[0].edit.changes[uri], [
      { range: { start: { line: 0, character: 5 }, end: { line: 0, character: 17 } }, newText: 'nginx:1.27.3' },
    ]);
  });

  test('imageTrust/pinFiles pins whole files through workspace/applyEdit', async () => {
    const path = join(dir, 'ws.Dockerfile');
    writeFileSync(path, 'FROM nginx:1.26\nFROM python:3.12.1-slim-bookworm\n');
    const result = await client.request<{ files: number; changedFiles: number; pinned: number; failed: unknown[] }>(
      'imageTrust/pinFiles',
      { uris: [pathToFileURL(path).toString()] },
    );
    assert.deepEqual(
      { files: result.files, changedFiles: result.changedFiles, pinned: result.pinned },
      { files: 1, changedFiles: 1, pinned: 2 },
    );
    assert.equal(client.appliedEdits.length, 1);
  });
});
