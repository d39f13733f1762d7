// Pin to digest, "Update to …" and the hover in every file kind over LSP (the bundled server over
// stdio) against the real registry: each quick fix applied the way an editor applies it, and the
// file compared byte for byte with what it must become.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LineIndex } from '../../server/src/core/lineIndex';
import { LspTestClient } from '../support/lspClient';
import { pushImage, startRegistry, type TestRegistry } from '../support/registry';

interface TextEdit {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  newText: string;
}
interface Action {
  title: string;
  kind: string;
  edit?: { changes?: Record<string, TextEdit[]>; documentChanges?: Array<{ edits?: TextEdit[] }> };
}

let registry: TestRegistry;
let client: LspTestClient;
let dir: string;
let digest: string;

before(async () => {
  registry = await startRegistry();
  digest = (await pushImage(registry, 'team/app', '1.0')).digest;
  await pushImage(registry, 'team/app', '1.1');
  dir = mkdtempSync(join(tmpdir(), 'image-trust-lsp-kinds-online-'));
  client = await LspTestClient.start({
    rootPath: dir,
    env: { IMAGE_TRUST_CACHE_DIR: '', DOCKER_CONFIG: join(dir, 'no-docker-config') },
    initializationOptions: { settings: {}, machineSettings: {} },
  });
});
after(async () => {
  await client?.stop();
  await registry?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = new LineIndex(text);
  let out = text;
  for (const e of [...edits].sort((a, b) => lines.offsetAt(b.range.start) - lines.offsetAt(a.range.start)))
    out = out.slice(0, lines.offsetAt(e.range.start)) + e.newText + out.slice(lines.offsetAt(e.range.end));
  return out;
}

function editsOf(action: Action): TextEdit[] {
  return [
    ...Object.values(action.edit?.changes ?? {}).flat(),
    ...(action.edit?.documentChanges ?? []).flatMap((c) => c.edits ?? []),
  ];
}

interface Case {
  name: string;
  path: string;
  languageId: string;
  /** The text with REF standing for the reference (HOST for the registry host). */
  text: string;
  /** What pinning makes of it. */
  pinned: string;
  /** What "Update to 1.1" makes of it. */
  updated: string;
}

const CASES: Case[] = [
  {
    name: 'Kubernetes manifest',
    path: 'deploy/web.yaml',
    languageId: 'yaml',
    text: 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: "HOST/team/app:1.0" # the web tier\n',
    pinned: 'image: "HOST/team/app:1.0@DIGEST" # the web tier',
    updated: 'image: "HOST/team/app:1.1" # the web tier',
  },
  {
    name: 'Helm values with a digest: key',
    path: 'chart/values.yaml',
    languageId: 'yaml',
    text: 'image:\n  registry: HOST\n  repository: team/app\n  tag: "1.0"\n  digest: ""\n  pullPolicy: IfNotPresent\n',
    pinned: 'tag: "1.0"\n  digest: "DIGEST"\n  pullPolicy',
    updated: 'tag: "1.1"\n  digest: ""\n  pullPolicy',
  },
  {
    name: 'GitHub Actions workflow',
    path: '.github/workflows/ci.yml',
    languageId: 'github-actions-workflow',
    text: 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker://HOST/team/app:1.0\n',
    pinned: 'uses: docker://HOST/team/app:1.0@DIGEST\n',
    updated: 'uses: docker://HOST/team/app:1.1\n',
  },
  {
    name: 'GitLab CI',
    path: '.gitlab-ci.yml',
    languageId: 'yaml',
    text: 'test:\n  image:\n    name: HOST/team/app:1.0\n    entrypoint: [""]\n  script: [true]\n',
    pinned: 'name: HOST/team/app:1.0@DIGEST\n',
    updated: 'name: HOST/team/app:1.1\n',
  },
  {
    name: 'dev container (JSONC)',
    path: '.devcontainer/devcontainer.json',
    languageId: 'jsonc',
    text: '{\n  // the image\n  "image": "HOST/team/app:1.0",\n}\n',
    pinned: '"image": "HOST/team/app:1.0@DIGEST",\n}',
    updated: '"image": "HOST/team/app:1.1",\n}',
  },
  {
    name: 'bake file (HCL)',
    path: 'docker-bake.hcl',
    languageId: 'hcl',
    text: 'target "app" {\n  contexts = {\n    base = "docker-image://HOST/team/app:1.0"\n  }\n}\n',
    pinned: 'base = "docker-image://HOST/team/app:1.0@DIGEST"',
    updated: 'base = "docker-image://HOST/team/app:1.1"',
  },
];

for (const c of CASES) {
  test(`${c.name}: hover, pin to digest and "Update to 1.1" over LSP with the real registry`, async () => {
    const fill = (s: string) => s.replaceAll('HOST', registry.host).replaceAll('DIGEST', digest);
    const text = fill(c.text);
    const path = join(dir, c.path);
    mkdirSync(dirname(path), { recursive: true });
    const uri = pathToFileURL(path).toString();
    client.open(uri, c.languageId, text);
    // The network pass has answered when outdated-version (it needs the tag list) is published.
    const published = await client.diagnosticsFor(uri, (d) => d.diagnostics.some((x) => x.code === 'outdated-version'));
    const outdated = published.diagnostics.find((x) => x.code === 'outdated-version')!;
    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri },
      position: outdated.range.start,
    });
    assert.match(hover!.contents.value, /team\/app/);
    assert.ok(hover!.contents.value.includes(digest.slice(7, 19)), 'the hover shows the digest the tag points to');
    const actions = await client.request<Action[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: outdated.range,
      context: { diagnostics: published.diagnostics.filter((d) => d.range.start.line === outdated.range.start.line) },
    });
    const pin = actions.find((a) => /^Pin .*digest/.test(a.title) && editsOf(a).length > 0);
    assert.ok(pin, `a pin action among ${actions.map((a) => a.title).join(' | ')}`);
    const pinnedText = applyEdits(text, editsOf(pin));
    assert.ok(pinnedText.includes(fill(c.pinned)), pinnedText);
    // Every other byte stays: taking the pinned part back out gives the original.
    assert.equal(pinnedText.replace(`@${digest}`, '').replace(`"${digest}"`, '""'), text);
    const update = actions.find((a) => a.title.startsWith('Update to 1.1'));
    assert.ok(update, `an update action among ${actions.map((a) => a.title).join(' | ')}`);
    const updatedText = applyEdits(text, editsOf(update));
    assert.ok(updatedText.includes(fill(c.updated)), updatedText);
    assert.equal(updatedText.replace(':1.1', ':1.0').replace('"1.1"', '"1.0"'), text);
  });
}
