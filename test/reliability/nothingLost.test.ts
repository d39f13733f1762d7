// Nothing lost: `image-trust pin` and the code actions change the reference text and not one byte
// more (CRLF, BOM, tabs, comments, no final newline), write atomically (temporary file + rename:
// new inode, same mode, no temporary left behind), refuse to write a file that changed since it was
// read, and leave the file untouched with a clear message when it cannot be written: immutable
// (chattr +i, since tests run as root and chmod does not stop root), on a read-only mount, or on a
// full disk (a 16 KiB tmpfs). The mounts live in a private mount namespace (`unshare -m`).
// Also: a document that changes while a fix is being computed gets no stale edit.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy';
import { LspTestClient } from '../support/lspClient';
import { pushImage, startRegistry, type TestRegistry } from '../support/registry';
import { CLI_PATH, runCli } from '../support/runCli';
import { crashReports } from './observe';

let registry: TestRegistry;
let slow: FaultProxy;
let dir: string;
const digest: Record<string, string> = {};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'image-trust-lost-'));
  registry = await startRegistry();
  digest.nginx = (await pushImage(registry, 'library/nginx', '1.27.3')).digest;
  digest.python = (await pushImage(registry, 'library/python', '3.12')).digest;
  digest.app = (await pushImage(registry, 'team/app', '1.0')).digest;
  slow = await startFaultProxy(registry.directUrl, () => ({ kind: 'latency', ms: 1500 }));
});

after(async () => {
  await slow?.stop();
  await registry?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function pin(cwd: string, files: string[], mirror = registry.url) {
  return runCli(['pin', ...files, '--registry-mirror', `docker.io=${mirror}`, '--hub-url', 'http://127.0.0.1:9'], {
    cwd,
    env: { IMAGE_TRUST_CACHE_DIR: '', DOCKER_CONFIG: join(cwd, '.no-docker') },
    timeoutMs: 60_000,
  });
}

const BOM = '\uFEFF';
const DOCKERFILE = `${BOM}# syntax=docker/dockerfile:1\r\n# a comment\twith a tab  \r\nARG BASE=python:3.12\r\n\r\nFROM\tnginx:1.27.3 AS web\r\n\tRUN echo "nginx:1.27.3" \\\r\n\t  && true\r\nFROM \${BASE}\r\nCOPY --from=nginx:1.27.3 /a /b`;
const COMPOSE =
  'services:\r\n  web:\r\n    image: nginx:1.27.3   # keep this comment\t(tab)\r\n  api:\r\n    image: "${IMG:-python:3.12}"\r\n  other:\r\n    image: \'nginx:1.27.3\'';

function pinnedDockerfile(): string {
  return DOCKERFILE.replace('BASE=python:3.12', `BASE=python:3.12@${digest.python}`)
    .replace('FROM\tnginx:1.27.3 AS', `FROM\tnginx:1.27.3@${digest.nginx} AS`)
    .replace('--from=nginx:1.27.3 ', `--from=nginx:1.27.3@${digest.nginx} `);
}

function leftovers(folder: string): string[] {
  return readdirSync(folder).filter((n) => n.includes('image-trust') || n.endsWith('.tmp'));
}

describe('CLI pin', () => {
  test('changes only the references: BOM, CRLF, tabs, comments, no final newline, mode kept, new inode', async () => {
    const work = mkdtempSync(join(dir, 'bytes-'));
    writeFileSync(join(work, 'Dockerfile'), DOCKERFILE);
    writeFileSync(join(work, 'compose.yaml'), COMPOSE);
    chmodSync(join(work, 'Dockerfile'), 0o640);
    const inode = statSync(join(work, 'Dockerfile')).ino;
    const r = await pin(work, ['Dockerfile', 'compose.yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(work, 'Dockerfile'), 'utf8'), pinnedDockerfile());
    // The 'image:' line inside the `web` service keeps its comment; `${IMG:-...}` is pinned where its text lives.
    const compose = COMPOSE.replace('image: nginx:1.27.3 ', `image: nginx:1.27.3@${digest.nginx} `)
      .replace('${IMG:-python:3.12}', `\${IMG:-python:3.12@${digest.python}}`)
      .replace("'nginx:1.27.3'", `'nginx:1.27.3@${digest.nginx}'`);
    assert.equal(readFileSync(join(work, 'compose.yaml'), 'utf8'), compose);
    const st = statSync(join(work, 'Dockerfile'));
    assert.equal(st.mode & 0o777, 0o640, 'mode kept');
    assert.notEqual(st.ino, inode, 'written by rename, not in place');
    assert.deepEqual(leftovers(work), []);
  });

  test('refuses to write a file that changed since it was read', async () => {
    const work = mkdtempSync(join(dir, 'changed-'));
    writeFileSync(join(work, 'Dockerfile'), 'FROM nginx:1.27.3\n');
    const before = slow.count();
    const running = pin(work, ['Dockerfile'], slow.url);
    // The first request reaches the proxy after the CLI has read and analysed the file.
    while (slow.count() === before) await new Promise((r) => setTimeout(r, 20));
    const edited = 'FROM nginx:1.27.3\nRUN echo "edited meanwhile"\n';
    writeFileSync(join(work, 'Dockerfile'), edited);
    const r = await running;
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /changed since it was read; nothing was written/);
    assert.equal(readFileSync(join(work, 'Dockerfile'), 'utf8'), edited);
    assert.deepEqual(leftovers(work), []);
  });

  test('an immutable file (chattr +i): a clear error, the file untouched, no temporary left', async (t) => {
    const work = mkdtempSync(join(dir, 'immutable-'));
    const file = join(work, 'Dockerfile');
    writeFileSync(file, 'FROM nginx:1.27.3\n');
    if ((await run('chattr', ['+i', file])).code !== 0) return t.skip('chattr +i is not available here');
    try {
      const r = await pin(work, ['Dockerfile']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /Dockerfile: not written \(permission denied\); the file is unchanged/);
      assert.equal(readFileSync(file, 'utf8'), 'FROM nginx:1.27.3\n');
      assert.deepEqual(leftovers(work), []);
    } finally {
      await run('chattr', ['-i', file]);
    }
  });

  test('a read-only mount: a clear error, the file untouched', async (t) => {
    if (!(await canUnshare())) return t.skip('unshare -m (a private mount namespace) is not allowed here');
    const work = mkdtempSync(join(dir, 'rofs-'));
    writeFileSync(join(work, 'Dockerfile'), 'FROM nginx:1.27.3\n');
    const script = `mount --bind "$W" "$W" && mount -o remount,ro,bind "$W" && cd "$W" && "$NODE" "$CLI" pin Dockerfile --registry-mirror "docker.io=$MIRROR"`;
    const r = await run('unshare', ['-m', 'sh', '-c', script], {
      W: work,
      NODE: process.execPath,
      CLI: CLI_PATH,
      MIRROR: registry.url,
      IMAGE_TRUST_CACHE_DIR: '',
      DOCKER_CONFIG: join(work, '.none'),
      NO_COLOR: '1',
    });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /Dockerfile: not written \(read-only file system\); the file is unchanged/);
    assert.equal(readFileSync(join(work, 'Dockerfile'), 'utf8'), 'FROM nginx:1.27.3\n');
  });

  test('a full disk (16 KiB tmpfs, filled): a clear error, the file untouched, no temporary left', async (t) => {
    if (!(await canUnshare())) return t.skip('unshare -m (a private mount namespace) is not allowed here');
    const work = mkdtempSync(join(dir, 'full-'));
    const source = join(dir, 'full-source.Dockerfile');
    const text = `# ${'x'.repeat(3000)}\nFROM nginx:1.27.3\n`;
    writeFileSync(source, text);
    // Everything happens inside the namespace; what is left is printed for the test to check.
    const script = [
      'mount -t tmpfs -o size=16k tmpfs "$W"',
      'cp "$SRC" "$W/Dockerfile"',
      'dd if=/dev/zero of="$W/filler" bs=1024 2>/dev/null; true',
      'cd "$W"',
      '"$NODE" "$CLI" pin Dockerfile --registry-mirror "docker.io=$MIRROR"; echo "exit=$?"',
      'echo "sha=$(sha256sum Dockerfile | cut -c1-64)"',
      'echo "files=$(ls -A | tr "\\n" " ")"',
    ].join('\n');
    const r = await run('unshare', ['-m', 'sh', '-c', script], {
      W: work,
      SRC: source,
      NODE: process.execPath,
      CLI: CLI_PATH,
      MIRROR: registry.url,
      IMAGE_TRUST_CACHE_DIR: '',
      DOCKER_CONFIG: join(dir, '.none'),
      NO_COLOR: '1',
    });
    assert.match(r.stdout, /exit=2/, r.stdout + r.stderr);
    assert.match(r.stderr, /Dockerfile: not written \(no space left on the disk\); the file is unchanged/);
    const expected = (await run('sha256sum', [source])).stdout.slice(0, 64);
    assert.match(r.stdout, new RegExp(`sha=${expected}`));
    assert.match(r.stdout, /files=Dockerfile filler \n/);
  });

  test('a file that is not UTF-8 is not rewritten', async () => {
    const work = mkdtempSync(join(dir, 'latin1-'));
    const bytes = Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from('\nFROM nginx:1.27.3\n')]);
    writeFileSync(join(work, 'Dockerfile'), bytes);
    const r = await pin(work, ['Dockerfile']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /not valid UTF-8; not rewritten/);
    assert.ok(readFileSync(join(work, 'Dockerfile')).equals(bytes));
  });
});

// ---- code actions ------------------------------------------------------------------------------

type Edit = {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  newText: string;
};
type Action = {
  title: string;
  kind?: string;
  edit?: {
    changes?: Record<string, Edit[]>;
    documentChanges?: Array<{ textDocument: { version: number | null }; edits: Edit[] }>;
  };
};

/** Applies LSP edits the way an editor does (lines end at \n, \r\n or \r). */
function applyEdits(text: string, edits: Edit[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] !== '\n')) starts.push(i + 1);
  }
  const offset = (p: Edit['range']['start']) => Math.min((starts[p.line] ?? text.length) + p.character, text.length);
  return [...edits]
    .sort((a, b) => offset(b.range.start) - offset(a.range.start))
    .reduce((t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)), text);
}

/** The answer to the imageTrust/pinFiles request. */
interface PinFilesResult {
  files: number;
  changedFiles: number;
  pinned: number;
  failed: Array<{ uri: string; reference: string; reason: string }>;
}

function editsOf(action: Action | undefined, uri: string): Edit[] {
  return action?.edit?.changes?.[uri] ?? action?.edit?.documentChanges?.flatMap((d) => d.edits) ?? [];
}

describe('code actions', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start({
      rootPath: dir,
      env: { DOCKER_CONFIG: join(dir, '.none') },
      initializationOptions: {
        machineSettings: { registryMirrors: { 'docker.io': registry.url }, hubUrl: 'http://127.0.0.1:9' },
      },
    });
  });
  after(async () => {
    assert.deepEqual(crashReports(client), []);
    await client.stop();
  });

  test('quick fix and fix-all change the reference and not one byte more', async () => {
    const uri = pathToFileURL(join(dir, 'edit.Dockerfile')).toString();
    const text = DOCKERFILE.slice(1); // editors hand the server the text without its BOM
    client.open(uri, 'dockerfile', text);
    const published = await client.diagnosticsFor(uri, (d) => d.diagnostics.some((x) => x.code === 'unpinned-digest'));
    const web = published.diagnostics.find((d) => d.code === 'unpinned-digest' && d.range.start.line === 4)!;
    const quick = await client.request<Action[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: web.range,
      context: { diagnostics: [web] },
    });
    const pinAction = quick.find((a) => /^Pin/.test(a.title) && editsOf(a, uri).length);
    assert.ok(pinAction, JSON.stringify(quick.map((a) => a.title)));
    assert.equal(
      applyEdits(text, editsOf(pinAction, uri)),
      text.replace('FROM\tnginx:1.27.3 AS', `FROM\tnginx:1.27.3@${digest.nginx} AS`),
    );

    const fixAll = await client.request<Action[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.pinImages'] },
    });
    assert.equal(fixAll.length, 1, JSON.stringify(fixAll));
    assert.equal(applyEdits(text, editsOf(fixAll[0], uri)), pinnedDockerfile().slice(1));
  });

  test('a huge document (2 MB) and a binary one: reported, not parsed, the server keeps answering', async () => {
    const huge = pathToFileURL(join(dir, 'huge.Dockerfile')).toString();
    const binary = pathToFileURL(join(dir, 'binary.Dockerfile')).toString();
    client.open(huge, 'dockerfile', `FROM nginx:1.27.3\n${'RUN echo filler\n'.repeat(140_000)}`);
    client.open(binary, 'dockerfile', `FROM nginx\u0000\u0001\u00ff${'\u0000'.repeat(100)}`);
    const h = await client.diagnosticsFor(huge);
    const b = await client.diagnosticsFor(binary);
    assert.deepEqual(
      h.diagnostics.map((d) => d.code),
      ['invalid-document'],
    );
    assert.deepEqual(
      b.diagnostics.map((d) => d.code),
      ['invalid-document'],
    );
    const hover = await client.request('textDocument/hover', {
      textDocument: { uri: huge },
      position: { line: 0, character: 7 },
    });
    assert.equal(hover, null);
  });

  test('the document changes while a quick fix is computed: no stale edit', async () => {
    const uri = pathToFileURL(join(dir, 'race.Dockerfile')).toString();
    // Not asked before in this server (and the network pass is still waiting for its debounce when
    // the code action is asked): the quick fix really waits for the slow registry.
    const ref = `${slow.host}/team/app:1.0`;
    const text = `FROM ${ref}\n`;
    client.open(uri, 'dockerfile', text);
    await client.diagnosticsFor(uri);
    const before = slow.count();
    const pending = client.request<Action[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 5 }, end: { line: 0, character: 5 + ref.length } },
      context: { diagnostics: [] },
    });
    // The change is sent while the lookup is at the registry (1.5 s of latency per request).
    await client.waitFor(() => slow.count() > before, 60_000, 'the lookup reaching the registry');
    const changed = `# a line typed meanwhile, longer than the reference\n${text}`;
    client.change(uri, changed);
    const actions = await pending;
    const edited = actions.filter((a) => editsOf(a, uri).length > 0);
    for (const action of edited) {
      // An edit is acceptable only if it still lands on the reference in the new text.
      assert.equal(
        applyEdits(changed, editsOf(action, uri)),
        changed.replace(ref, `${ref}@${digest.app}`),
        `stale edit "${action.title}": ${JSON.stringify(editsOf(action, uri))}`,
      );
    }
    // Not vacuous: on the new text, once it is published, the same question gets the pin, placed on
    // the new text (so the registry answers and an empty answer above was about the change).
    await client.diagnosticsFor(uri, (d) => d.version === 2);
    const again = await client.request<Action[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 1, character: 5 }, end: { line: 1, character: 5 + ref.length } },
      context: { diagnostics: [] },
    });
    const pin = again.find((a) => /^Pin/.test(a.title) && editsOf(a, uri).length > 0);
    assert.ok(pin, `the pin on the new text: ${JSON.stringify(again.map((a) => a.title))}`);
    assert.equal(applyEdits(changed, editsOf(pin, uri)), changed.replace(ref, `${ref}@${digest.app}`));
  });

  test('the document changes while "pin files" is computed: the edit it sends cannot land on the new text', async () => {
    const uri = pathToFileURL(join(dir, 'race2.Dockerfile')).toString();
    // Not asked before in this server: the pin really waits for the slow registry.
    const ref = `${slow.host}/library/nginx:1.27.3`;
    const text = `FROM ${ref}\n`;
    client.open(uri, 'dockerfile', text);
    await client.diagnosticsFor(uri);
    const already = client.appliedEdits.length;
    const before = slow.count();
    const pending = client.request<PinFilesResult>('imageTrust/pinFiles', { uris: [uri] });
    await client.waitFor(() => slow.count() > before, 60_000, 'the lookup reaching the registry');
    const changed = `# typed meanwhile\n${text}`;
    const version = client.change(uri, changed);
    assert.equal(client.appliedEdits.length, already, 'the pin was still in flight when the document changed');
    const result = await pending;
    const sent = client.appliedEdits.slice(already) as Array<{ edit: Action['edit'] }>;
    for (const { edit } of sent) {
      // A versioned edit for the old version is refused by the editor: safe.
      const versioned = edit?.documentChanges?.every(
        (d) => d.textDocument.version !== null && d.textDocument.version < version,
      );
      if (versioned) continue;
      const edits = edit?.changes?.[uri] ?? edit?.documentChanges?.flatMap((d) => d.edits) ?? [];
      assert.equal(
        applyEdits(changed, edits),
        changed.replace(ref, `${ref}@${digest.nginx}`),
        `unversioned edit computed on the old text: ${JSON.stringify(edits)}`,
      );
    }
    // What the user is told: nothing claimed as pinned that did not land, and why.
    assert.equal(result.files, 1, JSON.stringify(result));
    assert.equal(result.pinned, 0, `nothing was pinned on the changed text: ${JSON.stringify(result)}`);
    assert.equal(result.changedFiles, 0, JSON.stringify(result));
    assert.ok(
      result.failed.some((f) => f.uri === uri && /changed while/.test(f.reason)),
      `the result says the file changed meanwhile: ${JSON.stringify(result)}`,
    );

    // Not vacuous: asked again on the new text, the pin lands, on the reference in the new text.
    const second = await client.request<PinFilesResult>('imageTrust/pinFiles', { uris: [uri] });
    assert.deepEqual(
      { pinned: second.pinned, changedFiles: second.changedFiles, failed: second.failed },
      { pinned: 1, changedFiles: 1, failed: [] },
    );
    const [{ edit }] = client.appliedEdits.slice(already + sent.length) as Array<{ edit: Action['edit'] }>;
    const edits = edit?.changes?.[uri] ?? edit?.documentChanges?.flatMap((d) => d.edits) ?? [];
    assert.equal(applyEdits(changed, edits), changed.replace(ref, `${ref}@${digest.nginx}`));
  });
});

// ---- process helpers ---------------------------------------------------------------------------

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', (e) => resolve({ code: -1, stdout, stderr: String(e) }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let unshareOk: boolean | undefined;
async function canUnshare(): Promise<boolean> {
  unshareOk ??=
    (await run('unshare', ['-m', 'sh', '-c', `mount -t tmpfs -o size=4k tmpfs "${tmpdir()}" && true`])).code === 0;
  return unshareOk;
}
