// package.json's contributions against the client code, the server's rules and the contract's
// file names.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, matchesGlob } from 'node:path';
import { test } from 'node:test';
import {
  COMPOSE_GLOBS,
  DOCKERFILE_GLOBS,
  KIND_GLOBS,
  PINNABLE_FILES_GLOB,
  POLICY_GLOB,
  SHARED_LANGUAGE_IDS,
} from '../../client/src/filePatterns';
import { MACHINE_SETTING_KEYS } from '../../client/src/machineSettings';
import { detectDocumentKind } from '../../server/src/core/analyze';
import { RULES } from '../../server/src/core/rules';

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const clientSource = readdirSync(join(root, 'client', 'src'))
  .map((f) => readFileSync(join(root, 'client', 'src', f), 'utf8'))
  .join('\n');
const bundle = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
const nls = (value: string) => (/^%.+%$/.test(value) ? bundle[value.slice(1, -1)] : value);
const properties = manifest.contributes.configuration.properties as Record<
  string,
  { scope?: string; default?: unknown; properties?: Record<string, { enum: string[]; markdownDescription: string }> }
>;

const NAMES = [
  'Dockerfile',
  'Containerfile',
  'api.Dockerfile',
  'build.dockerfile',
  'Dockerfile.dev',
  'Containerfile.arm64',
  'compose.yaml',
  'compose.yml',
  'docker-compose.yaml',
  'docker-compose.yml',
  'compose.prod.yaml',
  'docker-compose.override.yml',
  'Dockerfile-old',
  'mydockerfile',
  'compose.json',
  'values.yaml',
  'docker-compose',
  'README.md',
  'mycompose.yaml',
  '.image-trust.yaml',
  'docker-bake.hcl',
  'docker-bake.override.json',
  '.devcontainer.json',
  '.devcontainer/devcontainer.json',
  '.devcontainer/python/devcontainer.json',
  'devcontainer.json',
  '.gitlab-ci.yml',
  '.github/workflows/ci.yml',
  '.github/dependabot.yml',
  'action.yml',
  'values.yml',
  'values-prod.yaml',
  '_config.yml',
];

test('the pin command finds exactly the files whose kind the server reads from their name', () => {
  for (const name of NAMES) {
    const kind = detectDocumentKind(`repo/sub/${name}`);
    assert.equal(matchesGlob(`repo/sub/${name}`, PINNABLE_FILES_GLOB), kind !== undefined && kind !== 'policy', name);
  }
});

test('the document selector covers the same files and the policy file', () => {
  for (const name of NAMES) {
    const kind = detectDocumentKind(`repo/${name}`);
    const selected = [...DOCKERFILE_GLOBS, ...COMPOSE_GLOBS, ...KIND_GLOBS, POLICY_GLOB].some((glob) =>
      matchesGlob(`repo/${name}`, glob),
    );
    assert.equal(selected, kind !== undefined, name);
  }
});

test('every command the client registers is contributed, in Title Case with the Image Trust category', () => {
  const registered = [...clientSource.matchAll(/registerCommand\(\s*'([^']+)'|_COMMAND = '([^']+)'/g)].map(
    (m) => m[1] ?? m[2],
  );
  const contributed = manifest.contributes.commands.map((c: { command: string }) => c.command);
  assert.deepEqual([...new Set(registered)].sort(), [...contributed].sort());
  const small = new Set(['a', 'an', 'the', 'and', 'or', 'in', 'to', 'of', 'by', 'for', 'on', 'at']);
  for (const c of manifest.contributes.commands) {
    assert.equal(nls(c.category), 'Image Trust');
    const words = nls(c.title).split(' ');
    for (const [i, word] of words.entries()) {
      const titled = /^[A-Z0-9]/.test(word) || (i > 0 && small.has(word.replace(/…$/, '')));
      assert.ok(titled, `"${nls(c.title)}": ${word}`);
    }
  }
});

test('menus name contributed commands only', () => {
  const contributed = new Set(manifest.contributes.commands.map((c: { command: string }) => c.command));
  for (const [menu, entries] of Object.entries(
    manifest.contributes.menus as Record<string, Array<{ command: string }>>,
  ))
    for (const entry of entries) assert.ok(contributed.has(entry.command), `${menu}: ${entry.command}`);
});

test('every %key% of package.json is in package.nls.json, and every key there is used', () => {
  const text = readFileSync(join(root, 'package.json'), 'utf8');
  const used = new Set([...text.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]));
  assert.ok(used.size > 30, 'user-facing strings go through package.nls.json');
  for (const key of used) assert.equal(typeof bundle[key], 'string', key);
  for (const key of Object.keys(bundle)) assert.ok(used.has(key), `unused: ${key}`);
  for (const c of manifest.contributes.commands) assert.match(c.title, /^%.+%$/, c.command);
});

test('user-facing words in the client go through vscode.l10n', () => {
  // A message shown to the user with a string literal instead of vscode.l10n.t(...).
  const literal =
    /show(?:Information|Warning|Error)Message\(\s*['`][A-Za-z]|setStatusBarMessage\(\s*['`][A-Za-z]|title: ['`][A-Za-z]/;
  for (const file of readdirSync(join(root, 'client', 'src'))) {
    const text = readFileSync(join(root, 'client', 'src', file), 'utf8');
    assert.equal(literal.exec(text)?.[0], undefined, file);
  }
});

test('settings come in a deliberate order', () => {
  const orders = Object.entries(properties).map(([key, p]) => [key, (p as { order?: number }).order] as const);
  for (const [key, order] of orders) assert.equal(typeof order, 'number', key);
  assert.equal(new Set(orders.map(([, o]) => o)).size, orders.length, 'no two settings share an order');
  const byOrder = [...orders].sort((a, b) => a[1]! - b[1]!).map(([key]) => key);
  assert.equal(byOrder[0], 'imageTrust.offline');
  assert.ok(byOrder.indexOf('imageTrust.rules') < byOrder.indexOf('imageTrust.registryMirrors'));
});

test('the walkthrough has its steps and media, and the .vsix ships them', () => {
  const [walkthrough] = manifest.contributes.walkthroughs;
  assert.deepEqual(
    walkthrough.steps.map((s: { id: string }) => s.id),
    ['openDockerfile', 'seeSquiggle', 'pin', 'trust', 'ci'],
  );
  const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8');
  for (const step of walkthrough.steps) {
    assert.ok(readFileSync(join(root, step.media.markdown), 'utf8').startsWith('# '), step.media.markdown);
    assert.ok(matchesGlob(step.media.markdown, 'media/walkthrough/*.md') && ignore.includes('!media/walkthrough/*.md'));
  }
});

test('the built-in Docker and Compose languages keep their names', () => {
  // A contribution's first alias becomes the language's display name, so the dockerfile
  // contribution has none (VS Code's docker extension calls it "Docker"), and the compose one
  // repeats what VS Code's yaml extension says first.
  const dockerfile = manifest.contributes.languages.find((l: { id: string }) => l.id === 'dockerfile');
  assert.equal(dockerfile.aliases, undefined);
  const compose = manifest.contributes.languages.find((l: { id: string }) => l.id === 'dockercompose');
  assert.equal(compose.aliases[0], 'Compose');
});

test('grammars inject only into scopes that exist', () => {
  // source.dockerfile: VS Code's docker extension; the others are contributed here.
  const ours = new Set(manifest.contributes.grammars.map((g: { scopeName: string }) => g.scopeName));
  for (const grammar of manifest.contributes.grammars) {
    const file = JSON.parse(readFileSync(join(root, grammar.path), 'utf8'));
    assert.equal(file.scopeName, grammar.scopeName, grammar.path);
    for (const scope of grammar.injectTo ?? []) assert.ok(scope === 'source.dockerfile' || ours.has(scope), scope);
  }
});

test('the rules setting lists every rule with its severities and default', () => {
  const rules = properties['imageTrust.rules'].properties!;
  assert.deepEqual(
    Object.keys(rules),
    RULES.map((r) => r.id),
  );
  for (const rule of RULES) {
    assert.deepEqual(rules[rule.id].enum, ['error', 'warning', 'info', 'off']);
    assert.ok(nls(rules[rule.id].markdownDescription).includes(`Default: \`${rule.defaultSeverity}\``), rule.id);
  }
});

test('the settings of the contract exist; the ones that route requests are machine-scoped and restricted', () => {
  for (const key of [
    'offline',
    'rules',
    'trustedNamespaces',
    'trustedRegistries',
    'maxImageAgeDays',
    'trace.server',
    ...MACHINE_SETTING_KEYS,
  ]) {
    assert.ok(properties[`imageTrust.${key}`], key);
  }
  const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
  for (const key of MACHINE_SETTING_KEYS) {
    assert.equal(properties[`imageTrust.${key}`].scope, 'machine', key);
    assert.ok(restricted.includes(`imageTrust.${key}`), key);
  }
  assert.equal(properties['imageTrust.hubUrl'].default, 'https://hub.docker.com');
  assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.equal(manifest.capabilities.virtualWorkspaces, false);
});

test('activation on languages and commands only (no workspace file search at start-up), and the bundled entry point', () => {
  assert.equal(manifest.main, './dist/extension.js');
  assert.ok(manifest.activationEvents.includes('onLanguage:dockerfile'));
  assert.ok(manifest.activationEvents.includes('onLanguage:dockercompose'));
  // The policy file is YAML; so are the Kubernetes, Actions and GitLab files the server reads.
  assert.ok(manifest.activationEvents.includes('onLanguage:yaml'));
  for (const event of manifest.activationEvents) assert.match(event, /^(?:onLanguage|onCommand|onView):/, event);
  for (const language of manifest.contributes.languages) {
    if (language.configuration)
      assert.doesNotThrow(
        () => JSON.parse(readFileSync(join(root, language.configuration), 'utf8')),
        language.configuration,
      );
  }
});

test('the extension activates on every shared language id; once active, bake files are checked by name', () => {
  const events = manifest.activationEvents as string[];
  for (const language of SHARED_LANGUAGE_IDS) assert.ok(events.includes(`onLanguage:${language}`), language);
  // Without an HCL extension docker-bake.hcl opens as plain text, which does not activate us (that
  // would start the server for every text file); once active, the selector's name patterns take it.
  assert.ok(!events.some((e) => e.startsWith('workspaceContains:')));
  for (const name of ['docker-bake.hcl', 'docker-bake.override.hcl', 'docker-bake.json'])
    assert.ok(
      KIND_GLOBS.some((glob) => matchesGlob(`repo/${name}`, glob)),
      name,
    );
});
